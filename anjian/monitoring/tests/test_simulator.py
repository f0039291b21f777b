"""The simulator publishes every sensor's readings over MQTT, and they are stored."""

import io
from pathlib import Path
from typing import Any

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
