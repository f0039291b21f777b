"""Fixtures of the risks tests: two enterprises in two towns and their users."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from anjian.core.roles import Role
from anjian.enterprises import facts
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Town
from anjian.risks import services
from anjian.risks.models import RiskPoint
from conftest import make_user

LEC_LOW = {"method": "lec", "l_value": "1", "e_value": "3", "c_value": "3"}  # D = 9
LEC_MODERATE = {"method": "lec", "l_value": "1", "e_value": "10", "c_value": "7"}  # D = 70
LEC_HIGH = {"method": "lec", "l_value": "6", "e_value": "6", "c_value": "7"}  # D = 252
LEC_MAJOR = {"method": "lec", "l_value": "10", "e_value": "6", "c_value": "7"}  # D = 420


@pytest.fixture
def towns(db: Any) -> list[Town]:
    return list(Town.objects.order_by("code")[:2])


@pytest.fixture
def pair(towns: list[Town]) -> tuple[Any, Any]:
    return make_enterprise(towns[0], "滕州市甲化工有限公司"), make_enterprise(
        towns[1], "滕州市乙制药有限公司", industry="2710"
    )


@pytest.fixture
def city(db: Any) -> Any:
    return make_user("risk_city", (Role.CITY, CITY_CODE))


@pytest.fixture
def manager_a(pair: tuple[Any, Any]) -> Any:
    return make_user("risk_manager_a", (Role.ENTERPRISE, pair[0].credit_code))


@pytest.fixture
def town_a(towns: list[Town]) -> Any:
    return make_user("risk_town_a", (Role.TOWN, towns[0].code))


def hazard(description: str = "储罐泄漏", **values: Any) -> dict[str, Any]:
    return {
        "description": description,
        "factor_code": "21",
        "accident_types": ["WSA10009"],
        **(values or LEC_LOW),
    }


def point_with(enterprise: Any, actor: Any, *evaluations: dict[str, Any]) -> RiskPoint:
    point = services.create_point(
        enterprise, {"name": "液氨储罐区", "kind": "facility", "post": "储运工"}, actor=actor
    )
    for values in evaluations:
        services.add_hazard(point, hazard(**values), actor=actor)
    point.refresh_from_db()
    return point


@pytest.fixture
def providers() -> Iterator[dict[str, dict[int, str]]]:
    """Fact providers the test fills: ``providers[code][enterprise id] = value``."""
    held: dict[str, dict[int, str]] = {
        facts.MAJOR_HAZARD_INSTALLATION: {},
        facts.OPEN_MAJOR_DANGER: {},
    }
    saved = dict(facts._PROVIDERS)
    for code in held:
        facts.register(
            facts.FactProvider(
                code,
                code,
                lambda ids, code=code: {
                    k: v for k, v in held[code].items() if ids is None or k in ids
                },
            )
        )
    yield held
    facts._PROVIDERS.clear()
    facts._PROVIDERS.update(saved)


def city_strips(towns: list[Any]) -> dict[str, Any]:
    """Stand-in town boundaries cut from the real city outline (shared/data has no town
    polygons): the outline split into as many west-to-east strips as ``towns``, one each."""
    import shapely
    from shapely.geometry import mapping, shape

    from anjian.orgs.models import Boundary

    city = Boundary.objects.get(code=CITY_CODE).geojson
    outline = shapely.union_all([shape(f["geometry"]) for f in city["features"]])
    west, south, east, north = outline.bounds
    step = (east - west) / len(towns)
    features = []
    for n, town in enumerate(towns):
        strip = shapely.clip_by_rect(outline, west + n * step, south, west + (n + 1) * step, north)
        features.append({"type": "Feature", "properties": {"code": town.code, "name": town.name},
                         "geometry": mapping(strip)})  # fmt: skip
    return {"type": "FeatureCollection", "features": features}
