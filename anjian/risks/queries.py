"""Reads of graded risk control: the regional database's filters, counts by level, the map."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.models import Enterprise
from anjian.orgs.boundaries import town_codes_with_boundaries
from anjian.orgs.models import Boundary
from anjian.risks.choices import RiskLevelChoice
from anjian.risks.models import RiskPoint

LEVELS = [choice.value for choice in RiskLevelChoice]
REVIEW_STATES = ("overdue", "due")  # due: within 30 days


@dataclass(frozen=True)
class RiskFilter:
    level: str = ""  # a point's level (major/high/moderate/low/unassessed)
    town: str = ""  # town code
    industry: str = ""  # GB/T 4754 code prefix or section letter
    category: str = ""  # key category key or id
    review: str = ""  # overdue / due
    q: str = ""  # the point's or the enterprise's name

    @classmethod
    def from_params(cls, params: Any) -> RiskFilter:
        def get(key: str) -> str:
            return str(params.get(key) or "").strip()[:100]

        base = EnterpriseFilter.from_params(params)
        return cls(
            level=get("level") if get("level") in LEVELS else "",
            town=base.town,
            industry=base.industry,
            category=base.category,
            review=get("review") if get("review") in REVIEW_STATES else "",
            q=get("q"),
        )

    def enterprises(self, user: Any) -> QuerySet[Enterprise]:
        """The enterprises the user may see, narrowed by town, industry and category."""
        base = EnterpriseFilter(town=self.town, industry=self.industry, category=self.category)
        return base.apply(Enterprise.objects.visible_to(user))

    def points(self, user: Any, *, with_level: bool = True) -> QuerySet[RiskPoint]:
        """The risk points the user may see, narrowed by every filter (the level's optional:
        the counts by level are counted without it)."""
        points = RiskPoint.objects.visible_to(user)
        if self.town or self.industry or self.category:
            points = points.filter(enterprise__in=self.enterprises(user).values("pk"))
        if with_level and self.level:
            points = points.filter(level=self.level)
        if self.review:
            today = timezone.localdate()
            if self.review == "overdue":
                points = points.filter(review_due__lt=today)
            else:
                points = points.filter(
                    review_due__gte=today, review_due__lte=today + timedelta(days=30)
                )
        if self.q:
            points = points.filter(Q(name__contains=self.q) | Q(enterprise__name__contains=self.q))
        return points

    def params(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}

    def query_string(self, **changes: str) -> str:
        return urlencode({k: v for k, v in {**self.params(), **changes}.items() if v})


def counts_by_level(points: QuerySet[Any], field: str = "level") -> dict[str, int]:
    """``{level: n}`` for every level (zeros included), one grouped query."""
    rows = points.order_by().values_list(field).annotate(n=Count("pk"))
    counted = Counter({level: n for level, n in rows})
    return {level: counted.get(level, 0) for level in LEVELS}


def town_areas(user: Any, filters: RiskFilter) -> dict[str, Any]:
    """The towns whose boundary is loaded, as GeoJSON, each shaded by the risk mix of its
    enterprises the user may see (filtered as the map, but for the level: the mix is the
    point): ``shade`` the most severe level present, ``opacity`` growing with the share at the
    high and major levels (0.15 to 0.65), ``counts`` by level and ``text`` saying them."""
    codes = town_codes_with_boundaries()
    boundaries = Boundary.objects.filter(code__in=codes).order_by("code")
    rows = (
        filters.enterprises(user)
        .filter(town__code__in=codes)
        .order_by()
        .values_list("town__code", "risk_level")
        .annotate(n=Count("pk"))
    )
    counted: dict[str, Counter[str]] = {code: Counter() for code in codes}
    for code, level, n in rows:
        counted[code][level] += n
    labels = dict(RiskLevelChoice.choices)
    features = []
    for boundary in boundaries:
        counts = counted[boundary.code]
        total = sum(counts.values())
        shade = next((level for level in LEVELS if counts[level]), "unassessed")
        severe = (counts["major"] + counts["high"]) / total if total else 0
        text = "，".join(f"{labels[level]} {counts[level]}" for level in LEVELS if counts[level])
        for feature in boundary.geojson["features"]:
            features.append({
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {
                    "town": boundary.code, "name": boundary.name, "shade": shade,
                    "opacity": round(0.15 + 0.5 * severe, 3) if total else 0.05,
                    "counts": {level: counts[level] for level in LEVELS},
                    "text": text or str(_("无企业")),
                },
            })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}
