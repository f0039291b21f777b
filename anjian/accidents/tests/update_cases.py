"""The accidents' update services in the concurrency test (:mod:`anjian.core.concurrency_testing`).

Supplementary reports at once (the regrade service): each locks the accident, so the reports
apply one after the other, each grade_before being the previous one's grade_after, and the
accident ends with the counts and grade of the last one; likewise the quotas, the report
steps, the recoding of a 1986 record and the publication (published once).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.models import Accident, ControlQuota, ReportStep
from anjian.accounts.choices import Role
from anjian.accounts.models import User
from anjian.core import audit
from anjian.core.concurrency_testing import UpdateCase, audit_chain_findings
from anjian.core.models import AuditLog
from anjian.core.workflow import apply_transition
from anjian.orgs.models import CITY_CODE, Town
from anjian.standards import accident as rules
from anjian.standards.accident_types import EDITION_2025
from conftest import make_user

WRITERS = 8


def _world(**fields: Any) -> dict[str, Any]:
    town = Town.objects.order_by("code").first()
    assert town is not None
    city = make_user(f"city-{uuid.uuid4().hex[:8]}", (Role.CITY, CITY_CODE))
    data = {
        "occurred_at": timezone.now() - timedelta(hours=2),
        "town": town.code,
        "type": "WSA10001" if services.edition_on(timezone.localdate()) == EDITION_2025 else "1",
        "deaths": 0,
        "serious_injuries": 0,
        "direct_loss_yuan": "0",
        "summary": "并发测试",
        **fields,
    }
    accident = services.create_accident(data, actor=city)
    return {"town": town, "city": city.pk, "accident": accident.pk}


def _city(state: dict[str, Any]) -> User:
    return User.objects.get(pk=state["city"])


def _accident(state: dict[str, Any]) -> Accident:
    return Accident.objects.get(pk=state["accident"])


def _snapshot(accident: Accident) -> dict[str, Any]:
    return services.accident_snapshot(Accident.objects.get(pk=accident.pk))


# --- supplementary reports ----------------------------------------------------------------------


def _supplementary_prepare() -> dict[str, Any]:
    state = _world()
    state["initial"] = _snapshot(_accident(state))
    return state


def _supplementary_writers(state: dict[str, Any]) -> list[Any]:
    def write(deaths: int) -> None:
        services.add_supplementary_report(
            _accident(state),
            {
                "deaths": deaths,
                "missing": 0,
                "serious_injuries": 0,
                "direct_loss_yuan": "0",
                "note": f"补报{deaths}",
            },
            actor=_city(state),
        )

    # Ordinary (1–2 deaths) and relatively serious (3–9) mixed, whatever the order of the
    # locks; every count distinct, so each report changes the accident (a report repeating the
    # counts before it changes nothing and rightly writes no update record).
    return [lambda n=n: write(n) for n in (1, 3, 2, 4, 5, 6, 7, 9)]


def _supplementary_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    accident = _accident(state)
    reports = list(accident.supplementary_reports.order_by("pk"))
    if len(reports) != WRITERS:
        findings.append(f"{len(reports)} supplementary reports, expected {WRITERS}")
    grade = state["initial"]["grade"]
    for report in reports:
        if report.grade_before != grade:
            findings.append(f"report {report.pk} regraded from {report.grade_before}, not {grade}")
        grade = report.grade_after
        if grade != rules.grade(report.deaths, 0, 0).value:
            findings.append(f"report {report.pk} graded {grade}")
    last = reports[-1] if reports else None
    if last is not None and (accident.deaths, accident.grade) != (last.deaths, last.grade_after):
        findings.append("the accident does not hold the last report's counts and grade")
    findings += audit_chain_findings(
        accident, initial=state["initial"], final=_snapshot(accident), expected=WRITERS
    )
    return findings


# --- quotas, report steps, recoding, publication ------------------------------------------------


def _quota_prepare() -> dict[str, Any]:
    state = _world()
    quota = services.set_quota(
        {"year": 2099, "kind": "town", "town": state["town"].code, "deaths_allowed": 100},
        actor=_city(state),
    )
    state["quota"] = quota.pk
    state["initial"] = audit.snapshot(quota)
    return state


def _quota_writers(state: dict[str, Any]) -> list[Any]:
    body = {"year": 2099, "kind": "town", "town": state["town"].code}
    return [
        lambda n=n: services.set_quota({**body, "deaths_allowed": n}, actor=_city(state))
        for n in range(WRITERS)
    ]


def _quota_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    quota = ControlQuota.objects.get(pk=state["quota"])
    if ControlQuota.objects.filter(year=2099, town=state["town"]).count() != 1:
        findings.append("the quota was entered twice")
    return findings + audit_chain_findings(
        quota, initial=state["initial"], final=audit.snapshot(quota), expected=WRITERS
    )


def _step_prepare() -> dict[str, Any]:
    state = _world()
    step = ReportStep.objects.get(accident_id=state["accident"], level="county")
    state["step"] = step.pk
    state["initial"] = audit.snapshot(step)
    return state


def _step_writers(state: dict[str, Any]) -> list[Any]:
    start = _accident(state).occurred_at

    def write(minutes: int) -> None:
        step = ReportStep.objects.get(pk=state["step"])
        services.record_report_step(step, start + timedelta(minutes=minutes), actor=_city(state))

    return [lambda n=n: write(n + 1) for n in range(WRITERS)]


def _step_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    step = ReportStep.objects.get(pk=state["step"])
    return findings + audit_chain_findings(
        step, initial=state["initial"], final=audit.snapshot(step), expected=WRITERS
    )


RECODES = ["WSA10002", "WSA10003", "WSA10004", "WSA10005", "WSA10006", "WSA10007"]


def _recode_prepare() -> dict[str, Any]:
    state = _world(occurred_at=timezone.now() - timedelta(days=800), type="2")
    state["initial"] = _snapshot(_accident(state))
    return state


def _recode_writers(state: dict[str, Any]) -> list[Any]:
    return [
        lambda code=code: services.recode_type(_accident(state), code, actor=_city(state))
        for code in RECODES
    ]


def _recode_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    accident = _accident(state)
    if accident.type_edition != "GB 6441-2025" or accident.type_code not in RECODES:
        findings.append(f"recoded as {accident.type_edition} {accident.type_code}")
    return findings + audit_chain_findings(
        accident, initial=state["initial"], final=_snapshot(accident), expected=len(RECODES)
    )


def _publish_prepare() -> dict[str, Any]:
    state = _world()
    accident, city = _accident(state), _city(state)
    for action, data in [
        ("start_investigation", {"team": "调查组"}),
        ("submit_report", {"findings": "f", "penalties": "p", "recommendations": "r"}),
        ("approve", {}),
        ("close", {"closing_summary": "已结案"}),
    ]:
        apply_transition(accident, action, actor=city, data=data)
    state["before"] = AuditLog.objects.filter(object_id=str(accident.pk)).count()
    return state


def _publish_writers(state: dict[str, Any]) -> list[Any]:
    return [
        lambda: services.publish_summary(_accident(state), actor=_city(state))
        for _ in range(WRITERS)
    ]


def _publish_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    accident = _accident(state)
    published = AuditLog.objects.filter(
        object_type="accidents.accident", object_id=str(accident.pk), detail="publish"
    ).count()
    if accident.published_at is None or published != 1:
        findings.append(f"published {published} times")
    return findings


CASES = [
    UpdateCase(
        "supplementary reports regrade one after the other",
        ("anjian.accidents.services.add_supplementary_report",),
        _supplementary_prepare,
        _supplementary_writers,
        _supplementary_check,
    ),
    UpdateCase(
        "a quota entered by many at once",
        ("anjian.accidents.services.set_quota",),
        _quota_prepare,
        _quota_writers,
        _quota_check,
    ),
    UpdateCase(
        "a report step recorded by many at once",
        ("anjian.accidents.services.record_report_step",),
        _step_prepare,
        _step_writers,
        _step_check,
    ),
    UpdateCase(
        "a 1986 record recoded by many at once",
        ("anjian.accidents.services.recode_type",),
        _recode_prepare,
        _recode_writers,
        _recode_check,
    ),
    UpdateCase(
        "a closing summary published once",
        ("anjian.accidents.services.publish_summary",),
        _publish_prepare,
        _publish_writers,
        _publish_check,
    ),
]
