"""Background work of the dangers module: the daily self-inspection tasks (Celery beat)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="anjian.dangers.tasks.generate_inspection_tasks")
def generate_inspection_tasks() -> int:
    """Create each active plan's task for the current period (claimed once per period)."""
    from anjian.dangers.services import generate_tasks

    return generate_tasks()
