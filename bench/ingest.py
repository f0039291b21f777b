"""Sensor ingest on the local Mosquitto and PostgreSQL, against floors measured in the same run.

1. MQTT, one reading a message. Floor: a bare paho subscriber's QoS 1 receive rate from the
   same publisher on the same broker (a Mosquitto of its own with ``max_queued_messages 0``).
   Figure: ``manage.py ingest`` storing into PostgreSQL with alarm evaluation on, timed from the
   first publish to the last row committed; 0 lost and 0 duplicate rows are checked.
   Target ≥ 0.5× the floor.
2. Batches of 1,000 readings. Floor: a binary COPY into the same indexed readings table.
   Figure: ``POST /api/v1/readings`` (in-process client, token-free session) with the same
   readings; its p99 per batch as well. Target ≥ 0.5× COPY, p99 ≤ 250 ms.

Sized to run in a few minutes: ``BENCH_MESSAGES`` (default 20,000) messages over
``BENCH_SENSORS`` (200) sensors; ``BENCH_BATCHES`` (30) HTTP batches.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import ROOT, Result, setup_django

PG_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian_bench_monitoring"
)
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "20000"))
SENSORS = int(os.environ.get("BENCH_SENSORS", "200"))
BATCHES = int(os.environ.get("BENCH_BATCHES", "30"))
COMMAND = "python -m bench.ingest"


def _create_database() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _world() -> list[str]:
    from django.core.management import call_command

    from anjian.enterprises.models import Enterprise
    from anjian.monitoring.models import Installation, Sensor
    from anjian.orgs.models import Industry, Town

    call_command("migrate", verbosity=0)
    if not Town.objects.exists():
        call_command("load_reference", verbosity=0)
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code="91370481MA0000000X",
        defaults={
            "name": "基准测试化工有限公司",
            "town": Town.objects.order_by("code").first(),
            "industry": Industry.objects.get(code="2614"),
        },
    )
    installation, _ = Installation.objects.get_or_create(
        enterprise=enterprise, code="BENCH", defaults={"name": "基准罐区", "unit_kind": "storage"}
    )
    codes = [f"BENCH-{i:05d}" for i in range(SENSORS)]
    Sensor.objects.bulk_create(
        [
            Sensor(
                installation=installation, code=code, name=code, kind="temperature", unit="℃",
                range_min=-50, range_max=500, l=0, h=400, hh=450, sampling_interval_s=10,
            )
            for code in codes
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return codes


def _truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE monitoring_reading")


def _messages(codes: list[str], offset: int) -> list[tuple[str, bytes]]:
    from django.utils import timezone

    base = timezone.now() - timedelta(hours=2) + timedelta(microseconds=offset)
    return [
        (
            f"anjian/v1/readings/{codes[i % len(codes)]}",
            json.dumps(
                {"ts": (base + timedelta(milliseconds=i)).timestamp(), "value": 20 + i % 7}
            ).encode(),
        )
        for i in range(MESSAGES)
    ]


def _mqtt_floor(port: int, messages: list[tuple[str, bytes]]) -> float:
    import paho.mqtt.client as mqtt

    from anjian.monitoring.tests.broker import publish

    received = [0]
    first: list[float] = []
    done = threading.Event()

    def on_message(_c: Any, _u: Any, _m: Any) -> None:
        if not first:
            first.append(time.perf_counter())
        received[0] += 1
        if received[0] == len(messages):
            done.set()

    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    sub.on_message = on_message
    sub.connect("127.0.0.1", port)
    sub.subscribe("anjian/v1/readings/#", qos=1)
    sub.loop_start()
    time.sleep(0.5)
    start = time.perf_counter()
    publish(port, messages)
    done.wait(120)
    elapsed = time.perf_counter() - start
    sub.loop_stop()
    sub.disconnect()
    return received[0] / elapsed


def _mqtt_ingest(port: int, messages: list[tuple[str, bytes]], log: Path) -> tuple[float, int]:
    from anjian.monitoring.models import Reading
    from anjian.monitoring.tests.broker import publish

    env = {**os.environ, "DATABASE_URL": PG_URL, "DJANGO_SETTINGS_MODULE": "anjian.settings"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "ingest", "--url", f"mqtt://127.0.0.1:{port}",
         "--client-id", "bench-ingest", "--batch", "2000"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"),
    )  # fmt: skip
    try:
        for _ in range(600):
            if "mqtt subscribed" in log.read_text():
                break
            time.sleep(0.1)
        start = time.perf_counter()
        publish(port, messages)
        stored = 0
        for _ in range(1200):
            stored = Reading.objects.count()
            if stored >= len(messages):
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(10)
    return stored / elapsed, stored


def _copy_floor(codes: list[str]) -> float:
    from django.db import connection
    from django.utils import timezone

    from anjian.monitoring.models import Sensor

    ids = list(Sensor.objects.filter(code__in=codes).values_list("pk", flat=True))
    base = timezone.now() - timedelta(hours=3)
    rows = [
        (ids[i % len(ids)], base + timedelta(milliseconds=i), 1.0) for i in range(BATCHES * 1000)
    ]
    _truncate()
    start = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(
            "COPY monitoring_reading (sensor_id, ts, value) FROM STDIN WITH (FORMAT BINARY)"
        ) as copy,
    ):
        copy.set_types(["int8", "timestamptz", "float8"])
        for row in rows:
            copy.write_row(row)
    elapsed = time.perf_counter() - start
    _truncate()
    return len(rows) / elapsed


def _http(codes: list[str]) -> tuple[float, float]:
    from django.test import Client
    from django.utils import timezone

    from anjian.accounts.models import User
    from anjian.accounts.services import create_token

    user = User.objects.filter(username="bench-city").first()
    if user is None:
        from anjian.accounts.models import RoleAssignment
        from anjian.orgs.models import CITY_CODE

        user = User.objects.create_user("bench-city")
        RoleAssignment.objects.create(
            user=user, role="city", jurisdiction_kind="city", jurisdiction_code=CITY_CODE
        )
    token = create_token(user, actor=user, name="bench")[1]
    client = Client(headers={"Authorization": f"Bearer {token}"})
    base = timezone.now() - timedelta(hours=4)
    durations = []
    total = 0
    for b in range(BATCHES):
        batch = [
            {"sensor": codes[i % len(codes)],
             "ts": (base + timedelta(milliseconds=b * 1000 + i)).isoformat(), "value": 21.5}
            for i in range(1000)
        ]  # fmt: skip
        body = json.dumps(batch)
        start = time.perf_counter()
        answer = client.post("/api/v1/readings", body, content_type="application/json")
        durations.append(time.perf_counter() - start)
        assert answer.status_code == 200 and answer.json()["accepted"] == 1000, answer.content
        total += 1000
    p99 = statistics.quantiles(durations, n=100)[98] * 1000
    return total / sum(durations), p99


def main() -> int:
    _create_database()
    setup_django(ROOT / "var" / "bench-ingest", PG_URL)
    from anjian.monitoring.models import Reading
    from anjian.monitoring.tests.broker import mosquitto

    codes = _world()
    _truncate()
    with tempfile.TemporaryDirectory() as directory, mosquitto(Path(directory)) as port:
        floor = _mqtt_floor(port, _messages(codes, 0))
        rate, stored = _mqtt_ingest(port, _messages(codes, 1), Path(directory) / "ingest.log")
    rows = Reading.objects.count()
    lost = MESSAGES - stored
    Result(
        "mqtt ingest, one reading a message", round(rate), round(floor), "msg/s",
        round(rate / floor, 2), "≥ 0.5× bare paho QoS 1 subscriber, 0 lost, 0 duplicates",
        rate / floor >= 0.5 and lost == 0 and rows == MESSAGES, COMMAND,
        f"{MESSAGES} messages, {SENSORS} sensors; lost {lost}, rows {rows}",
    ).emit()  # fmt: skip
    copy_rate = _copy_floor(codes)
    http_rate, p99 = _http(codes)
    Result(
        "http batches of 1000", round(http_rate), round(copy_rate), "rows/s",
        round(http_rate / copy_rate, 2), "≥ 0.5× binary COPY into the readings table",
        http_rate / copy_rate >= 0.5, COMMAND, f"{BATCHES} batches",
    ).emit()  # fmt: skip
    Result(
        "http batch p99", round(p99, 1), 250.0, "ms", round(p99 / 250, 2), "p99 ≤ 250 ms",
        p99 <= 250, COMMAND, f"{BATCHES} batches of 1000",
    ).emit()  # fmt: skip
    _truncate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
