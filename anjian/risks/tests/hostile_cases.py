"""Graded risk control in the hostile-text test (:mod:`anjian.core.hostile_testing`): risk
points, hazards and measures written through their forms and through the register import;
read back on the point page, the register, the regional database and its export, the register
export and the dossier PDF. (The card PDF embeds its QR code, an image, so it is checked by
``test_hostile.py`` in this app instead of this harness's no-image rule.)"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client

from anjian.accounts.choices import Role
from anjian.core.hostile_testing import Reading, World, WritePath, Written
from anjian.core.sheets import write_book
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Town
from anjian.risks import services, sheets
from anjian.risks.models import ControlMeasure, Hazard, RiskPoint, RiskZone
from conftest import make_user

LEC = {"method": "lec", "l_value": "3", "e_value": "6", "c_value": "7"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def setup(world: World) -> None:
    town = Town.objects.order_by("code").first()
    world.risk_city = make_user("hostile-risk-city", (Role.CITY, CITY_CODE))
    world.risk_enterprise = make_enterprise(town, name="滕州市风险敌意测试有限公司")


def _written(response: Any, obj: Any) -> Written:
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    return Written(response.status_code, obj, bool(form is not None and form.errors))


def _point(world: World) -> RiskPoint:
    return services.create_point(
        world.risk_enterprise, {"name": f"敌意风险点{world.serial()}"}, actor=world.risk_city
    )


def _point_form(world: World, text: str) -> Written:
    pk = world.risk_enterprise.pk
    before = set(RiskPoint.objects.values_list("pk", flat=True))
    response = _client(world.risk_city).post(
        f"/risks/enterprises/{pk}/points/new/",
        {"name": text, "kind": "facility", "location": text, "post": text},
    )
    created = RiskPoint.objects.exclude(pk__in=before).first()
    if created is not None:
        services.add_hazard(
            created, {"description": "危险", "factor_code": "21", **LEC}, actor=world.risk_city
        )
    return _written(response, created)


def _hazard_form(world: World, text: str) -> Written:
    point = _point(world)
    response = _client(world.risk_city).post(
        f"/risks/points/{point.pk}/hazards/new/",
        {"description": text, "factor_code": "21", **LEC},
    )
    return _written(response, Hazard.objects.filter(risk_point=point).first())


def _measure_form(world: World, text: str) -> Written:
    point = _point(world)
    services.add_hazard(point, {"description": "危险", "factor_code": "21", **LEC},
                        actor=world.risk_city)  # fmt: skip
    response = _client(world.risk_city).post(
        f"/risks/points/{point.pk}/measures/new/",
        {"kind": "management", "description": text, "control_level": "team",
         "responsible": text},
    )  # fmt: skip
    return _written(response, ControlMeasure.objects.filter(risk_point=point).first())


def _import(world: World, text: str) -> Written:
    enterprise = world.risk_enterprise
    before = set(RiskPoint.objects.values_list("pk", flat=True))
    cell = text
    row = {"point": cell, "kind": "设备设施", "location": cell, "post": cell,
           "description": cell, "factor": "21", "method": "LEC", "l": "3", "e": "6",
           "c": "7"}  # fmt: skip
    data = write_book([(sheets.REGISTER, [[row.get(c.key) for c in sheets.REGISTER.columns]])])
    _created, errors = sheets.import_register(enterprise, data, actor=world.risk_city)
    return Written(400 if errors else 200, RiskPoint.objects.exclude(pk__in=before).first())


def _zone_form(world: World, text: str) -> Written:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import TestCase

    from anjian.core.attachments import store
    from anjian.risks.tests.test_plant import layout_png

    enterprise = make_enterprise(world.risk_enterprise.town, name=f"滕州市区域{world.serial()}公司")
    layout = services.add_plant_layout(enterprise, actor=world.risk_city)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the file is written on commit
        store(layout, SimpleUploadedFile("p.png", layout_png(), "image/png"), actor=world.risk_city)
    response = _client(world.risk_city).post(
        f"/risks/enterprises/{enterprise.pk}/plant/zones/",
        {"name": text, "polygon": "[[5,5],[50,5],[20,40]]"},
    )
    zone = RiskZone.objects.filter(layout=layout).first()
    # The page redirects either way; a refused zone is not written.
    return Written(response.status_code if zone is None and response.status_code >= 500
                   else 200 if zone else 400, zone)  # fmt: skip


def _point_texts(point: RiskPoint) -> list[str]:
    return [point.name, point.location, point.post]


def paths(world: World) -> list[WritePath]:
    point_readers = ("risk point page", "risk register", "risk database", "risk database export",
                     "risk register export", "risk dossier PDF")  # fmt: skip
    return [
        WritePath("risk point form", 100, lambda t: _point_form(world, t), _point_texts,
                  point_readers),
        WritePath("hazard form", 200, lambda t: _hazard_form(world, t),
                  lambda h: [h.description], ("risk point page", "risk register export")),
        WritePath("measure form", 50, lambda t: _measure_form(world, t),
                  lambda m: [m.description, m.responsible],
                  ("risk point page", "risk register export")),
        WritePath("risk zone form", 100, lambda t: _zone_form(world, t), lambda z: [z.name],
                  ("risk plant page", "risk dossier PDF")),
        WritePath("risk register import", 100, lambda t: _import(world, t), _point_texts,
                  ("risk point page", "risk register export")),
    ]  # fmt: skip


def _point_of(obj: Any) -> Any:
    if isinstance(obj, RiskZone):  # readers need its enterprise only
        return SimpleNamespace(enterprise_id=obj.layout.enterprise_id)
    return obj if isinstance(obj, RiskPoint) else obj.risk_point


def _get(user: Any, url: str, kind: Any, **params: Any) -> Reading:
    response = _client(user).get(url, params)
    return Reading(kind, response.content, response.status_code)


READERS = {
    "risk plant page": lambda w, o: _get(
        w.risk_city, f"/risks/enterprises/{o.layout.enterprise_id}/plant/", "html"
    ),
    "risk point page": lambda w, o: _get(w.risk_city, f"/risks/points/{_point_of(o).pk}/", "html"),
    "risk register": lambda w, o: _get(
        w.risk_city, f"/risks/enterprises/{_point_of(o).enterprise_id}/", "html"
    ),
    "risk database": lambda w, o: _get(w.risk_city, "/risks/", "html", q=_point_of(o).name),
    "risk database export": lambda w, o: _get(
        w.risk_city, "/risks/export.xlsx", "xlsx", q=_point_of(o).name
    ),
    "risk register export": lambda w, o: _get(
        w.risk_city, f"/risks/enterprises/{_point_of(o).enterprise_id}/export.xlsx", "xlsx"
    ),
    "risk dossier PDF": lambda w, o: _get(
        w.risk_city, f"/enterprises/{_point_of(o).enterprise_id}/dossier.pdf", "pdf"
    ),
}
