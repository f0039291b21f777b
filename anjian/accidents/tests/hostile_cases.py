"""Accidents in the hostile-text test (:mod:`anjian.core.hostile_testing`): the quick report
through its form (place and summary) and the API (summary), the supplementary report's note,
the investigation's texts through the transitions API (team; findings, penalties and
recommendations; the closing summary, then published), and a quota's document; read back on
the accident page, the quota page and the public page."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.models import Accident, ControlQuota, SupplementaryReport
from anjian.accounts.choices import Role
from anjian.core.hostile_testing import Reading, World, WritePath, Written
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def setup(world: World) -> None:
    world.accident_town = Town.objects.order_by("code").first()
    world.accident_city = make_user("hostile-accident-city", (Role.CITY, CITY_CODE))


def _type() -> str:
    return "WSA10001" if services.edition_on(timezone.localdate()) == "GB 6441-2025" else "1"


def _when() -> str:
    return timezone.localtime().replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M")


def _accident(world: World) -> Accident:
    return services.create_accident(
        {"occurred_at": timezone.now(), "town": world.accident_town.code, "type": _type(),
         "deaths": 0, "serious_injuries": 0, "direct_loss_yuan": "0",
         "summary": f"敌意测试事故{world.serial()}"},
        actor=world.accident_city,
    )  # fmt: skip


def _new_accidents(before: set[int]) -> Any:
    return Accident.objects.exclude(pk__in=before).first()


def _form(world: World, text: str) -> Written:
    before = set(Accident.objects.values_list("pk", flat=True))
    response = _client(world.accident_city).post(
        "/accidents/new/",
        {"occurred_at": _when(), "town": world.accident_town.code, "place": text,
         "type": _type(), "deaths": "0", "missing": "0", "serious_injuries": "0",
         "direct_loss_yuan": "0", "summary": text},
    )  # fmt: skip
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    obj = _new_accidents(before)
    return Written(response.status_code, obj, bool(form is not None and form.errors))


def _api(world: World, text: str) -> Written:
    before = set(Accident.objects.values_list("pk", flat=True))
    response = _client(world.accident_city).post(
        "/api/v1/accidents",
        {"occurred_at": timezone.now().isoformat(), "town": world.accident_town.code,
         "type": _type(), "deaths": 0, "serious_injuries": 0, "direct_loss_yuan": "0",
         "summary": text},
        content_type="application/json",
    )  # fmt: skip
    return Written(response.status_code, _new_accidents(before))


def _supplementary(world: World, text: str) -> Written:
    accident = _accident(world)
    response = _client(world.accident_city).post(
        f"/api/v1/accidents/{accident.pk}/supplementary-reports",
        {"deaths": 0, "missing": 0, "serious_injuries": 1, "direct_loss_yuan": "0", "note": text},
        content_type="application/json",
    )
    return Written(
        response.status_code, SupplementaryReport.objects.filter(accident=accident).first()
    )


def _transition(world: World, accident: Accident, action: str, data: dict[str, Any]) -> int:
    response = _client(world.accident_city).post(
        f"/api/v1/accidents/{accident.pk}/transitions",
        {"action": action, "data": data},
        content_type="application/json",
    )
    return response.status_code


def _team(world: World, text: str) -> Written:
    accident = _accident(world)
    status = _transition(world, accident, "start_investigation", {"team": text})
    accident.refresh_from_db()
    return Written(status, accident if accident.team else None)


def _report(world: World, text: str) -> Written:
    accident = _accident(world)
    _transition(world, accident, "start_investigation", {"team": "应急局牵头"})
    texts = {"findings": text, "penalties": text, "recommendations": text}
    status = _transition(world, accident, "submit_report", texts)
    accident.refresh_from_db()
    return Written(status, accident if accident.findings else None)


def _closing(world: World, text: str) -> Written:
    accident = _accident(world)
    _transition(world, accident, "start_investigation", {"team": "应急局牵头"})
    _transition(world, accident, "submit_report",
                {"findings": "责任", "penalties": "罚款", "recommendations": "整改"})  # fmt: skip
    _transition(world, accident, "approve", {})
    status = _transition(world, accident, "close", {"closing_summary": text})
    accident.refresh_from_db()
    if status < 400:
        response = _client(world.accident_city).post(f"/api/v1/accidents/{accident.pk}/publication")
        status = response.status_code
        accident.refresh_from_db()
    return Written(status, accident if accident.closing_summary else None)


def _quota(world: World, text: str) -> Written:
    year = 2000 + world.serial() % 100
    response = _client(world.accident_city).post(
        "/api/v1/accident-quotas",
        {"year": year, "kind": "town", "town": world.accident_town.code, "deaths_allowed": 3,
         "document": text},
        content_type="application/json",
    )  # fmt: skip
    quota = ControlQuota.objects.filter(year=year, town=world.accident_town).first()
    return Written(response.status_code, quota if quota and quota.document == text else None)


def paths(world: World) -> list[WritePath]:
    return [
        WritePath("accident quick report form", 200, lambda t: _form(world, t),
                  lambda a: [a.place, a.summary], ("accident page",)),
        WritePath("accident quick report API", 4000, lambda t: _api(world, t),
                  lambda a: [a.summary], ("accident page",), one_line=False),
        WritePath("accident supplementary report API", 4000, lambda t: _supplementary(world, t),
                  lambda r: [r.note], ("accident page",), one_line=False),
        WritePath("accident investigation team", 2000, lambda t: _team(world, t),
                  lambda a: [a.team], ("accident page",), one_line=False),
        WritePath("accident investigation report", 8000, lambda t: _report(world, t),
                  lambda a: [a.findings, a.penalties, a.recommendations], ("accident page",),
                  one_line=False),
        WritePath("accident closing summary", 8000, lambda t: _closing(world, t),
                  lambda a: [a.closing_summary], ("accident page", "accident public page"),
                  one_line=False),
        WritePath("accident quota API", 200, lambda t: _quota(world, t),
                  lambda q: [q.document], ("accident quota page",)),
    ]  # fmt: skip


def _accident_of(obj: Any) -> Accident:
    return obj if isinstance(obj, Accident) else obj.accident


def _get(user: Any, url: str, **params: Any) -> Reading:
    response = _client(user).get(url, params)
    return Reading("html", response.content, response.status_code)


READERS = {
    "accident page": lambda w, o: _get(w.accident_city, _accident_of(o).get_absolute_url()),
    "accident public page": lambda w, o: _get(w.accident_city, "/accidents/public/"),
    "accident quota page": lambda w, o: _get(w.accident_city, "/accidents/quotas/", year=o.year),
}
