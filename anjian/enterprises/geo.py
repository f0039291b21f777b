"""Is a WGS84 point inside the city? Pure-Python point-in-polygon against the boundary.

The city's outline (a GeoJSON MultiPolygon of ~500 vertices, ``orgs.Boundary``) is turned once
per process into latitude bands, each holding only the edges that cross it, so a test costs a
handful of edge comparisons instead of five hundred: an import of 10,000 rows checks every
coordinate in a few milliseconds. Even-odd ray casting handles holes and multiple parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["CityShape", "city_shape", "shape_from_geojson"]

_BANDS = 256
Edge = tuple[float, float, float, float]  # x1, y1, x2, y2 with y1 != y2


@dataclass(frozen=True)
class CityShape:
    """A polygon set prepared for fast point tests."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float
    bands: tuple[tuple[Edge, ...], ...]

    def contains(self, lng: float, lat: float) -> bool:
        """Whether (lng, lat) lies inside the shape (even-odd rule)."""
        if not (self.min_x <= lng <= self.max_x and self.min_y <= lat <= self.max_y):
            return False
        height = self.max_y - self.min_y
        index = min(int((lat - self.min_y) / height * _BANDS), _BANDS - 1)
        inside = False
        for x1, y1, x2, y2 in self.bands[index]:
            if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside

    def center(self) -> tuple[float, float]:
        return ((self.min_x + self.max_x) / 2, (self.min_y + self.max_y) / 2)


def _rings(geometry: dict[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def _geometries(geojson: dict[str, Any]) -> Iterable[dict[str, Any]]:
    kind = geojson.get("type")
    if kind == "FeatureCollection":
        for feature in geojson["features"]:
            yield feature["geometry"]
    elif kind == "Feature":
        yield geojson["geometry"]
    else:
        yield geojson


def shape_from_geojson(geojson: dict[str, Any]) -> CityShape:
    """Prepare the polygons of a GeoJSON object (Feature, FeatureCollection or geometry)."""
    edges: list[Edge] = []
    for geometry in _geometries(geojson):
        for ring in _rings(geometry):
            for (x1, y1, *_a), (x2, y2, *_b) in zip(ring, ring[1:], strict=False):
                if y1 != y2:
                    edges.append((x1, y1, x2, y2))
    xs = [x for e in edges for x in (e[0], e[2])]
    ys = [y for e in edges for y in (e[1], e[3])]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    height = max_y - min_y
    bands: list[list[Edge]] = [[] for _ in range(_BANDS)]
    for edge in edges:
        low, high = sorted((edge[1], edge[3]))
        first = max(int((low - min_y) / height * _BANDS), 0)
        last = min(int((high - min_y) / height * _BANDS), _BANDS - 1)
        for index in range(first, last + 1):
            bands[index].append(edge)
    return CityShape(min_x, min_y, max_x, max_y, tuple(tuple(band) for band in bands))


_cache: dict[str, CityShape] = {}


def city_shape() -> CityShape | None:
    """The city's boundary from the database, prepared once per process (None if not loaded).

    The outline is reference data that changes only when the reference loader runs again;
    a process that has seen it keeps it (``city_shape.cache_clear()`` forgets it).
    """
    from anjian.orgs.models import CITY_CODE, Boundary

    if "city" not in _cache:
        query = Boundary.objects.filter(code=CITY_CODE).values_list("geojson", flat=True)
        geojson = query.first()
        if not geojson:
            return None
        _cache["city"] = shape_from_geojson(geojson)
    return _cache["city"]


city_shape.cache_clear = _cache.clear  # type: ignore[attr-defined]
