"""Reads of readings: latest values, series, alarm figures; each answered from the primary key
(sensor, ts) index or the aggregates, never by scanning the table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery

from anjian.monitoring.choices import AlarmState
from anjian.monitoring.models import Aggregate, Alarm, Reading, Sensor

MAX_POINTS = 2000


def max_batch() -> int:
    return int(getattr(settings, "MONITORING_HTTP_MAX_BATCH", 10_000))


def latest_values(sensor_ids: Iterable[int]) -> dict[int, tuple[datetime, float]]:
    """Each sensor's last reading, one index probe per sensor in a single query."""
    newest = Reading.objects.filter(sensor_id=OuterRef("pk")).order_by("-ts")
    rows = (
        Sensor.objects.filter(pk__in=list(sensor_ids))
        .annotate(ts=Subquery(newest.values("ts")[:1]), value=Subquery(newest.values("value")[:1]))
        .values_list("pk", "ts", "value")
    )
    return {pk: (ts, value) for pk, ts, value in rows if ts is not None}


def series(sensor: Sensor, since: datetime, resolution: str) -> list[tuple[datetime, float]]:
    """Raw readings, or minute/hour averages, since ``since`` (at most MAX_POINTS, newest)."""
    if resolution == "raw":
        raw = Reading.objects.filter(sensor_id=sensor.pk, ts__gte=since).order_by("-ts")
        points = list(raw.values_list("ts", "value")[:MAX_POINTS])
    else:
        rows = Aggregate.objects.filter(
            sensor_id=sensor.pk, resolution=resolution, start__gte=since
        ).order_by("-start")
        points = [
            (start, total / count)
            for start, total, count in rows.values_list("start", "total", "count")[:MAX_POINTS]
        ]
    return points[::-1]


def alarm_figures(alarms: Any) -> dict[str, Any]:
    """Count, mean time to acknowledge (minutes) and disposal rate of a set of alarms."""
    from anjian.core.lifecycle_models import Transition

    figures = alarms.aggregate(
        total=Count("pk"),
        handled=Count("pk", filter=Q(state__in=[AlarmState.HANDLED, AlarmState.CLOSED])),
    )
    acks = Transition.objects.filter(
        action="acknowledge",
        object_id__in=alarms.values("pk"),
        content_type__app_label="monitoring",
        content_type__model="alarm",
    )
    raised = Alarm.objects.filter(pk=OuterRef("object_id")).values("raised_at")[:1]
    waits = [
        (at - raised_at).total_seconds() / 60
        for at, raised_at in acks.annotate(raised_at=Subquery(raised)).values_list(
            "at", "raised_at"
        )
        if raised_at is not None
    ]
    total = figures["total"]
    return {
        "total": total,
        "handled": figures["handled"],
        "disposal_rate": round(100 * figures["handled"] / total, 1) if total else None,
        "mean_ack_minutes": round(sum(waits) / len(waits), 1) if waits else None,
    }


__all__ = ["alarm_figures", "latest_values", "max_batch", "series"]
