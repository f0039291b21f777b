"""Background jobs that leave a record: queue a Celery task and follow it through ``Job``."""

from __future__ import annotations

import uuid
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from anjian.core.choices import JobState
from anjian.core.models import Job


def enqueue(task: Task, *args: Any, owner: Any = None, name: str = "", **kwargs: Any) -> Job:
    """Record a job and queue ``task`` once the surrounding transaction commits."""
    job = Job.objects.create(
        task_id=uuid.uuid4().hex,
        name=name or task.name,
        owner=owner if owner is not None and owner.is_authenticated else None,
    )
    transaction.on_commit(lambda: task.apply_async(args=args, kwargs=kwargs, task_id=job.task_id))
    return job


def record_start(task_id: str, name: str) -> None:
    """Mark a job running; a task queued without ``enqueue`` gets its record here."""
    job, _created = Job.objects.get_or_create(task_id=task_id, defaults={"name": name})
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now())


def record_progress(task_id: str, percent: int, message: str = "") -> None:
    """Record a task's progress (0-100) and append a line to its log."""
    changes: dict[str, Any] = {"progress": max(0, min(100, percent))}
    if message:
        changes["log"] = Concat(F("log"), Value(f"{timezone.now():%H:%M:%S} {message}\n"))
    Job.objects.filter(task_id=task_id).update(**changes)


def record_end(task_id: str, *, result: Any = None, error: str = "") -> None:
    """Mark a job finished, with its result or its error."""
    Job.objects.filter(task_id=task_id).update(
        state=JobState.FAILED if error else JobState.SUCCEEDED,
        progress=100 if not error else F("progress"),
        result=result if not error else None,
        error=error,
        finished_at=timezone.now(),
    )
