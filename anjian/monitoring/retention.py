"""Retention of readings: raw readings for ``MONITORING_RAW_RETENTION_DAYS``, minute and hour
aggregates (count, min, max, sum) kept longer, built in the background by Celery beat.

:func:`build_aggregates` works from a watermark (the newest bucket built) up to the last
complete bucket, and rebuilds the last ``LATE_MINUTES`` each time so that readings arriving a
little late are counted; hour aggregates are summed from the minute ones. :func:`purge` drops
whole monthly partitions on PostgreSQL, then deletes what is left before each cutoff. The
periods are settings (AQ 3035-2010's retention figure was not found in a published text).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Trunc
from django.utils import timezone

from anjian.monitoring.models import Aggregate, Reading
from anjian.monitoring.partitions import drop_partitions_before, ensure_partitions

LATE_MINUTES = 10
MAX_SPAN = timedelta(days=1)  # per run, so a long backlog is caught up in steps

STEP: dict[str, timedelta] = {
    Aggregate.Resolution.MINUTE: timedelta(minutes=1),
    Aggregate.Resolution.HOUR: timedelta(hours=1),
}


def _floor(moment: datetime, resolution: str) -> datetime:
    moment = moment.replace(second=0, microsecond=0)
    return moment.replace(minute=0) if resolution == Aggregate.Resolution.HOUR else moment


def _window(resolution: str, now: datetime) -> tuple[datetime, datetime] | None:
    end = _floor(now, resolution)  # the current bucket is not complete
    newest = Aggregate.objects.filter(resolution=resolution).aggregate(m=Max("start"))["m"]
    if newest is None:
        first = Reading.objects.aggregate(m=Min("ts"))["m"]
        if first is None:
            return None
        start = _floor(first, resolution)
    else:
        late = timedelta(minutes=LATE_MINUTES)
        start = _floor(newest + STEP[resolution] - late, resolution)
    end = min(end, start + MAX_SPAN)
    return (start, end) if start < end else None


@transaction.atomic
def build_aggregates(resolution: str, now: datetime | None = None) -> int:
    """Build (or rebuild) the complete buckets since the watermark; returns how many rows."""
    now = now or timezone.now()
    window = _window(resolution, now)
    if window is None:
        return 0
    start, end = window
    kind = "minute" if resolution == Aggregate.Resolution.MINUTE else "hour"
    rows: Any
    if resolution == Aggregate.Resolution.MINUTE:
        rows = (
            Reading.objects.filter(ts__gte=start, ts__lt=end)
            .annotate(bucket=Trunc("ts", kind))
            .values("sensor_id", "bucket")
            .annotate(n=Count("value"), lo=Min("value"), hi=Max("value"), total=Sum("value"))
        )
    else:
        rows = (
            Aggregate.objects.filter(
                resolution=Aggregate.Resolution.MINUTE, start__gte=start, start__lt=end
            )
            .annotate(bucket=Trunc("start", kind))
            .values("sensor_id", "bucket")
            .annotate(n=Sum("count"), lo=Min("minimum"), hi=Max("maximum"), total=Sum("total"))
        )
    built = [
        Aggregate(
            sensor_id=row["sensor_id"],
            resolution=resolution,
            start=row["bucket"],
            count=row["n"],
            minimum=row["lo"],
            maximum=row["hi"],
            total=row["total"],
        )
        for row in rows.order_by()
    ]
    Aggregate.objects.filter(resolution=resolution, start__gte=start, start__lt=end).delete()
    Aggregate.objects.bulk_create(built, batch_size=2000)
    return len(built)


def _days(name: str, default: int) -> timedelta:
    return timedelta(days=int(getattr(settings, name, default)))


def purge(now: datetime | None = None) -> dict[str, int]:
    """Delete what is past its retention period; returns the rows (or partitions) removed."""
    now = now or timezone.now()
    ensure_partitions(timezone.localdate(now))
    raw_cutoff = now - _days("MONITORING_RAW_RETENTION_DAYS", 30)
    dropped = drop_partitions_before(raw_cutoff)
    raw, _ = Reading.objects.filter(ts__lt=raw_cutoff).delete()
    minutes, _ = Aggregate.objects.filter(
        resolution=Aggregate.Resolution.MINUTE,
        start__lt=now - _days("MONITORING_MINUTE_RETENTION_DAYS", 90),
    ).delete()
    hours, _ = Aggregate.objects.filter(
        resolution=Aggregate.Resolution.HOUR,
        start__lt=now - _days("MONITORING_HOUR_RETENTION_DAYS", 5 * 365),
    ).delete()
    return {"partitions": len(dropped), "raw": raw, "minute": minutes, "hour": hours}
