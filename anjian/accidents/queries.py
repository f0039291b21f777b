"""Reads of the accidents module: quota consumption for a user and the statistics.

Every figure starts from ``Accident.objects.visible_to(user)`` (the statistics) or from the
quotas the user may see (``ControlQuota.objects.visible_to(user)``): a quota's consumption is
the deaths of all the year's accidents it covers, a figure of the quota itself.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.choices import GradeChoices, InvestigationState, QuotaKind
from anjian.accidents.models import Accident, ControlQuota
from anjian.accidents.quotas import accidents_of, thresholds
from anjian.standards import accident_types

__all__ = ["QuotaRow", "quota_rows", "statistics"]


@dataclass
class QuotaRow:
    quota: ControlQuota
    accidents: int
    deaths: int

    @property
    def label(self) -> str:
        return str(self.quota.town or self.quota.industry)

    @property
    def percent(self) -> int | None:
        if self.quota.deaths_allowed == 0:
            return None
        return round(100 * self.deaths / self.quota.deaths_allowed)

    @property
    def level(self) -> str:
        """``over`` at 100 %, ``warning`` at the warning line, else ``ok``."""
        warn, full = thresholds()
        allowed = self.quota.deaths_allowed
        if self.deaths and self.deaths * 100 >= full * allowed:
            return "over"
        if self.deaths and self.deaths * 100 >= warn * allowed:
            return "warning"
        return "ok"


def quota_rows(user: Any, year: int, kind: str = "") -> list[QuotaRow]:
    quotas = (
        ControlQuota.objects.visible_to(user).filter(year=year).select_related("town", "industry")
    )
    if kind:
        quotas = quotas.filter(kind=kind)
    rows = []
    for quota in quotas:
        figures = accidents_of(quota).aggregate(n=Count("pk"), d=Coalesce(Sum("deaths"), 0))
        rows.append(QuotaRow(quota, figures["n"], figures["d"]))
    return rows


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def statistics(user: Any, year: int) -> dict[str, Any]:
    """The year's accidents the user may see: by month, town, industry section, type and grade,
    with the year before for comparison, the closure rate and the on-time closure rate."""
    visible = Accident.objects.visible_to(user)
    rows = visible.filter(occurred_at__year=year)
    last = visible.filter(occurred_at__year=year - 1)
    totals = rows.aggregate(
        accidents=Count("pk"),
        deaths=Coalesce(Sum("deaths"), 0),
        injuries=Coalesce(Sum("serious_injuries"), 0),
        loss=Coalesce(
            Sum("direct_loss_yuan"), 0, output_field=rows.model._meta.get_field("direct_loss_yuan")
        ),
        closed=Count("pk", filter=Q(state=InvestigationState.CLOSED)),
    )
    previous = last.aggregate(accidents=Count("pk"), deaths=Coalesce(Sum("deaths"), 0))
    closed = rows.filter(state=InvestigationState.CLOSED).only(
        "occurred_at", "extension_days", "report_submitted_at"
    )
    on_time = sum(1 for accident in closed if accident.on_time)
    by_month: dict[int, list[int]] = {m: [0, 0, 0, 0] for m in range(1, 13)}
    for source, offset in ((rows, 0), (last, 2)):
        for month, n, deaths in (
            source.annotate(m=ExtractMonth("occurred_at"))
            .order_by()
            .values_list("m")
            .annotate(n=Count("pk"), d=Coalesce(Sum("deaths"), 0))
        ):
            by_month[month][offset] = n
            by_month[month][offset + 1] = deaths
    by_town = list(
        rows.order_by()
        .values_list("town__name")
        .annotate(n=Count("pk"), d=Coalesce(Sum("deaths"), 0))
        .order_by("-n", "town__name")
    )
    by_section = list(
        rows.order_by()
        .values_list("industry__section")
        .annotate(n=Count("pk"), d=Coalesce(Sum("deaths"), 0))
        .order_by("-n")
    )
    grades = Counter(dict(rows.order_by().values_list("grade").annotate(n=Count("pk"))))
    types: Counter[tuple[str, str]] = Counter()
    type_deaths: Counter[tuple[str, str]] = Counter()
    for edition, code, n, deaths in (
        rows.order_by()
        .values_list("type_edition", "type_code")
        .annotate(n=Count("pk"), d=Coalesce(Sum("deaths"), 0))
    ):
        types[(edition, code)] += n
        type_deaths[(edition, code)] += deaths
    editions = sorted({edition for edition, _code in types})
    return {
        "year": year,
        "totals": totals,
        "previous": previous,
        "closure_rate": _share(totals["closed"], totals["accidents"]),
        "on_time_rate": _share(on_time, totals["accidents"]),
        "on_time": on_time,
        "months": [
            {
                "month": m,
                "accidents": v[0],
                "deaths": v[1],
                "accidents_before": v[2],
                "deaths_before": v[3],
            }
            for m, v in by_month.items()
        ],
        "towns": [{"label": name or "", "accidents": n, "deaths": d} for name, n, d in by_town],
        "sections": [
            {"label": section or _("未填行业"), "accidents": n, "deaths": d}
            for section, n, d in by_section
        ],
        "grades": [
            {"grade": value, "label": str(label), "accidents": grades.get(value, 0)}
            for value, label in GradeChoices.choices
        ],
        "types": [
            {
                "edition": edition,
                "code": code,
                "label": accident_types.by_code(edition, code).name,
                "accidents": n,
                "deaths": type_deaths[(edition, code)],
            }
            for (edition, code), n in sorted(types.items(), key=lambda item: -item[1])
        ],
        "editions": editions,
        "mixed_editions": len(editions) > 1,
    }


def years_with_accidents(user: Any) -> list[int]:
    years = (
        Accident.objects.visible_to(user)
        .annotate(y=ExtractYear("occurred_at"))
        .order_by("-y")
        .values_list("y", flat=True)
        .distinct()
    )
    current = timezone.localdate().year
    return sorted({current, *years}, reverse=True)


def this_year() -> int:
    return timezone.localdate().year


def quota_kind_label(kind: str) -> str:
    return str(dict(QuotaKind.choices).get(kind, kind))


def today() -> datetime.date:
    return timezone.localdate()
