"""API of graded risk control: ``/api/v1/risk-points`` and ``/api/v1/risk-map``.

The map answers a GeoJSON FeatureCollection, one Point per enterprise the user may see (with
coordinates), in one query of plain values serialised by orjson (``bench/risk_map.py``).
"""

from __future__ import annotations

import gc
from datetime import date
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from anjian.core.api import ErrorOut, PageNumber
from anjian.core.scoping import get_visible_or_404
from anjian.risks.models import RiskPoint
from anjian.risks.queries import LEVELS, RiskFilter, town_areas

router = Router(tags=["risks"])

_LEVEL = "major, high, moderate, low or unassessed"


def _json(body: Any) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), content_type="application/json")


class MeasureOut(Schema):
    kind: str
    description: str
    control_level: str
    responsible: str


class HazardOut(Schema):
    description: str
    factor_code: str = Field(..., description="GB/T 13861-2022 class")
    accident_types: list[str] = Field(..., description="GB 6441-2025 codes")
    method: str
    score: str
    level: str
    residual_score: str
    residual_level: str
    criteria: str


class RiskPointOut(Schema):
    id: int
    enterprise: int
    enterprise_name: str
    name: str
    kind: str
    location: str
    post: str
    level: str = Field(..., description=_LEVEL)
    evaluated_on: date | None
    review_due: date | None


class RiskPointDetailOut(RiskPointOut):
    hazards: list[HazardOut]
    measures: list[MeasureOut]


class RiskPointPage(Schema):
    items: list[RiskPointOut]
    count: int


_POINT_FIELDS = ("id", "enterprise_id", "enterprise__name", "name", "kind", "location", "post",
                 "level", "evaluated_on", "review_due")  # fmt: skip


def _point(row: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(("id", "enterprise", "enterprise_name", "name", "kind", "location", "post",
                     "level", "evaluated_on", "review_due"), row, strict=True))  # fmt: skip


@router.get(
    "/risk-points",
    response={200: RiskPointPage, 422: ErrorOut},
    summary="风险点 / risk points",
)
def list_risk_points(
    request: HttpRequest,
    pagination: Query[PageNumber.Input],
    level: str = Query("", description=_LEVEL),
    town: str = "",
    industry: str = "",
    category: str = "",
    enterprise: int | None = Query(None, description="enterprise id"),
    review: str = Query("", description="overdue, or due (within 30 days)"),
    q: str = "",
) -> HttpResponse:
    """Scoped and filtered, ``{"items", "count"}``."""
    filters = RiskFilter.from_params(
        {"level": level, "town": town, "industry": industry, "category": category,
         "review": review, "q": q}
    )  # fmt: skip
    points = filters.points(request.user)
    if enterprise is not None:
        points = points.filter(enterprise_id=enterprise)
    size = pagination.page_size
    start = (pagination.page - 1) * size
    rows = points.order_by("enterprise_id", "name", "pk").values_list(*_POINT_FIELDS)
    return _json(
        {"items": [_point(r) for r in rows[start : start + size]], "count": points.count()}
    )


@router.get(
    "/risk-points/{point_id}",
    response={200: RiskPointDetailOut, 404: ErrorOut},
    summary="风险点 / risk point",
)
def get_risk_point(request: HttpRequest, point_id: int) -> HttpResponse:
    point = get_visible_or_404(RiskPoint.objects, request.user, pk=point_id)
    row = RiskPoint.objects.filter(pk=point.pk).values_list(*_POINT_FIELDS)[0]
    hazards = [
        {"description": h.description, "factor_code": h.factor_code,
         "accident_types": h.accident_types, "method": h.method, "score": str(h.score),
         "level": h.level, "residual_score": str(h.residual_score),
         "residual_level": h.residual_level, "criteria": h.criteria}
        for h in point.hazards.all()
    ]  # fmt: skip
    measures = list(point.measures.values("kind", "description", "control_level", "responsible"))
    return _json({**_point(row), "hazards": hazards, "measures": measures})


class FeatureProperties(Schema):
    enterprise: int
    name: str
    risk_level: str = Field(..., description=_LEVEL)


class PointGeometry(Schema):
    type: str = Field(..., description="Point")
    coordinates: list[float] = Field(..., description="[longitude, latitude], WGS84")


class Feature(Schema):
    type: str = Field(..., description="Feature")
    geometry: PointGeometry
    properties: FeatureProperties


class RiskMap(Schema):
    type: str = Field(..., description="FeatureCollection")
    features: list[Feature]
    counts: dict[str, int] = Field(..., description="enterprises by risk level")


def map_rows(user: Any, filters: RiskFilter) -> list[tuple[Any, ...]]:
    """(id, name, level, lng, lat) of the enterprises on the map: one query."""
    enterprises = filters.enterprises(user).filter(longitude__isnull=False, latitude__isnull=False)
    if filters.level:
        enterprises = enterprises.filter(risk_level=filters.level)
    return list(
        enterprises.order_by().values_list("id", "name", "risk_level", "longitude", "latitude")
    )


def feature_collection(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """(id, name, level, lng, lat) rows as a GeoJSON FeatureCollection with counts by level."""
    counts = dict.fromkeys(LEVELS, 0)
    features = []
    for pk, name, level, lng, lat in rows:
        counts[level] += 1
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lng, lat]},
            "properties": {"enterprise": pk, "name": name, "risk_level": level},
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features, "counts": counts}


def feature_collection_json(rows: list[tuple[Any, ...]]) -> bytes:
    """The rows' FeatureCollection as JSON, built and serialised with the cyclic collector paused.

    Four containers a row, none in a cycle, all freed by their reference counts once serialised:
    left running, the collector's full passes over the process's heap, set off by a hundred
    thousand rows' worth of new containers, took most of the time (``bench/risk_map.py``).
    Paused only around the build, it would scan them all at the next allocation instead.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return orjson.dumps(feature_collection(rows))
    finally:
        if collecting:
            gc.enable()


@router.get("/risk-map", response={200: RiskMap}, summary="风险四色图 / risk map")
def risk_map(
    request: HttpRequest,
    level: str = Query("", description=_LEVEL),
    town: str = "",
    industry: str = "",
    category: str = "",
) -> HttpResponse:
    """GeoJSON: one Point per enterprise the user may see that has coordinates, with its id,
    name and derived risk level; ``counts`` by level (filtered by town, industry, category;
    ``level`` narrows the features and the counts alike)."""
    filters = RiskFilter.from_params(
        {"level": level, "town": town, "industry": industry, "category": category}
    )
    rows = map_rows(request.user, filters)
    return HttpResponse(feature_collection_json(rows), content_type="application/json")


@router.get("/risk-map/towns", response={200: dict[str, Any]}, summary="镇街风险分布 / town areas")
def risk_map_towns(
    request: HttpRequest, town: str = "", industry: str = "", category: str = ""
) -> HttpResponse:
    """GeoJSON: one feature per town whose boundary the city office loaded, its properties
    ``town``, ``name``, ``shade`` (the most severe level of its enterprises the user may see),
    ``opacity`` (the share at high and major), ``counts`` by level and ``text``. Empty while
    no town boundary is loaded."""
    filters = RiskFilter.from_params({"town": town, "industry": industry, "category": category})
    return _json(town_areas(request.user, filters))
