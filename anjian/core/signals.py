"""Every Celery task run updates its ``Job`` record, whichever module defined the task."""

from __future__ import annotations

import json
import traceback
from typing import Any

from celery.signals import task_failure, task_postrun, task_prerun

from anjian.core import jobs


@task_prerun.connect
def _on_task_start(task_id: str, task: Any, **_kwargs: Any) -> None:
    jobs.record_start(task_id, task.name)


@task_postrun.connect
def _on_task_end(task_id: str, retval: Any = None, state: str = "", **_kwargs: Any) -> None:
    if state == "SUCCESS":
        try:
            json.dumps(retval)
        except TypeError:
            retval = repr(retval)
        jobs.record_end(task_id, result=retval)


@task_failure.connect
def _on_task_failure(task_id: str, exception: BaseException, **_kwargs: Any) -> None:
    error = "".join(traceback.format_exception(exception))
    jobs.record_end(task_id, error=error)
