"""Monitoring's background work, run by Celery beat: offline sensors, aggregates, retention."""

from __future__ import annotations

from celery import shared_task

from anjian.monitoring import retention, services
from anjian.monitoring.models import Aggregate


@shared_task(name="anjian.monitoring.tasks.mark_offline")
def mark_offline() -> int:
    """Sensors silent for three sampling intervals go offline (for HTTP-only deployments; the
    ingest process checks too). Conditional updates: two runners raise one alarm."""
    return services.mark_offline()


@shared_task(name="anjian.monitoring.tasks.build_aggregates")
def build_aggregates() -> dict[str, int]:
    return {
        "minute": retention.build_aggregates(Aggregate.Resolution.MINUTE),
        "hour": retention.build_aggregates(Aggregate.Resolution.HOUR),
    }


@shared_task(name="anjian.monitoring.tasks.purge_readings")
def purge_readings() -> dict[str, int]:
    return retention.purge()
