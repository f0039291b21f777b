"""The MQTT ingest against a real Mosquitto: stored, acknowledged after commit, nothing lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from anjian.monitoring.management.commands.ingest import decode
from anjian.monitoring.models import Reading, Rejection
from anjian.monitoring.tests.broker import mosquitto, publish
from anjian.monitoring.tests.conftest import make_sensor

ROOT = Path(__file__).resolve().parents[3]


def test_decode_both_topics() -> None:
    assert decode("anjian/v1/readings/TE-1", b'{"ts": 1, "value": 2}') == [("TE-1", 1, 2)]
    assert decode("anjian/v1/readings", b'[{"sensor": "A", "ts": 1, "value": 2}, 3]') == [
        ("A", 1, 2),
        (None, None, None),
    ]
    assert decode("anjian/v1/readings", b"not json") == [(None, None, None)]
    assert decode("anjian/v1/readings/TE-1", b"[]") == [("TE-1", None, None)]


def _ingest(port: int, seconds: float, client_id: str = "anjian-test") -> None:
    call_command("ingest", url=f"mqtt://127.0.0.1:{port}", client_id=client_id, max_seconds=seconds)


def test_readings_over_mqtt_survive_a_session_gap(plant: Any, tmp_path: Path) -> None:
    """Published while the ingest was away, delivered to its persistent session afterwards;
    both topics; a bad payload is counted, not retried."""
    with mosquitto(tmp_path) as port:
        _ingest(port, 1.5)  # creates the session and its subscriptions
        base = timezone.now() - timedelta(minutes=30)
        single = [
            (
                "anjian/v1/readings/TE-1",
                json.dumps({"ts": (base + timedelta(seconds=i)).isoformat(), "value": 20}).encode(),
            )
            for i in range(50)
        ]
        batch = [
            {"sensor": "TE-1", "ts": (base + timedelta(minutes=1, seconds=i)).timestamp(),
             "value": 21}
            for i in range(50)
        ]  # fmt: skip
        messages = [*single, ("anjian/v1/readings", json.dumps(batch).encode())]
        messages.append(("anjian/v1/readings/TE-1", b"garbage"))
        assert publish(port, messages) == len(messages)
        _ingest(port, 3)
        assert Reading.objects.count() == 100
        assert Rejection.objects.get(enterprise=plant.enterprise).count == 1
        _ingest(port, 1.5)  # everything was acknowledged: nothing comes again
        assert Reading.objects.count() == 100


def _database_url() -> str | None:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        host = settings["HOST"] or "127.0.0.1"
        return f"postgres://{user}@{host}:{settings['PORT'] or 5432}/{settings['NAME']}"
    name = str(settings["NAME"])
    if "memory" in name:
        return None
    return f"sqlite:///{name}"


@pytest.mark.django_db(transaction=True)
def test_no_loss_when_the_ingest_is_killed_and_restarted(
    committed_reference_data: None, towns: Any, city: Any, tmp_path: Path
) -> None:
    """Count QoS 1 messages published against rows stored, across a SIGKILL mid-stream."""
    from anjian.enterprises.tests.conftest import make_enterprise
    from anjian.monitoring.tests.conftest import make_installation

    url = _database_url()
    if url is None:
        pytest.skip("needs a database another process can open (PostgreSQL or a SQLite file)")
    installation = make_installation(make_enterprise(towns[0]), city)
    codes = [f"K-{i}" for i in range(20)]
    for code in codes:
        make_sensor(installation, city, code)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "anjian.settings"}
    log = tmp_path / "ingest.log"
    with mosquitto(tmp_path) as port:

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [sys.executable, "manage.py", "ingest", "--url", f"mqtt://127.0.0.1:{port}",
                 "--client-id", "anjian-kill-test", "--batch", "200"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("ab"),
            )  # fmt: skip

        def subscribed(times: int) -> None:
            for _ in range(600):
                if log.exists() and log.read_text().count("mqtt subscribed") >= times:
                    return
                time.sleep(0.1)
            raise AssertionError(log.read_text())

        process = start()
        subscribed(1)
        base = timezone.now() - timedelta(hours=3)
        messages = [
            (
                f"anjian/v1/readings/{codes[i % 20]}",
                json.dumps({"ts": (base + timedelta(seconds=i)).timestamp(), "value": 30}).encode(),
            )
            for i in range(6000)
        ]
        published = publish(port, messages[:3000])
        time.sleep(0.3)
        process.send_signal(signal.SIGKILL)  # mid-stream, some batches uncommitted
        process.wait()
        stored_at_kill = Reading.objects.count()
        published += publish(port, messages[3000:])  # queued for the offline session
        process = start()
        subscribed(2)
        try:
            for _ in range(120):
                if Reading.objects.count() >= published:
                    break
                time.sleep(0.5)
        finally:
            process.terminate()
            process.wait(10)
    assert published == 6000, log.read_text()
    assert stored_at_kill < 6000, log.read_text()
    assert Reading.objects.count() == 6000, (stored_at_kill, log.read_text()[-3000:])
