"""Town boundaries (镇街边界) loaded by the city office from a GeoJSON file.

``shared/data`` holds the city outline but no town polygons (its SOURCES.md: "Town-level
polygons — NOT FOUND"), so the maps show no town areas until the city office loads a file it
obtained (天地图, 民政部 boundary service, OpenStreetMap admin_level=8, its own digitising).
Each feature names its town by code (``code`` or ``adcode``: 12 digits, or the 9 of a town code
without its trailing ``000``; a former code resolves through the renamings) or by ``name``.

The geometry is checked with shapely before anything is stored, all or nothing, every problem
named by feature: a Polygon or MultiPolygon, valid (no self-intersection), in WGS84 degrees,
lying inside the city outline (at most ``OUTSIDE_TOLERANCE`` of its area outside it: the
outline and the towns are simplified separately), and not overlapping another town of the same
file by more than that share. A file saying it is in GCJ-02 (as the DataV files do) is refused:
its coordinates lie about 500 m off the WGS84 maps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from anjian.core import audit
from anjian.core.scoping import ensure_editable
from anjian.orgs.models import CITY_CODE, Boundary, Town, TownRenaming

OUTSIDE_TOLERANCE = 0.05
MAX_FEATURES = 100


def town_codes_with_boundaries() -> set[str]:
    """The codes of the towns whose boundary is loaded."""
    codes = Town.objects.values_list("code", flat=True)
    return set(Boundary.objects.filter(code__in=codes).values_list("code", flat=True))


def _town_of(properties: Mapping[str, Any], towns: dict[str, Town]) -> Town | None:
    code = str(properties.get("code") or properties.get("adcode") or "").strip()
    if code.isdigit() and len(code) == 9:
        code += "000"
    if code:
        if code in towns:
            return towns[code]
        renamed = TownRenaming.objects.filter(former_code=code).select_related("town").first()
        return renamed.town if renamed else None
    name = str(properties.get("name") or "").strip()
    found = [town for town in towns.values() if town.name == name]
    if not found:
        renamed = TownRenaming.objects.filter(former_name=name).select_related("town").first()
        return renamed.town if renamed and name else None
    return found[0]


def _geometry(feature: Any) -> tuple[BaseGeometry | None, str]:
    """The feature's polygon, or ``(None, why not)``."""
    geometry = feature.get("geometry") if isinstance(feature, Mapping) else None
    if not isinstance(geometry, Mapping) or geometry.get("type") not in {
        "Polygon",
        "MultiPolygon",
    }:
        return None, _("几何类型须为Polygon或MultiPolygon")
    try:
        polygon = shape(dict(geometry))
    except (TypeError, ValueError, AttributeError, IndexError, shapely.errors.GEOSException):
        return None, _("坐标格式无效")
    if polygon.is_empty:
        return None, _("坐标格式无效")
    west, south, east, north = polygon.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        return None, _("坐标须为WGS84经纬度")
    if not polygon.is_valid:
        why = explain_validity(polygon)
        return None, _("多边形无效：%(why)s") % {"why": why}
    return polygon, ""


def _city() -> BaseGeometry:
    boundary = Boundary.objects.get(code=CITY_CODE)
    return shapely.union_all([shape(f["geometry"]) for f in boundary.geojson["features"]])


def check_town_boundaries(collection: Any) -> dict[Town, BaseGeometry]:
    """The towns and their checked polygons; ``ValidationError`` listing every problem."""
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise ValidationError(_("文件须为GeoJSON FeatureCollection"))
    system = str(collection.get("coordinate_system") or collection.get("crs") or "")
    if system.strip().upper().startswith("GCJ"):  # "WGS84, converted from GCJ-02" is fine
        raise ValidationError(_("坐标系为GCJ-02：请先转换为WGS84"))
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(_("文件中没有要素"))
    if len(features) > MAX_FEATURES:
        raise ValidationError(_("要素过多（至多%(n)d个）") % {"n": MAX_FEATURES})
    towns = {town.code: town for town in Town.objects.all()}
    city = _city()
    problems: list[str] = []
    found: dict[Town, BaseGeometry] = {}
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, Mapping) else None
        town = _town_of(properties if isinstance(properties, Mapping) else {}, towns)
        if town is None:
            problems.append(_("第%(n)d个要素：不是本市的镇街") % {"n": number})
            continue
        at = {"n": number, "town": town.name}
        polygon, why = _geometry(feature)
        if polygon is None:
            problems.append(_("第%(n)d个要素（%(town)s）：%(why)s") % {**at, "why": why})
            continue
        if town in found:
            problems.append(_("第%(n)d个要素：%(town)s重复") % at)
            continue
        if polygon.difference(city).area > OUTSIDE_TOLERANCE * polygon.area:
            problems.append(_("第%(n)d个要素（%(town)s）：超出市界") % at)
            continue
        for other, shaped in found.items():
            shared = polygon.intersection(shaped).area
            if shared > OUTSIDE_TOLERANCE * min(polygon.area, shaped.area):
                problems.append(
                    _("第%(n)d个要素（%(town)s）：与%(other)s重叠") % {**at, "other": other.name}
                )
        found[town] = polygon
    if problems:
        raise ValidationError(problems)
    return found


def load_town_boundaries(collection: Any, *, actor: Any, filename: str = "") -> list[Town]:
    """Check the file, then store each town's boundary (replacing its earlier one), in one
    transaction with one audit record; the towns not in the file keep theirs. Two loads at
    once are serialised on the city's row, so the towns never end up half one file, half the
    other."""
    checked = check_town_boundaries(collection)
    with transaction.atomic():
        Boundary.objects.select_for_update().get(code=CITY_CODE)
        for town, polygon in checked.items():
            feature = {"type": "Feature", "properties": {"code": town.code, "name": town.name},
                       "geometry": mapping(polygon)}  # fmt: skip
            boundary, _created = Boundary.objects.update_or_create(
                code=town.code,
                defaults={"name": town.name,
                          "geojson": {"type": "FeatureCollection", "features": [feature]}},
            )  # fmt: skip
            ensure_editable(boundary, actor)
        names = "、".join(town.name for town in checked)
        audit.record("import", actor=actor, detail=f"镇街边界 {filename}: {names}"[:500])
    return list(checked)
