"""The ingest path: storage, duplicates, rejections, alarms with hysteresis, offline, escalation."""

from datetime import timedelta
from typing import Any

from django.test import override_settings
from django.utils import timezone

from anjian.core import deadlines
from anjian.core.models import Notification
from anjian.core.workflow import apply_transition
from anjian.monitoring import ingest, services
from anjian.monitoring.models import Alarm, Reading, Rejection, Sensor
from anjian.monitoring.tests.conftest import make_sensor
from conftest import make_user

BASE = timezone.now().replace(microsecond=0) - timedelta(hours=1)


def _at(seconds: float) -> Any:
    return (BASE + timedelta(seconds=seconds)).isoformat()


def test_readings_stored_and_duplicates_once(plant: Any, fresh_ingestor: Any) -> None:
    items = [("TE-1", _at(0), 20.5), ("TE-1", _at(10), 21), ("TE-1", _at(0), 20.5)]
    outcome = fresh_ingestor.process(items)
    assert (outcome.accepted, outcome.stored, outcome.rejected) == (3, 2, [])
    assert fresh_ingestor.process(items[:1]).stored == 0
    assert Reading.objects.count() == 2
    sensor = Sensor.objects.get(code="TE-1")
    assert sensor.online and sensor.last_seen_at is not None


def test_each_bad_kind_rejected_and_counted_per_enterprise(plant: Any, fresh_ingestor: Any) -> None:
    now = timezone.now()
    items = [
        ("NOPE", _at(0), 1),
        ("TE-1", _at(0), "hot"),
        ("TE-1", _at(0), float("nan")),
        ("TE-1", _at(0), 999),
        ("TE-1", "yesterday", 1),
        ("TE-1", (now + timedelta(hours=1)).isoformat(), 1),
        ("TE-1", (now - timedelta(days=30)).timestamp(), 1),
        ("TE-1", now.timestamp() - 60, 25),
    ]
    outcome = fresh_ingestor.process(items)
    assert outcome.accepted == 1
    assert [r["reason"] for r in outcome.rejected] == [
        "unknown_sensor", "not_a_number", "not_a_number", "out_of_range", "bad_time",
        "too_new", "too_old",
    ]  # fmt: skip
    assert [r["index"] for r in outcome.rejected] == list(range(7))
    counts = dict(
        Rejection.objects.filter(enterprise=plant.enterprise).values_list("reason", "count")
    )
    assert counts == {
        "not_a_number": 2, "out_of_range": 1, "bad_time": 1, "too_new": 1, "too_old": 1,
    }  # fmt: skip
    assert Rejection.objects.get(enterprise=None).count == 1
    fresh_ingestor.process(items[:2])
    assert Rejection.objects.get(enterprise=plant.enterprise, reason="not_a_number").count == 3


def _levels() -> list[tuple[str, bool]]:
    return sorted((a.level, a.cleared_at is None) for a in Alarm.objects.all())


def test_alarm_raised_at_each_limit(plant: Any, fresh_ingestor: Any) -> None:
    # TE-1: LL 0, L 10, H 80, HH 100 on a range of -20..200 (hysteresis band 2 % = 4.4).
    fresh_ingestor.process([("TE-1", _at(0), 80)])
    assert _levels() == [("H", True)]
    fresh_ingestor.process([("TE-1", _at(10), 100)])
    assert _levels() == [("H", True), ("HH", True)]
    fresh_ingestor.process([("TE-1", _at(20), 50)])
    assert _levels() == [("H", False), ("HH", False)]
    fresh_ingestor.process([("TE-1", _at(30), 10), ("TE-1", _at(40), 0)])
    assert [lvl for lvl, active in _levels() if active] == ["L", "LL"]
    alarm = Alarm.objects.get(level="HH")
    assert (alarm.value, alarm.limit, alarm.state) == (100, 100, "raised")


def test_no_reraise_while_flapping_inside_the_band(plant: Any, fresh_ingestor: Any) -> None:
    values = [81, 79, 80.5, 77, 82, 76.1]  # never below 80 - 4.4
    fresh_ingestor.process([("TE-1", _at(10 * i), v) for i, v in enumerate(values)])
    assert _levels() == [("H", True)]
    fresh_ingestor.process([("TE-1", _at(100), 75), ("TE-1", _at(110), 81)])
    assert _levels() == [("H", False), ("H", True)]


@override_settings(MONITORING_ALARM_DELAY_SECONDS=30)
def test_delay_holds_back_a_short_excursion(plant: Any, fresh_ingestor: Any) -> None:
    fresh_ingestor.process([("TE-1", _at(0), 90), ("TE-1", _at(10), 90), ("TE-1", _at(20), 50)])
    assert not Alarm.objects.exists()
    fresh_ingestor.process([("TE-1", _at(30 + 10 * i), 90) for i in range(4)])
    assert _levels() == [("H", True)]


def test_state_survives_a_restart(plant: Any, fresh_ingestor: Any) -> None:
    fresh_ingestor.process([("TE-1", _at(0), 85)])
    restarted = ingest.Ingestor()
    restarted.process([("TE-1", _at(10), 86)])
    assert Alarm.objects.count() == 1


def test_offline_after_three_missed_intervals(plant: Any, fresh_ingestor: Any) -> None:
    fresh_ingestor.process([("TE-1", _at(0), 20)])
    seen = Sensor.objects.get(code="TE-1").last_seen_at
    assert services.mark_offline(seen + timedelta(seconds=30)) == 0
    assert services.mark_offline(seen + timedelta(seconds=30, microseconds=1)) == 1
    assert _levels() == [("offline", True)]
    assert not Sensor.objects.get(code="TE-1").online
    assert services.mark_offline(seen + timedelta(seconds=600)) == 0
    fresh_ingestor._touched.clear()  # the clock above is pretend: half an interval has passed
    fresh_ingestor.process([("TE-1", _at(20), 20)])
    assert _levels() == [("offline", False)]
    assert Sensor.objects.get(code="TE-1").online


def test_offline_is_judged_per_sensor_interval_in_one_query(
    plant: Any, fresh_ingestor: Any, city: Any, django_assert_num_queries: Any
) -> None:
    installation = Sensor.objects.get(code="TE-1").installation
    make_sensor(installation, city, "TE-SLOW", sampling_interval_s=60)
    fresh_ingestor.process([("TE-1", _at(0), 20), ("TE-SLOW", _at(0), 20)])
    seen = Sensor.objects.get(code="TE-1").last_seen_at
    with django_assert_num_queries(1):  # nothing silent yet: one query decides it
        assert services.mark_offline(seen + timedelta(seconds=29)) == 0
    assert services.mark_offline(seen + timedelta(seconds=100)) == 1
    assert not Sensor.objects.get(code="TE-1").online
    assert Sensor.objects.get(code="TE-SLOW").online
    assert services.mark_offline(seen + timedelta(seconds=181)) == 1
    assert not Sensor.objects.get(code="TE-SLOW").online


def test_an_online_sensor_never_seen_goes_offline(plant: Any) -> None:
    Sensor.objects.filter(code="TE-1").update(online=True, last_seen_at=None)
    assert services.mark_offline() == 1
    assert _levels() == [("offline", True)]


@override_settings(MONITORING_ACKNOWLEDGE_MINUTES=5)
def test_unacknowledged_alarm_escalates_to_town_then_city(
    plant: Any, fresh_ingestor: Any, town_a: Any, city: Any, manager: Any
) -> None:
    fresh_ingestor.process([("TE-1", _at(0), 90)])
    alarm = Alarm.objects.get()
    assert Notification.objects.filter(recipient=manager).count() == 1
    due = alarm.raised_at + timedelta(minutes=5)
    assert deadlines.run_due(due - timedelta(seconds=1)) == 0
    assert deadlines.run_due(due) == 1
    assert Notification.objects.filter(recipient=town_a).count() == 1
    assert not Notification.objects.filter(recipient=city).exists()
    assert deadlines.run_due(due + timedelta(minutes=15)) == 1
    assert Notification.objects.filter(recipient=city).count() == 1


def test_acknowledged_alarm_does_not_escalate_and_runs_its_workflow(
    plant: Any, fresh_ingestor: Any, manager: Any, town_a: Any
) -> None:
    fresh_ingestor.process([("TE-1", _at(0), 90)])
    alarm = Alarm.objects.get()
    apply_transition(alarm, "acknowledge", actor=manager)
    assert deadlines.run_due(alarm.raised_at + timedelta(hours=1)) == 0
    apply_transition(alarm, "handle", actor=manager, comment="关闭进料阀，温度回落")
    apply_transition(alarm, "close", actor=town_a)
    alarm.refresh_from_db()
    assert alarm.state == "closed"


def test_a_stranger_cannot_acknowledge(plant: Any, fresh_ingestor: Any, town_b: Any) -> None:
    import pytest

    from anjian.core.workflow import TransitionRefused

    fresh_ingestor.process([("TE-1", _at(0), 90)])
    with pytest.raises(TransitionRefused):
        apply_transition(Alarm.objects.get(), "acknowledge", actor=town_b)
    assert make_user  # personas come from the shared conftest
