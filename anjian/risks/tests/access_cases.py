"""Graded risk control in the access test: side B's risk points, hazards, measures, cards and
its enterprise's register are reached by nobody on side A but the city office."""

from __future__ import annotations

from typing import Any

from anjian.core.access_testing import AccessCase, World
from anjian.core.roles import Role
from anjian.enterprises.tests.access_cases import _enterprise
from anjian.risks.models import ControlMeasure, Hazard, PlantLayout, RiskPoint, RiskZone

NOT_CITY = frozenset(Role.values) - {Role.CITY}

EXEMPT = {
    "risks:template": "the empty register template: no data",
}


def _point(world: World) -> RiskPoint:
    point = RiskPoint.objects.create(enterprise=_enterprise(world, "b"), name="B秘密风险点")
    return point


def _hazard(world: World) -> Hazard:
    hazard = Hazard.objects.create(
        risk_point=_point(world), description="B秘密危险源", factor_code="21", method="lec",
        l_value=3, e_value=6, c_value=7, score=126, level="moderate", residual_score=126,
        residual_level="moderate", criteria="LEC",
    )  # fmt: skip
    hazard.refresh_from_db()  # the decimals as stored, for the before/after comparison
    return hazard


def _measure(world: World) -> ControlMeasure:
    return ControlMeasure.objects.create(
        risk_point=_point(world), kind="management", description="B秘密措施",
        control_level="team", responsible="B秘密",
    )  # fmt: skip


def _zone(world: World) -> RiskZone:
    layout = PlantLayout.objects.create(enterprise=_enterprise(world, "b"))
    return RiskZone.objects.create(
        layout=layout, name="B秘密区域", polygon=[[0, 0], [1, 0], [0, 1]]
    )


def setup(world: World) -> None:
    """Both towns' boundaries loaded, so that the map's town areas carry counts."""
    from anjian.orgs.models import Boundary
    from anjian.risks.tests.conftest import city_strips

    for feature in city_strips([world.town_a, world.town_b])["features"]:
        properties = feature["properties"]
        collection = {"type": "FeatureCollection", "features": [feature]}
        Boundary.objects.update_or_create(
            code=properties["code"], defaults={"name": properties["name"], "geojson": collection}
        )


def _post_point(world: World) -> RiskPoint:
    return RiskPoint.objects.create(
        enterprise=_enterprise(world, "b"), name="B秘密岗位风险点", post="B秘密岗位"
    )


def cases(world: World) -> list[AccessCase]:
    by_pk: dict[str, Any] = {
        name: (lambda o: {"pk": o.pk})
        for name in (
            "risks:point",
            "risks:point_edit",
            "risks:point_delete",
            "risks:point_review",
            "risks:hazard_add",
            "risks:measure_add",
            "risks:card",
            "risks:card_confirm",
            "risks:card_pdf",
        )  # fmt: skip
    }
    by_pk["GET /api/v1/risk-points/{point_id}"] = lambda o: {"point_id": o.pk}
    enterprise_routes: dict[str, Any] = {
        name: (lambda e: {"pk": e.pk})
        for name in (
            "risks:register",
            "risks:register_export",
            "risks:register_import",
            "risks:template_apply",
            "risks:point_create",
            "risks:plant",
            "risks:plant_start",
            "risks:zone_add",
        )  # fmt: skip
    }
    return [
        AccessCase("risks.RiskPoint", _point, by_pk, NOT_CITY),
        AccessCase(
            "risks.Hazard",
            _hazard,
            {
                "risks:hazard_edit": lambda o: {"pk": o.pk},
                "risks:hazard_delete": lambda o: {"pk": o.pk},
            },
            NOT_CITY,
        ),  # fmt: skip
        AccessCase(
            "risks.ControlMeasure",
            _measure,
            {
                "risks:measure_edit": lambda o: {"pk": o.pk},
                "risks:measure_delete": lambda o: {"pk": o.pk},
            },
            NOT_CITY,
        ),  # fmt: skip
        AccessCase(
            "risks.RiskZone", _zone, {"risks:zone_delete": lambda o: {"pk": o.pk}}, NOT_CITY
        ),
        AccessCase(
            "risks enterprise register", lambda w: _enterprise(w, "b"), enterprise_routes, NOT_CITY
        ),  # fmt: skip
        AccessCase(
            "risks post card",
            _post_point,
            {
                name: (lambda p: {"pk": p.enterprise_id, "post": p.post})
                for name in ("risks:post_card", "risks:post_card_pdf", "risks:post_card_confirm")
            },
            NOT_CITY,
        ),  # fmt: skip
    ]
