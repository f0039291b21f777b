"""Graded risk control's update services in the concurrency test (PostgreSQL): many writers at
once lose nothing, the audit trail chains, and the enterprise's level and its history agree."""

from __future__ import annotations

import uuid
from typing import Any

from anjian.core import audit
from anjian.core.concurrency_testing import UpdateCase, audit_chain_findings
from anjian.core.models import AuditLog
from anjian.core.roles import Role
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Town
from anjian.risks import services
from anjian.risks.models import ControlMeasure, EnterpriseRiskLevelChange, Hazard, RiskPoint
from anjian.risks.tests.conftest import city_strips
from conftest import make_user

WRITERS = 8
LEC = {"method": "lec", "l_value": "1", "e_value": "3", "c_value": "3"}


def _user(pk: int) -> Any:
    from anjian.accounts.models import User

    return User.objects.get(pk=pk)


def _world() -> dict[str, Any]:
    town = Town.objects.order_by("code").first()
    assert town is not None
    city = make_user(f"risk-city-{uuid.uuid4().hex[:8]}", (Role.CITY, CITY_CODE))
    enterprise = make_enterprise(town)
    point = services.create_point(enterprise, {"name": "并发风险点"}, actor=city)
    hazard = services.add_hazard(point, {"description": "并发", "factor_code": "21", **LEC},
                                 actor=city)  # fmt: skip
    measure = services.add_measure(
        point, {"kind": "management", "description": "并发措施", "control_level": "team",
                "responsible": "甲"}, actor=city,
    )  # fmt: skip
    return {"city": city.pk, "enterprise": enterprise.pk, "point": point.pk,
            "hazard": hazard.pk, "measure": measure.pk,
            "initial_point": audit.snapshot(RiskPoint.objects.get(pk=point.pk)),
            "initial_measure": audit.snapshot(ControlMeasure.objects.get(pk=measure.pk)),
            }  # fmt: skip


def _point_writers(state: dict[str, Any]) -> list[Any]:
    def writer(n: int) -> Any:
        def write() -> None:
            point = RiskPoint.objects.get(pk=state["point"])
            services.update_point(point, {"location": f"区域{n}"}, actor=_user(state["city"]))

        return write

    return [writer(n) for n in range(WRITERS)]


def _point_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [repr(e) for e in errors]
    point = RiskPoint.objects.get(pk=state["point"])
    if point.location not in {f"区域{n}" for n in range(WRITERS)}:
        findings.append(f"location {point.location!r}")
    findings += audit_chain_findings(point, initial=state["initial_point"],
                                     final=audit.snapshot(point), actions=("update",))  # fmt: skip
    return findings


def _measure_writers(state: dict[str, Any]) -> list[Any]:
    fields = ["description", "responsible"]

    def writer(n: int) -> Any:
        def write() -> None:
            measure = ControlMeasure.objects.get(pk=state["measure"])
            services.update_measure(measure, {fields[n % 2]: f"值{n}"}, actor=_user(state["city"]))

        return write

    return [writer(n) for n in range(WRITERS)]


def _measure_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [repr(e) for e in errors]
    measure = ControlMeasure.objects.get(pk=state["measure"])
    findings += audit_chain_findings(measure, initial=state["initial_measure"],
                                     final=audit.snapshot(measure))  # fmt: skip
    return findings


_LEVELS = [
    {"method": "lec", "l_value": "10", "e_value": "6", "c_value": "7"},  # major
    {"method": "lec", "l_value": "6", "e_value": "6", "c_value": "7"},  # high
    {"method": "lec", "l_value": "1", "e_value": "10", "c_value": "7"},  # moderate
    LEC,  # low
]


def _hazard_writers(state: dict[str, Any]) -> list[Any]:
    def writer(n: int) -> Any:
        def write() -> None:
            hazard = Hazard.objects.get(pk=state["hazard"])
            services.update_hazard(hazard, _LEVELS[n % 4], actor=_user(state["city"]))

        return write

    return [writer(n) for n in range(WRITERS)]


def _hazard_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    """The last writer's evaluation holds everywhere: hazard, point, enterprise, and the
    enterprise's history ends at its level, each change starting where the previous ended."""
    findings = [repr(e) for e in errors]
    hazard = Hazard.objects.get(pk=state["hazard"])
    point = RiskPoint.objects.get(pk=state["point"])
    enterprise = Enterprise.objects.get(pk=state["enterprise"])
    if not (hazard.residual_level == point.level == enterprise.risk_level):
        findings.append(f"{hazard.residual_level} / {point.level} / {enterprise.risk_level}")
    changes = list(EnterpriseRiskLevelChange.objects.filter(enterprise=enterprise).order_by("pk"))
    for previous, current in zip(changes, changes[1:], strict=False):
        if previous.after != current.before:
            findings.append(f"history breaks: {previous.after} → {current.before}")
    if changes and changes[-1].after != enterprise.risk_level:
        findings.append("history does not end at the level")
    return findings


def _review_writers(state: dict[str, Any]) -> list[Any]:
    def writer(n: int) -> Any:
        def write() -> None:
            point = RiskPoint.objects.get(pk=state["point"])
            reason = ["change", "accident", "standard"][n % 3]
            services.require_review(point, reason, actor=_user(state["city"]))

        return write

    return [writer(n) for n in range(WRITERS)]


def _review_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    from anjian.core.lifecycle_models import Deadline

    findings = [repr(e) for e in errors]
    point = RiskPoint.objects.get(pk=state["point"])
    if Deadline.objects.of(point).open().count() != 1:
        findings.append("not exactly one open review deadline")
    return findings


def _towns_world() -> dict[str, Any]:
    towns = list(Town.objects.order_by("code")[:2])
    city = make_user(f"risk-towns-{uuid.uuid4().hex[:8]}", (Role.CITY, CITY_CODE))
    strips = city_strips(towns)["features"]
    files = []
    for n in range(WRITERS):  # even writers: west, east; odd ones: the other way round
        order = strips if n % 2 == 0 else strips[::-1]
        features = [
            {**f, "properties": {"code": t.code}} for f, t in zip(order, towns, strict=True)
        ]
        files.append({"type": "FeatureCollection", "features": features})
    return {"city": city.pk, "towns": [t.code for t in towns], "files": files,
            "audits": AuditLog.objects.filter(action="import").count()}  # fmt: skip


def _towns_writers(state: dict[str, Any]) -> list[Any]:
    from anjian.orgs.boundaries import load_town_boundaries

    def writer(n: int) -> Any:
        def write() -> None:
            load_town_boundaries(state["files"][n], actor=_user(state["city"]), filename=f"{n}")

        return write

    return [writer(n) for n in range(WRITERS)]


def _towns_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    """Every load recorded, and the towns hold one file's boundaries, not a mix of two."""
    from anjian.orgs.models import Boundary

    findings = [repr(e) for e in errors]
    stored = [Boundary.objects.get(code=code).geojson["features"][0]["geometry"]
              for code in state["towns"]]  # fmt: skip
    first = [f["geometry"] for f in state["files"][0]["features"]]
    second = [f["geometry"] for f in state["files"][1]["features"]]
    if _plain(stored) not in (_plain(first), _plain(second)):
        findings.append("the towns hold a mix of two files")
    if AuditLog.objects.filter(action="import").count() - state["audits"] != WRITERS:
        findings.append("not one audit record per load")
    return findings


def _plain(geometries: list[Any]) -> Any:
    import json

    from shapely.geometry import shape

    return [shape(json.loads(json.dumps(g))).normalize().wkb for g in geometries]


CASES = [
    UpdateCase("risk point", ("anjian.risks.services.update_point",), _world, _point_writers,
               _point_check),
    UpdateCase("control measure", ("anjian.risks.services.update_measure",), _world,
               _measure_writers, _measure_check),
    UpdateCase("hazard re-evaluation and the derived levels",
               ("anjian.risks.services.update_hazard", "anjian.risks.services._refresh_point",
                "anjian.risks.services.refresh_enterprise_levels"),
               _world, _hazard_writers, _hazard_check),
    UpdateCase("re-evaluation required", ("anjian.risks.services.require_review",), _world,
               _review_writers, _review_check),
    UpdateCase("town boundaries loaded at once", ("anjian.orgs.boundaries.load_town_boundaries",),
               _towns_world, _towns_writers, _towns_check),
]  # fmt: skip
