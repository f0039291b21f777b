"""Background work: a queued task runs on a real worker and leaves a readable Job record."""

import socket
import uuid

import pytest
from celery import shared_task
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from anjian.celery import app
from anjian.core import jobs
from anjian.core.models import Job
from anjian.core.tasks import ping, purge_old_jobs

REDIS = ("127.0.0.1", 6379)


@shared_task(name="anjian.core.tests.explode")
def explode() -> None:
    raise ValueError("隐患数据不合法")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["filesystem", "redis"])
def worker(request, tmp_path):
    """A Celery worker thread on the embedded file-system broker, then on the real Redis."""
    if request.param == "redis":
        if not _redis_answers():
            pytest.skip("Redis does not answer on 127.0.0.1:6379")
        broker = {"broker_url": "redis://127.0.0.1:6379/15", "broker_transport_options": {}}
    else:
        keys = ("data_folder_in", "data_folder_out", "control_folder")
        folders = {key: str(tmp_path) for key in keys}
        broker = {"broker_url": "filesystem://", "broker_transport_options": folders}
    # A queue of this test's own, so that concurrent runs on the same Redis never take each
    # other's tasks.
    broker["task_default_queue"] = f"anjian-test-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in broker}
    app.conf.update(broker)
    _reset_connections()
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=10,
            queues=[broker["task_default_queue"]],
        ):
            yield
    finally:
        app.conf.update(saved)
        _reset_connections()


def _reset_connections() -> None:
    """Drop cached broker connections so the next publish uses the current broker_url."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_a_queued_task_runs_and_leaves_a_succeeded_record(worker, django_user_model):
    owner = django_user_model.objects.create_user("operator", password="x")
    with transaction.atomic():
        job = jobs.enqueue(ping, "hello", owner=owner, name="ping")
    assert Job.objects.get(pk=job.pk).state in {"queued", "running", "succeeded"}
    _wait_until_finished(job)
    assert (job.state, job.result, job.progress, job.owner) == ("succeeded", "hello", 100, owner)
    assert job.started_at and job.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_records_its_error(worker):
    with transaction.atomic():
        job = jobs.enqueue(explode, name="explode")
    _wait_until_finished(job)
    assert job.state == "failed"
    assert "ValueError: 隐患数据不合法" in job.error


@pytest.mark.django_db
def test_progress_is_recorded_with_a_log_line():
    job = Job.objects.create(task_id="t-1", name="long work")
    jobs.record_progress("t-1", 40, "第一批完成")
    job.refresh_from_db()
    assert job.progress == 40 and "第一批完成" in job.log


@pytest.mark.django_db
def test_old_job_records_are_purged(settings):
    from datetime import timedelta

    from django.utils import timezone

    old = Job.objects.create(task_id="old", name="old")
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=400))
    Job.objects.create(task_id="new", name="new")
    assert purge_old_jobs() == 1
    assert list(Job.objects.values_list("task_id", flat=True)) == ["new"]


def test_tasks_serialise_as_json_only():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]


def _wait_until_finished(job: Job, seconds: float = 20) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in {"succeeded", "failed"}:
            return
        time.sleep(0.1)
    raise AssertionError(f"job still {job.state} after {seconds}s")
