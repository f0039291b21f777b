"""The simulator publishes every sensor's readings over MQTT or HTTP, and they are stored."""

import io
import socket
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from anjian.monitoring.models import Reading
from anjian.monitoring.tests.broker import mosquitto


def test_simulated_readings_reach_the_database(plant: Any, tmp_path: Path) -> None:
    with mosquitto(tmp_path) as port:
        url = f"mqtt://127.0.0.1:{port}"
        call_command("ingest", url=url, client_id="sim-test", max_seconds=1.5)
        call_command("simulate_sensors", mqtt=url, rounds=3, period=0.01, stdout=io.StringIO())
        call_command("ingest", url=url, client_id="sim-test", max_seconds=2)
    assert Reading.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_simulated_readings_reach_the_database_over_http(
    committed_reference_data: None, plant: Any, live_server: Any
) -> None:
    out = io.StringIO()
    call_command(
        "simulate_sensors", http=live_server.url, user="city", rounds=2, period=0.01, stdout=out
    )
    assert Reading.objects.count() == 2
    assert out.getvalue().splitlines() == ["round 1: 1 readings", "round 2: 1 readings"]


def test_a_round_the_server_cannot_take_is_skipped_not_fatal(plant: Any) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # closed again: nothing listens there
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "simulate_sensors",
        http=f"http://127.0.0.1:{port}",
        user="city",
        rounds=2,
        period=0.01,
        stdout=out,
        stderr=err,
    )
    assert out.getvalue() == ""
    assert [line.split(":")[0] for line in err.getvalue().splitlines()] == ["round 1", "round 2"]
