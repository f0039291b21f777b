"""The ingest path shared by MQTT (``manage.py ingest``) and ``POST /api/v1/readings``.

A batch of raw readings ``(sensor code, ts, value)`` is checked against the sensors' limits held
in memory (:class:`LimitCache`: loaded once, refreshed every ``MONITORING_CACHE_SECONDS``; no
database query per reading), written in one statement with duplicates (same sensor and time)
ignored, evaluated for alarms (:class:`Evaluator`: hysteresis and a delay against flapping), and
its bad readings counted per enterprise, all in one transaction (:meth:`Ingestor.process`). The
MQTT side acknowledges its messages only after that transaction has committed.

Two ingest workers on a shared subscription may each see readings of one sensor: the alarm
tables' partial unique constraint (one active alarm per sensor and level) keeps an alarm from
being raised twice; route a sensor to one worker (EMQX's ``hash_topic`` strategy on the
per-sensor topic) to keep its hysteresis state in one place.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from anjian.monitoring import services
from anjian.monitoring.choices import AlarmLevel, RejectReason
from anjian.monitoring.models import Alarm, Rejection, Sensor

__all__ = ["Evaluator", "Ingestor", "LimitCache", "Limits", "Outcome", "parse_ts"]


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


@dataclass(frozen=True)
class Limits:
    sensor_id: int
    enterprise_id: int
    range_min: float
    range_max: float
    ll: float | None
    l: float | None  # noqa: E741
    h: float | None
    hh: float | None
    interval_s: int

    @property
    def band(self) -> float:
        """The hysteresis band: ``MONITORING_HYSTERESIS_PCT`` of the physical range."""
        return (self.range_max - self.range_min) * _setting("MONITORING_HYSTERESIS_PCT", 2) / 100


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


class LimitCache:
    """Every sensor's limits by code, in memory; reloaded after ``MONITORING_CACHE_SECONDS``
    (an unknown code triggers an early reload, at most once a second)."""

    def __init__(self) -> None:
        self._by_code: dict[str, Limits] = {}
        self._loaded = -math.inf
        self._lock = threading.Lock()
        self.loads = 0

    def _load(self) -> None:
        rows = Sensor.objects.values_list(
            "code", "pk", "installation__enterprise_id", "range_min", "range_max",
            "ll", "l", "h", "hh", "sampling_interval_s",
        )  # fmt: skip
        self._by_code = {
            code: Limits(pk, ent, float(lo), float(hi), _f(ll), _f(l), _f(h), _f(hh), interval)
            for code, pk, ent, lo, hi, ll, l, h, hh, interval in rows  # noqa: E741
        }
        self._loaded = time.monotonic()
        self.loads += 1

    def refresh_if_stale(self) -> None:
        with self._lock:
            if time.monotonic() - self._loaded > _setting("MONITORING_CACHE_SECONDS", 30):
                self._load()

    def get(self, code: str) -> Limits | None:
        found = self._by_code.get(code)
        if found is None and time.monotonic() - self._loaded > 1:
            with self._lock:
                self._load()
            found = self._by_code.get(code)
        return found

    def invalidate(self) -> None:
        self._loaded = -math.inf


HIGH = (AlarmLevel.HH, AlarmLevel.H)
LOW = (AlarmLevel.LL, AlarmLevel.L)


def _conditions(limits: Limits, value: float, active: set[str]) -> set[str]:
    """The levels whose condition holds: crossing a limit enters it, and it is left only
    past the hysteresis band; HH implies H and LL implies L."""
    band = limits.band
    holding: set[str] = set()
    for level, limit, sign in (
        (AlarmLevel.HH, limits.hh, 1),
        (AlarmLevel.H, limits.h, 1),
        (AlarmLevel.LL, limits.ll, -1),
        (AlarmLevel.L, limits.l, -1),
    ):
        if limit is None:
            continue
        threshold = limit - sign * band if level in active else limit
        if sign * (value - threshold) >= 0:
            holding.add(level)
    if AlarmLevel.HH in holding and limits.h is not None:
        holding.add(AlarmLevel.H)
    if AlarmLevel.LL in holding and limits.l is not None:
        holding.add(AlarmLevel.L)
    return holding


@dataclass
class _SensorState:
    active: set[str] = field(default_factory=set)
    pending: dict[str, datetime] = field(default_factory=dict)
    last_ts: datetime | None = None


def _copy(state: _SensorState) -> _SensorState:
    return _SensorState(set(state.active), dict(state.pending), state.last_ts)


class Evaluator:
    """Threshold alarms with hysteresis and a delay: a level is raised once its condition has
    held for ``MONITORING_ALARM_DELAY_SECONDS`` (by the readings' own times), and cleared when
    the value is back past the hysteresis band."""

    def __init__(self) -> None:
        self._states: dict[int, _SensorState] = {}
        self._lock = threading.Lock()

    def load_active(self) -> None:
        """Start from the alarms still active in the database (after a restart)."""
        self._states.clear()
        rows = Alarm.objects.filter(cleared_at__isnull=True).exclude(level=AlarmLevel.OFFLINE)
        for sensor_id, level in rows.values_list("sensor_id", "level"):
            self._states.setdefault(sensor_id, _SensorState()).active.add(level)

    def checkpoint(self, sensor_ids: Iterable[int]) -> dict[int, _SensorState | None]:
        """A copy of these sensors' states, to :meth:`restore` if the batch fails."""
        with self._lock:
            return {
                sid: _copy(self._states[sid]) if sid in self._states else None for sid in sensor_ids
            }

    def restore(self, saved: dict[int, _SensorState | None]) -> None:
        with self._lock:
            for sid, state in saved.items():
                if state is None:
                    self._states.pop(sid, None)
                else:
                    self._states[sid] = state

    def evaluate(
        self, limits: Limits, ts: datetime, value: float
    ) -> tuple[list[tuple[str, float | None]], list[str]]:
        """(levels to raise with their limits, levels to clear) after this reading."""
        delay = timedelta(seconds=_setting("MONITORING_ALARM_DELAY_SECONDS", 0))
        with self._lock:
            state = self._states.setdefault(limits.sensor_id, _SensorState())
            if state.last_ts is not None and ts <= state.last_ts:
                return [], []  # an older or repeated reading: stored, not re-evaluated
            state.last_ts = ts
            holding = _conditions(limits, value, state.active)
            raise_levels: list[tuple[str, float | None]] = []
            for level in sorted(holding - state.active):
                since = state.pending.setdefault(level, ts)
                if ts - since >= delay:
                    state.active.add(level)
                    state.pending.pop(level, None)
                    raise_levels.append((level, getattr(limits, level.lower())))
            for level in list(state.pending):
                if level not in holding:
                    del state.pending[level]
            cleared = sorted(state.active - holding)
            state.active -= set(cleared)
            return raise_levels, cleared


def parse_ts(raw: Any) -> datetime | None:
    """ISO 8601 (a time without zone is in ``TIME_ZONE``) or epoch seconds; None if neither."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            return None
        try:
            return datetime.fromtimestamp(raw, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(raw, str):
        try:
            text = raw.strip()
            try:
                parsed: datetime | None = datetime.fromisoformat(text)  # the fast, common case
            except ValueError:
                parsed = parse_datetime(text)
        except ValueError:
            return None
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            parsed = timezone.make_aware(parsed)
        return parsed
    return None


def _number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _reason(
    limits: Limits | None, ts: datetime | None, value: Any, newest: datetime, oldest: datetime
) -> RejectReason | None:
    """Why a reading is refused, in the order the checks run; None when it is good."""
    if limits is None:
        return RejectReason.UNKNOWN_SENSOR
    if not _number(value):
        return RejectReason.NOT_A_NUMBER
    if ts is None:
        return RejectReason.BAD_TIME
    if ts > newest:
        return RejectReason.TOO_NEW
    if ts < oldest:
        return RejectReason.TOO_OLD
    if not limits.range_min <= value <= limits.range_max:
        return RejectReason.OUT_OF_RANGE
    return None


@dataclass
class Outcome:
    accepted: int = 0
    stored: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    alarms: int = 0


class Ingestor:
    """Checks, stores and evaluates batches of readings (one per process, thread-safe)."""

    def __init__(self) -> None:
        self.cache = LimitCache()
        self.evaluator = Evaluator()
        self._touched: dict[int, float] = {}
        self._started = False
        self._start_lock = threading.Lock()

    def start(self) -> None:
        with self._start_lock:
            if not self._started:
                self.cache.refresh_if_stale()
                self.evaluator.load_active()
                self._started = True

    def process(
        self,
        items: Sequence[tuple[Any, Any, Any]],
        *,
        allowed_enterprises: frozenset[int] | None = None,
        now: datetime | None = None,
    ) -> Outcome:
        """Check, store and evaluate ``(sensor code, ts, value)`` items in one transaction.

        ``allowed_enterprises`` (None: any) limits whose sensors the caller may write; a
        sensor of another enterprise is answered as unknown, like one that does not exist.
        """
        self.start()
        self.cache.refresh_if_stale()
        now = now or timezone.now()
        newest = now + timedelta(seconds=_setting("MONITORING_MAX_FUTURE_SECONDS", 300))
        oldest = now - timedelta(hours=_setting("MONITORING_MAX_AGE_HOURS", 72))
        outcome = Outcome()
        rows: list[tuple[int, datetime, float]] = []
        seen: list[tuple[Limits, datetime, float]] = []
        rejections: dict[tuple[int | None, str], list[Any]] = defaultdict(list)
        for index, (code, raw_ts, raw_value) in enumerate(items):
            limits = self.cache.get(code) if isinstance(code, str) else None
            if allowed_enterprises is not None and limits is not None:
                limits = limits if limits.enterprise_id in allowed_enterprises else None
            ts = parse_ts(raw_ts)
            reason = _reason(limits, ts, raw_value, newest, oldest)
            if reason is not None or limits is None or ts is None:
                enterprise = limits.enterprise_id if limits is not None else None
                rejections[(enterprise, str(reason))].append(code)
                outcome.rejected.append({"index": index, "reason": str(reason)})
                continue
            rows.append((limits.sensor_id, ts, float(raw_value)))
            seen.append((limits, ts, float(raw_value)))
        outcome.accepted = len(rows)
        saved = self.evaluator.checkpoint({limits.sensor_id for limits, _t, _v in seen})
        touched = dict(self._touched)
        try:
            with transaction.atomic():
                self._write(rows, seen, rejections, now, outcome)
        except BaseException:
            self.evaluator.restore(saved)  # the batch will be retried: evaluate it again
            self._touched = touched
            raise
        return outcome

    def _write(
        self,
        rows: Sequence[tuple[int, datetime, float]],
        seen: list[tuple[Limits, datetime, float]],
        rejections: dict[tuple[int | None, str], list[Any]],
        now: datetime,
        outcome: Outcome,
    ) -> None:
        outcome.stored = store(rows)
        self._touch(seen, now)
        for limits, ts, value in sorted(seen, key=lambda s: s[1]):
            raised, cleared = self.evaluator.evaluate(limits, ts, value)
            if cleared:
                services.clear_alarms(limits.sensor_id, cleared, at=ts)
            for level, limit in raised:
                alarm = services.raise_alarm(
                    limits.sensor_id, level, at=ts, value=value, limit=limit
                )
                outcome.alarms += alarm is not None
        count_rejections(rejections, now)

    def _touch(self, seen: Iterable[tuple[Limits, datetime, float]], now: datetime) -> None:
        """Mark the sensors seen (``last_seen_at``) at most every half sampling interval, and
        clear the offline alarms of those that come back."""
        clock = time.monotonic()
        due = {
            limits.sensor_id
            for limits, _ts, _v in seen
            if clock - self._touched.get(limits.sensor_id, -math.inf) >= limits.interval_s / 2
        }
        if not due:
            return
        back = list(Sensor.objects.filter(pk__in=due, online=False).values_list("pk", flat=True))
        Sensor.objects.filter(pk__in=due).update(last_seen_at=now, online=True)
        if back:
            Alarm.objects.filter(
                sensor_id__in=back, level=AlarmLevel.OFFLINE, cleared_at__isnull=True
            ).update(cleared_at=now)
        for sensor_id in due:
            self._touched[sensor_id] = clock


def store(rows: Sequence[tuple[int, datetime, float]]) -> int:
    """Insert readings, a duplicate (sensor, ts) ignored; returns how many rows were new."""
    if not rows:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary COPY into a session's staging table, then one INSERT … ON CONFLICT: the
            # parameters of a plain INSERT cost more to adapt than the COPY to stream.
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS monitoring_reading_stage "
                "(sensor_id bigint, ts timestamptz, value float8) ON COMMIT DELETE ROWS"
            )
            with cursor.cursor.copy(
                "COPY monitoring_reading_stage (sensor_id, ts, value) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(["int8", "timestamptz", "float8"])
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "INSERT INTO monitoring_reading (sensor_id, ts, value) "
                "SELECT sensor_id, ts, value FROM monitoring_reading_stage "
                "ON CONFLICT DO NOTHING"
            )
            stored = int(cursor.rowcount)
            cursor.execute("DELETE FROM monitoring_reading_stage")
            return stored
        before = connection.connection.total_changes
        cursor.executemany(
            "INSERT OR IGNORE INTO monitoring_reading (sensor_id, ts, value) VALUES (%s, %s, %s)",
            [(s, connection.ops.adapt_datetimefield_value(t), v) for s, t, v in rows],
        )
        return int(connection.connection.total_changes - before)


def count_rejections(rejections: dict[tuple[int | None, str], list[Any]], now: datetime) -> None:
    """Add the batch's bad readings to the per-enterprise, per-day, per-reason counts."""
    day = timezone.localdate(now)
    for (enterprise_id, reason), codes in rejections.items():
        example = str(codes[-1])[:200]
        # enterprise_id=None selects IS NULL (the unknown-sensor row)
        rows = Rejection.objects.filter(enterprise_id=enterprise_id, day=day, reason=reason)  # type: ignore[misc]
        if rows.update(count=F("count") + len(codes), last_example=example):
            continue
        try:
            with transaction.atomic():
                Rejection.objects.create(
                    enterprise_id=enterprise_id,
                    day=day,
                    reason=reason,
                    count=len(codes),
                    last_example=example,
                )
        except IntegrityError:  # another worker created it meanwhile
            rows.update(count=F("count") + len(codes), last_example=example)


_INGESTOR: Ingestor | None = None


def ingestor() -> Ingestor:
    """The process's ingestor (its limits cache and alarm state)."""
    global _INGESTOR
    if _INGESTOR is None:
        _INGESTOR = Ingestor()
    return _INGESTOR
