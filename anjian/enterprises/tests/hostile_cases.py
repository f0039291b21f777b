"""The registry in the hostile-text test (:mod:`anjian.core.hostile_testing`): enterprises
(form and API, created and edited), licences (added and edited), change requests (proposed
through the form and the API, decided with a comment); read back on the detail page, the list,
the change-request page, the dossier PDF and the registry export; the registry workbook
imported (a new enterprise and an update of one registered)."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client

from anjian.accounts.choices import Role
from anjian.core.hostile_testing import Reading, World, WritePath, Written
from anjian.core.sheets import WorkbookError
from anjian.enterprises.excel import COLUMNS, write_workbook
from anjian.enterprises.importer import apply_import, plan_import
from anjian.enterprises.models import ChangeRequest, Enterprise, Licence
from anjian.enterprises.tests.conftest import INSIDE, make_enterprise, new_code
from anjian.orgs.models import CITY_CODE, Industry, Town
from conftest import form_data, make_user

PAGES = (
    "enterprise detail",
    "enterprise list",
    "dossier PDF",
    "registry export",
    "audit log",
    "audit export",
)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def setup(world: World) -> None:
    world.town = Town.objects.order_by("code").first()
    world.city = make_user("hostile-city", (Role.CITY, CITY_CODE))
    world.town_user = make_user("hostile-town", (Role.TOWN, world.town.code))


def _fresh(world: World) -> Enterprise:
    return make_enterprise(world.town, name=f"滕州市敌意测试{world.serial()}有限公司")


def _owner(world: World, enterprise: Enterprise) -> Any:
    return make_user(f"hostile-ent-{world.serial()}", (Role.ENTERPRISE, enterprise.credit_code))


def _written(response: Any, obj: Any) -> Written:
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    return Written(response.status_code, obj, bool(form is not None and form.errors))


def _create_form(world: World, text: str) -> Written:
    code = new_code()
    data = {
        "credit_code": code,
        "name": text,
        "address": text,
        "town": world.town.pk,
        "industry": Industry.objects.get(code="2614").pk,
        "status": "operating",
        "longitude": INSIDE[0],
        "latitude": INSIDE[1],
    }
    response = _client(world.city).post("/enterprises/new/", data)
    return _written(response, Enterprise.objects.filter(credit_code=code).first())


def _edit_form(world: World, text: str) -> Written:
    enterprise = _fresh(world)
    client = _client(world.city)
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/", form_data(form, name=text, address=text)
    )
    return _written(response, Enterprise.objects.get(pk=enterprise.pk))


def _create_api(world: World, text: str) -> Written:
    code = new_code()
    body = {
        "credit_code": code,
        "name": text,
        "address": text,
        "town": world.town.code,
        "industry": "2614",
        "location": {"lng": INSIDE[0], "lat": INSIDE[1]},
    }
    response = _client(world.city).post("/api/v1/enterprises", body, "application/json")
    return Written(response.status_code, Enterprise.objects.filter(credit_code=code).first())


def _update_api(world: World, text: str) -> Written:
    enterprise = _fresh(world)
    response = _client(world.city).patch(
        f"/api/v1/enterprises/{enterprise.pk}", {"name": text, "address": text}, "application/json"
    )
    return Written(response.status_code, Enterprise.objects.get(pk=enterprise.pk))


def _import(world: World, text: str, code: str) -> Written:
    """The registry workbook of one row (the text its name and address) imported by the city:
    checked, then written when the check found nothing (as the import page does)."""
    values = {
        "credit_code": code,
        "name": text,
        "address": text,
        "town": world.town.name,
        "industry": "2614 有机化学原料制造",
        "status": "在营",
        "longitude": INSIDE[0],
        "latitude": INSIDE[1],
    }
    workbook = write_workbook([[values.get(column.key) for column in COLUMNS]], {})
    try:
        plan = plan_import(io.BytesIO(workbook), actor=world.city)
    except WorkbookError:
        return Written(400)
    if plan.ok:
        apply_import(plan, actor=world.city)
    return Written(200 if plan.ok else 400, Enterprise.objects.filter(credit_code=code).first())


def _name_and_address(enterprise: Enterprise) -> list[str]:
    return [enterprise.name, enterprise.address]


def _licence_add(world: World, text: str) -> Written:
    enterprise = _fresh(world)
    data = {"kind": text, "number": text, "issuer": text}
    response = _client(_owner(world, enterprise)).post(
        f"/enterprises/{enterprise.pk}/licences/new/", data
    )
    return _written(response, Licence.objects.filter(enterprise=enterprise).first())


def _licence_edit(world: World, text: str) -> Written:
    enterprise = _fresh(world)
    licence = Licence.objects.create(
        enterprise=enterprise, kind="安全生产许可证", number=f"鲁FM{world.serial()}"
    )
    client = _client(_owner(world, enterprise))
    form = client.get(f"/enterprises/licences/{licence.pk}/edit/").context["form"]
    response = client.post(
        f"/enterprises/licences/{licence.pk}/edit/",
        form_data(form, kind=text, number=text, issuer=text),
    )
    return _written(response, Licence.objects.get(pk=licence.pk))


def _licence_text(licence: Licence) -> list[str]:
    return [licence.kind, licence.number, licence.issuer]


def _propose_form(world: World, text: str) -> Written:
    enterprise = _fresh(world)
    client = _client(_owner(world, enterprise))
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/", form_data(form, name=text, reason=text)
    )
    return _written(response, ChangeRequest.objects.filter(enterprise=enterprise).first())


def _propose_api(world: World, text: str) -> Written:
    enterprise = _fresh(world)
    response = _client(_owner(world, enterprise)).patch(
        f"/api/v1/enterprises/{enterprise.pk}", {"name": text}, "application/json"
    )
    return Written(
        response.status_code, ChangeRequest.objects.filter(enterprise=enterprise).first()
    )


def _decide(world: World, text: str) -> Written:
    enterprise = _fresh(world)
    request = ChangeRequest.objects.create(
        enterprise=enterprise, changes={"name": "滕州市新名有限公司"}, requested_by=world.city
    )
    response = _client(world.town_user).post(
        f"/enterprises/changes/{request.pk}/decide/", {"decision": "reject", "comment": text}
    )
    request.refresh_from_db()
    # A refused comment sends the town back to the list with the reason; nothing is decided.
    return Written(response.status_code, request, form_errors=request.state == "pending")


def paths(world: World) -> list[WritePath]:
    proposals = ("change requests", "enterprise detail")
    return [
        WritePath(
            "enterprise form: register",
            200,
            lambda t: _create_form(world, t),
            _name_and_address,
            PAGES,
        ),
        WritePath(
            "enterprise form: edit", 200, lambda t: _edit_form(world, t), _name_and_address, PAGES
        ),
        WritePath(
            "enterprise API: create", 200, lambda t: _create_api(world, t), _name_and_address, PAGES
        ),
        WritePath(
            "enterprise API: update", 200, lambda t: _update_api(world, t), _name_and_address, PAGES
        ),
        WritePath(
            "registry import: create",
            200,
            lambda t: _import(world, t, new_code()),
            _name_and_address,
            # A new enterprise's import writes the one ``import`` record, naming none.
            PAGES[:4],
        ),
        WritePath(
            "registry import: update",
            200,
            lambda t: _import(world, t, _fresh(world).credit_code),
            _name_and_address,
            PAGES,
        ),
        WritePath(
            "licence form: add",
            100,
            lambda t: _licence_add(world, t),
            _licence_text,
            ("licence on the detail page", "licence in the dossier", "licence in the export"),
        ),
        WritePath(
            "licence form: edit",
            100,
            lambda t: _licence_edit(world, t),
            _licence_text,
            ("licence on the detail page", "licence in the dossier", "licence in the export"),
        ),
        WritePath(
            "change request: proposed in the form",
            200,
            lambda t: _propose_form(world, t),
            lambda r: [r.changes["name"], r.reason],
            proposals,
        ),
        WritePath(
            "change request: proposed through the API",
            200,
            lambda t: _propose_api(world, t),
            lambda r: [r.changes["name"]],
            proposals,
        ),
        WritePath(
            "change request: decided with a comment",
            2000,
            lambda t: _decide(world, t),
            lambda r: [r.comment],
            ("audit log", "audit export"),
            one_line=False,
        ),
    ]


def _get(user: Any, url: str, kind: Any, **params: Any) -> Reading:
    response = _client(user).get(url, params)
    return Reading(kind, response.content, response.status_code)


def _enterprise_of(obj: Any) -> Enterprise:
    return obj if isinstance(obj, Enterprise) else obj.enterprise


READERS = {
    "enterprise detail": lambda w, o: _get(w.city, f"/enterprises/{_enterprise_of(o).pk}/", "html"),
    "enterprise list": lambda w, o: _get(
        w.city, "/enterprises/", "html", q=_enterprise_of(o).credit_code
    ),
    "dossier PDF": lambda w, o: _get(
        w.city, f"/enterprises/{_enterprise_of(o).pk}/dossier.pdf", "pdf"
    ),
    "registry export": lambda w, o: _get(
        w.city, "/enterprises/export.xlsx", "xlsx", q=_enterprise_of(o).credit_code
    ),
    "change requests": lambda w, o: _get(w.town_user, "/enterprises/changes/", "html"),
}
READERS["licence on the detail page"] = READERS["enterprise detail"]
READERS["licence in the dossier"] = READERS["dossier PDF"]
READERS["licence in the export"] = READERS["registry export"]
