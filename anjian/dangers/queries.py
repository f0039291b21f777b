"""The closed-loop figures (闭环统计): rectification rate, on-time rate, average days to close,
major dangers open, listed items — over the dangers the user sees, by a dimension and period.

Definitions (stated on the figures page and in docs/dangers.md):

- *found*: dangers registered in the period (cancelled ones excluded from every rate);
- *closed*: of those, closed out (销号); *rectification rate* = closed / (found − cancelled);
- *on time*: closed out on or before the deadline in force when closed; *on-time rate* =
  on time / closed;
- *average days to close*: from registration to closing out, over the closed ones;
- *overdue*: open with the deadline past (today).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from anjian.core.planning import custom_plans
from anjian.dangers.choices import OPEN_STATES, DangerState
from anjian.dangers.models import HiddenDanger, ListedSupervision

DIMENSIONS = {
    "town": ("town_id", "town__name"),
    "enterprise": ("enterprise_id", "enterprise__name"),
    "industry": ("enterprise__industry__section", "enterprise__industry__section"),
    "department": ("enterprise__departments__code", "enterprise__departments__name"),
    "month": ("month", "month"),
}


def _aggregates(today: date) -> dict[str, Any]:
    closed = Q(state=DangerState.CLOSED_OUT)
    return {
        "found": Count("pk"),
        "cancelled": Count("pk", filter=Q(state=DangerState.CANCELLED)),
        "closed": Count("pk", filter=closed),
        "on_time": Count("pk", filter=closed & Q(closed_day__lte=F("deadline"))),
        "open": Count("pk", filter=Q(state__in=OPEN_STATES)),
        "overdue": Count("pk", filter=Q(state__in=OPEN_STATES, deadline__lt=today)),
        "major": Count("pk", filter=Q(is_major=True)),
        "major_open": Count("pk", filter=Q(is_major=True, state__in=OPEN_STATES)),
        "duration": Avg(
            ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()),
            filter=closed,
        ),
    }


def _rates(row: dict[str, Any]) -> dict[str, Any]:
    counted = row["found"] - row["cancelled"]
    duration = row.pop("duration", None)
    if duration is not None and not hasattr(duration, "total_seconds"):
        duration = None if duration is None else _micro(duration)
    row["rectification_rate"] = round(100 * row["closed"] / counted, 1) if counted else None
    row["on_time_rate"] = round(100 * row["on_time"] / row["closed"], 1) if row["closed"] else None
    row["average_days"] = (
        round(duration.total_seconds() / 86400, 1) if duration is not None else None
    )
    return row


def _micro(value: Any) -> Any:
    from datetime import timedelta

    return timedelta(microseconds=float(value))


def in_period(rows: QuerySet[Any], start: date | None, end: date | None) -> QuerySet[Any]:
    if start is not None:
        rows = rows.filter(created_at__gte=timezone.make_aware(datetime.combine(start, time.min)))
    if end is not None:
        rows = rows.filter(created_at__lte=timezone.make_aware(datetime.combine(end, time.max)))
    return rows


def _annotated(user: Any, start: date | None, end: date | None) -> QuerySet[Any]:
    rows = in_period(HiddenDanger.objects.visible_to(user), start, end)
    return rows.order_by().annotate(closed_day=TruncDate("closed_at"))


def totals(user: Any, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """The figures over every danger ``user`` sees registered in the period."""
    today = timezone.localdate()
    with custom_plans():
        row = _annotated(user, start, end).aggregate(**_aggregates(today))
    return _rates(row)


def figures(
    user: Any, by: str = "town", start: date | None = None, end: date | None = None
) -> list[dict[str, Any]]:
    """One row per group of ``by`` (a key of :data:`DIMENSIONS`), biggest first."""
    key, label = DIMENSIONS[by]
    rows = _annotated(user, start, end)
    if by == "month":
        rows = rows.annotate(month=TruncMonth("created_at"))
    today = timezone.localdate()
    with custom_plans():
        grouped = list(rows.values(key, label).annotate(**_aggregates(today)))
    result = []
    for row in grouped:
        group = row[label]
        if by == "month" and group is not None:
            group = f"{group:%Y-%m}"
        result.append(_rates({"key": row[key], "label": group or "—", **{
            k: row[k] for k in _aggregates(today)}}))  # fmt: skip
    if by == "month":
        result.sort(key=lambda r: r["label"])
    else:
        result.sort(key=lambda r: (-r["found"], str(r["label"])))
    return result


def overview(user: Any) -> dict[str, Any]:
    """The home panel's figures: everything open now, and this year's rates."""
    today = timezone.localdate()
    year = totals(user, date(today.year, 1, 1), today)
    with custom_plans():
        now = (
            HiddenDanger.objects.visible_to(user)
            .filter(state__in=OPEN_STATES)
            .order_by()
            .aggregate(
                open=Count("pk"),
                overdue=Count("pk", filter=Q(deadline__lt=today)),
                major_open=Count("pk", filter=Q(is_major=True)),
            )
        )
    listed = ListedSupervision.objects.visible_to(user).filter(state="listed").count()
    return {
        **now,
        "listed": listed,
        "rectification_rate": year["rectification_rate"],
        "on_time_rate": year["on_time_rate"],
        "average_days": year["average_days"],
        "year": today.year,
    }
