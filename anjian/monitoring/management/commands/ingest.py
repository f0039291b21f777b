"""``manage.py ingest``: readings from MQTT into the database, nothing lost.

MQTT 5, QoS 1, a fixed client id with a persistent session (clean start off, session expiry
``--session-expiry``), MQTT 5 shared subscriptions (``$share/anjian/…``) so several processes
split the load, reconnection with back-off (1 s doubling to 60 s). Messages are acknowledged by
hand (paho's ``manual_ack``) only after the batch holding them is committed: a process killed
before that leaves them unacknowledged, and the broker delivers them again to the session. A
database error keeps the batch and retries it with back-off; it never stops the process.

Topics: ``anjian/v1/readings/{sensor_code}`` with ``{"ts", "value"}``, and
``anjian/v1/readings`` with a JSON array of ``{"sensor", "ts", "value"}``. For the broker side
(persistence, queue limits) see docs/monitoring.md.
"""

from __future__ import annotations

import json
import logging
import queue
import signal
import threading
import time
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection
from django.utils import timezone

from anjian.monitoring import services
from anjian.monitoring.ingest import Ingestor
from anjian.monitoring.partitions import ensure_partitions

logger = logging.getLogger("anjian.monitoring.ingest")

TOPIC = "anjian/v1/readings"


def decode(topic: str, payload: bytes) -> list[tuple[Any, Any, Any]]:
    """The readings a message carries; a malformed one carries a single bad reading, so that
    it is counted as rejected (and acknowledged), never retried for ever."""
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if topic == TOPIC:
        if not isinstance(data, list):
            return [(None, None, None)]
        return [
            (r.get("sensor"), r.get("ts"), r.get("value"))
            if isinstance(r, dict)
            else (None, None, None)
            for r in data
        ]
    code = topic.removeprefix(TOPIC + "/")
    if not isinstance(data, dict):
        return [(code, None, None)]
    return [(code, data.get("ts"), data.get("value"))]


class Command(BaseCommand):
    help = "Receive sensor readings over MQTT (QoS 1, shared subscription) and store them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", default=getattr(settings, "MQTT_URL", "") or "mqtt://127.0.0.1:1883"
        )
        parser.add_argument("--client-id", default="anjian-ingest-1")
        parser.add_argument("--group", default="anjian", help="shared subscription group")
        parser.add_argument("--batch", type=int, default=1000, help="readings per write")
        parser.add_argument(
            "--interval", type=float, default=0.2, help="seconds per write, at most"
        )
        parser.add_argument("--session-expiry", type=int, default=7 * 24 * 3600)
        parser.add_argument("--max-seconds", type=float, default=0, help="stop after (tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.packettypes import PacketTypes
        from paho.mqtt.properties import Properties

        url = urlparse(options["url"])
        inbox: queue.Queue[tuple[int, int, str, bytes]] = queue.Queue()
        generation = [0]
        stop = threading.Event()

        def on_connect(client: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
            if reason.is_failure:
                logger.warning("mqtt connect refused", extra={"reason": str(reason)})
                return
            generation[0] += 1
            group = options["group"]
            client.subscribe([(f"$share/{group}/{TOPIC}/+", 1), (f"$share/{group}/{TOPIC}", 1)])
            logger.info("mqtt connected", extra={"session_present": _f.session_present})

        def on_subscribe(_c: Any, _u: Any, _mid: Any, reasons: Any, _p: Any) -> None:
            logger.info("mqtt subscribed", extra={"granted": [str(r) for r in reasons]})

        def on_message(_c: Any, _u: Any, message: Any) -> None:
            inbox.put((generation[0], message.mid, message.topic, message.payload))

        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=options["client_id"],
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        client.on_connect = on_connect
        client.on_message = on_message
        client.on_subscribe = on_subscribe
        if url.username:
            client.username_pw_set(url.username, url.password)
        client.reconnect_delay_set(min_delay=1, max_delay=60)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = options["session_expiry"]
        client.connect_async(
            url.hostname or "127.0.0.1",
            url.port or 1883,
            keepalive=30,
            clean_start=False,
            properties=properties,
        )
        client.loop_start()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        ingestor = Ingestor()
        ensure_partitions(timezone.localdate())
        deadline = time.monotonic() + options["max_seconds"] if options["max_seconds"] else None
        next_offline_check = time.monotonic() + 10
        try:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                batch = self._collect(inbox, options["batch"], options["interval"])
                if batch:
                    self._commit(ingestor, batch, stop)
                    for gen, mid, _t, _p in batch:
                        if gen == generation[0]:  # older ones come again on the new session
                            client.ack(mid, 1)
                if time.monotonic() >= next_offline_check:
                    next_offline_check = time.monotonic() + 10
                    try:
                        services.mark_offline()
                    except DatabaseError:
                        connection.close()
        finally:
            client.loop_stop()
            client.disconnect()

    @staticmethod
    def _collect(inbox: queue.Queue[Any], size: int, interval: float) -> list[Any]:
        batch: list[Any] = []
        readings = 0
        until = time.monotonic() + interval
        while readings < size:
            left = until - time.monotonic()
            if left <= 0:
                break
            try:
                item = inbox.get(timeout=left)
            except queue.Empty:
                break
            batch.append(item)
            readings += 1
        return batch

    @staticmethod
    def _commit(ingestor: Ingestor, batch: list[Any], stop: threading.Event) -> None:
        items = [reading for _g, _m, topic, payload in batch for reading in decode(topic, payload)]
        delay = 0.5
        while True:
            try:
                ingestor.process(items)
                return
            except DatabaseError as error:
                logger.warning("database unavailable, retrying", extra={"error": str(error)})
                connection.close()
                if stop.wait(delay):
                    raise SystemExit(1) from error  # stopping: leave the batch unacknowledged
                delay = min(delay * 2, 30)
