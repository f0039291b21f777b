"""Minute and hour aggregates built from raw readings; old readings removed by retention."""

from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.utils import timezone

from anjian.monitoring import queries, retention, tasks
from anjian.monitoring.ingest import Ingestor, store
from anjian.monitoring.models import Aggregate, Reading, Sensor


def test_minute_and_hour_aggregates(plant: Any) -> None:
    start = (timezone.now() - timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    Ingestor().process(
        [
            ("TE-1", (start + timedelta(seconds=10 * i)).isoformat(), float(i % 6))
            for i in range(720)
        ]
    )
    assert tasks.build_aggregates()["minute"] > 0
    first = Aggregate.objects.get(resolution="minute", start=start)
    assert (first.count, first.minimum, first.maximum, first.total) == (6, 0, 5, 15)
    tasks.build_aggregates()  # the hour aggregates use the minute ones
    hour = Aggregate.objects.get(resolution="hour", start=start)
    assert (hour.count, hour.minimum, hour.maximum, hour.total) == (360, 0, 5, 900)
    sensor = Sensor.objects.get(code="TE-1")
    points = queries.series(sensor, start, "minute")
    assert points[0] == (start, 2.5)
    # Rebuilding changes nothing.
    before = Aggregate.objects.count()
    retention.build_aggregates("minute")
    assert Aggregate.objects.count() == before


@override_settings(MONITORING_RAW_RETENTION_DAYS=7)
def test_purge_removes_raw_readings_past_retention(plant: Any) -> None:
    sensor = Sensor.objects.get(code="TE-1")
    now = timezone.now()
    store([(sensor.pk, now - timedelta(days=8), 1.0), (sensor.pk, now - timedelta(days=6), 2.0)])
    removed = tasks.purge_readings()
    assert removed["raw"] == 1
    assert list(Reading.objects.values_list("value", flat=True)) == [2.0]
    assert tasks.mark_offline() == 0
