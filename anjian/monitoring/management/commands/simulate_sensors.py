"""``manage.py simulate_sensors``: realistic readings for every sensor, by MQTT or HTTP.

Each sensor walks randomly around the middle of its normal band (between L and H, or its
range); now and then (``--excursion``, a probability per reading) it climbs past H or HH for a
while, so alarms rise and clear. ``--mqtt URL`` publishes QoS 1 to ``anjian/v1/readings/{code}``;
``--http URL`` posts batches to ``/api/v1/readings`` with a token (``--token``, or one issued
for ``--user``, by default the demo city office, when none is given): no broker needed. A round
that cannot be sent (the server not up yet) is reported and skipped. ``make run`` runs it over
HTTP against the demo city.
"""

from __future__ import annotations

import json
import random
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from anjian.monitoring.models import Sensor


@dataclass
class Walker:
    code: str
    low: float
    high: float
    top: float
    bottom: float
    value: float
    excursion: int = 0

    def step(self, rng: random.Random, chance: float) -> float:
        span = self.high - self.low
        if self.excursion == 0 and rng.random() < chance:
            self.excursion = rng.randint(3, 12)
        if self.excursion:
            self.excursion -= 1
            target = self.high + span * rng.uniform(0.05, 0.6)
        else:
            target = (self.low + self.high) / 2
        self.value += (target - self.value) * 0.3 + rng.gauss(0, span * 0.02)
        self.value = min(max(self.value, self.bottom), self.top)
        return round(self.value, 3)


def walkers() -> list[Walker]:
    found = []
    for s in Sensor.objects.order_by("code"):
        bottom, top = float(s.range_min), float(s.range_max)
        low = float(s.l) if s.l is not None else bottom
        high = float(s.h) if s.h is not None else top
        if s.kind in ("toxic_gas", "combustible_gas", "line_combustible_gas"):
            low = bottom
        found.append(Walker(s.code, low, high, top, bottom, (low + high) / 2 * 0.9))
    return found


class Command(BaseCommand):
    help = "Publish simulated readings for every sensor (MQTT or HTTP)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mqtt", default="", help="e.g. mqtt://127.0.0.1:1883")
        parser.add_argument("--http", default="", help="e.g. http://127.0.0.1:8000")
        parser.add_argument("--token", default="")
        parser.add_argument("--user", default="city")
        parser.add_argument("--period", type=float, default=10.0, help="seconds between rounds")
        parser.add_argument("--rounds", type=int, default=0, help="0: run until stopped")
        parser.add_argument("--excursion", type=float, default=0.002)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["mqtt"]) == bool(options["http"]):
            raise CommandError("give one of --mqtt URL or --http URL")
        rng = random.Random(options["seed"])  # noqa: S311 - a simulation, not a secret
        sensors = walkers()
        send = self._mqtt(options["mqtt"]) if options["mqtt"] else self._http(options)
        rounds = 0
        while not options["rounds"] or rounds < options["rounds"]:
            now = timezone.now().isoformat()
            batch = [
                {"sensor": w.code, "ts": now, "value": w.step(rng, options["excursion"])}
                for w in sensors
            ]
            rounds += 1
            try:
                send(batch)
            except OSError as error:
                # The server may still be starting (``make run`` starts both at once) or
                # restarting: the round is skipped, the walk goes on.
                self.stderr.write(f"round {rounds}: not sent ({error})")
            else:
                self.stdout.write(f"round {rounds}: {len(batch)} readings")
            if not options["rounds"] or rounds < options["rounds"]:
                time.sleep(options["period"])

    def _mqtt(self, url: str) -> Any:
        import paho.mqtt.client as mqtt

        parsed = urlparse(url)
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
        client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883)
        client.loop_start()

        def send(batch: list[dict[str, Any]]) -> None:
            infos = [
                client.publish(
                    f"anjian/v1/readings/{r['sensor']}",
                    json.dumps({"ts": r["ts"], "value": r["value"]}),
                    qos=1,
                )
                for r in batch
            ]
            for info in infos:
                info.wait_for_publish(10)

        return send

    def _http(self, options: dict[str, Any]) -> Any:
        token = options["token"]
        if not token:
            from anjian.accounts.models import User
            from anjian.accounts.services import create_token

            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}: give --token")
            token = create_token(user, actor=user, name="simulate_sensors", days=1)[1]
        url = options["http"].rstrip("/") + "/api/v1/readings"
        if urlparse(url).scheme not in ("http", "https"):
            raise CommandError("--http must be an http:// or https:// address")

        def send(batch: list[dict[str, Any]]) -> None:
            request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
                url,
                data=json.dumps(batch).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                answer.read()

        return send
