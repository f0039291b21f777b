"""Reads of the accidents module: quota consumption for a user and the statistics.

Every figure starts from ``Accident.objects.visible_to(user)`` (the statistics) or from the
quotas the user may see (``ControlQuota.objects.visible_to(user)``): a quota's consumption is
the deaths of all the year's accidents it covers, a figure of the quota itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents.choices import GradeChoices, InvestigationState, QuotaKind
from anjian.accidents.models import Accident, ControlQuota
from anjian.accidents.quotas import accidents_of, thresholds
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Industry, Town
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


def _by(rows: Any, *keys: Any) -> dict[Any, tuple[int, int]]:
    """``{key: (accidents, deaths)}`` grouped by ``keys`` (field paths or expressions); a key
    of several parts is a tuple."""
    names = {f"k{i}": F(key) if isinstance(key, str) else key for i, key in enumerate(keys)}
    grouped = (
        rows.order_by()
        .annotate(**names)
        .values(*names)
        .annotate(n=Count("pk"), d=Coalesce(Sum("deaths"), 0))
    )
    out: dict[Any, tuple[int, int]] = {}
    for row in grouped:
        values = tuple(row[name] for name in names)
        out[values[0] if len(values) == 1 else values] = (row["n"], row["d"])
    return out


def _year_on_year(
    now: dict[Any, tuple[int, int]],
    before: dict[Any, tuple[int, int]],
    label: Any,
    keys: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """Rows of this year beside the year before: ``keys`` in their order, else every key of
    either year, most accidents first."""
    if keys is None:
        keys = sorted(set(now) | set(before), key=lambda k: (-now.get(k, (0, 0))[0], str(k)))
    rows = []
    for key in keys:
        n, d = now.get(key, (0, 0))
        n0, d0 = before.get(key, (0, 0))
        rows.append(
            {
                "key": key,
                "label": label(key),
                "accidents": n,
                "deaths": d,
                "accidents_before": n0,
                "deaths_before": d0,
                "accidents_change": n - n0,
                "deaths_change": d - d0,
            }
        )
    return rows


def _division_names(codes: set[str]) -> dict[str, str]:
    return dict(
        Industry.objects.filter(code__in=codes, level=IndustryLevel.DIVISION).values_list(
            "code", "name"
        )
    )


def statistics(user: Any, year: int) -> dict[str, Any]:
    """The year's accidents the user may see: by month, town, industry (section and division),
    type and grade, each with the year before; the closure rate, the on-time closure rate; and
    the year's quotas the user may see, each with its consumption (a figure of the quota)."""
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
        for month, (n, deaths) in _by(source, ExtractMonth("occurred_at")).items():
            by_month[month][offset] = n
            by_month[month][offset + 1] = deaths
    town_names = dict(Town.objects.values_list("pk", "name"))
    towns = _year_on_year(
        _by(rows, "town_id"), _by(last, "town_id"), lambda pk: town_names.get(pk, "")
    )
    sections = _year_on_year(
        _by(rows, "industry__section"),
        _by(last, "industry__section"),
        lambda section: section or _("未填行业"),
    )
    division = Substr("industry__code", 1, 2)
    now_divisions, last_divisions = _by(rows, division), _by(last, division)
    names = _division_names({str(k) for k in [*now_divisions, *last_divisions] if k})
    divisions = _year_on_year(
        now_divisions,
        last_divisions,
        lambda code: f"{code} {names.get(code, '')}".strip() if code else _("未填行业"),
    )
    grade_labels = dict(GradeChoices.choices)
    grades = _year_on_year(
        _by(rows, "grade"),
        _by(last, "grade"),
        lambda value: str(grade_labels[value]),
        keys=list(GradeChoices.values),
    )
    types = _year_on_year(
        _by(rows, "type_edition", "type_code"),
        _by(last, "type_edition", "type_code"),
        lambda key: accident_types.by_code(*key).name,
    )
    for row in types:
        row["edition"], row["code"] = row["key"]
    editions = sorted({row["edition"] for row in types if row["accidents"]})
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
        "towns": towns,
        "sections": sections,
        "divisions": divisions,
        "grades": grades,
        "types": types,
        "quotas": quota_rows(user, year),
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
