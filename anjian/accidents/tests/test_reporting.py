"""The reporting chain: due times from the head's receipt (1 h to the county, 2 h for each
level above), late and overdue steps, with a frozen clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from anjian.accidents import services
from anjian.accidents.tests.conftest import at, report

OCCURRED = at(2026, 12, 1, 8, 0)
LEARNT = at(2026, 12, 1, 8, 30)


@pytest.fixture
def accident(cast):
    with time_machine.travel(at(2026, 12, 1, 8, 40), tick=False):
        return report(
            cast["town_a"], cast["towns"][0], deaths=3, occurred_at=OCCURRED, learnt_at=LEARNT
        )


def test_due_times_count_from_the_heads_receipt(accident):
    steps = {s.level: s.due_at for s in accident.report_steps.all()}
    assert steps == {
        "county": LEARNT + timedelta(hours=1),
        "city": LEARNT + timedelta(hours=3),
        "province": LEARNT + timedelta(hours=5),
    }


def test_late_and_overdue_steps(accident, cast):
    county, city, province = accident.report_steps.order_by("order")
    with time_machine.travel(at(2026, 12, 1, 9, 30), tick=False):
        assert not county.overdue()
        services.record_report_step(county, at(2026, 12, 1, 9, 30), actor=cast["town_a"])
    county.refresh_from_db()
    assert not county.late  # exactly at the due time is on time
    with time_machine.travel(at(2026, 12, 1, 12, 0), tick=False):
        assert city.overdue()
        services.record_report_step(city, at(2026, 12, 1, 11, 31), actor=cast["city"])
        city.refresh_from_db()
        assert city.late
        assert not province.overdue()
    with time_machine.travel(at(2026, 12, 1, 13, 31), tick=False):
        assert province.overdue()


def test_report_time_must_be_plausible(accident, cast):
    county = accident.report_steps.get(level="county")
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        with pytest.raises(ValidationError):
            services.record_report_step(county, at(2026, 12, 1, 7, 0), actor=cast["city"])
        with pytest.raises(ValidationError):
            services.record_report_step(county, at(2026, 12, 2, 7, 0), actor=cast["city"])


def test_each_step_runs_on_the_deadline_engine(accident, cast):
    """Reminder half an hour before each step's due time, the late report escalated at it, to
    the town and the city office; a step recorded in time gets no escalation."""
    from anjian.core import deadlines
    from anjian.core.lifecycle_models import Deadline
    from anjian.core.models import Notification

    county, city, province = accident.report_steps.order_by("order")
    assert [deadlines.current_deadline(s, "report").due_at for s in (county, city, province)] == [
        s.due_at for s in (county, city, province)
    ]
    with time_machine.travel(at(2026, 12, 1, 8, 59), tick=False):
        assert deadlines.run_due() == 0
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        assert deadlines.run_due() == 1  # county: 30 minutes left
    with time_machine.travel(at(2026, 12, 1, 9, 20), tick=False):
        services.record_report_step(county, at(2026, 12, 1, 9, 20), actor=cast["town_a"])
    assert deadlines.current_deadline(county, "report") is None
    with time_machine.travel(at(2026, 12, 1, 11, 0), tick=False):
        assert deadlines.run_due() == 1  # city: 30 minutes left (county met: nothing more)
    with time_machine.travel(at(2026, 12, 1, 11, 30), tick=False):
        assert deadlines.run_due() == 1  # city: late (迟报)
        assert deadlines.counts(cast["city"], model=type(city))["overdue"] == 1
    with time_machine.travel(at(2026, 12, 1, 11, 45), tick=False):
        services.record_report_step(city, at(2026, 12, 1, 11, 45), actor=cast["city"])
    city.refresh_from_db()
    assert city.late
    with time_machine.travel(at(2026, 12, 1, 13, 30), tick=False):
        assert deadlines.run_due() == 1  # province: late (its reminder, missed, is not sent)
        assert deadlines.run_due() == 0  # once
    titles = list(
        Notification.objects.filter(recipient=cast["town_a"]).values_list("title", flat=True)
    )
    assert sum(t.startswith("事故信息迟报") for t in titles) == 2
    assert sum(t.startswith("事故信息报告时限30分钟内到期") for t in titles) == 2  # county, city
    assert not Notification.objects.filter(recipient=cast["town_b"]).exists()
    assert Notification.objects.filter(recipient=cast["city"], title__startswith="事故信息迟报")
    assert not Deadline.objects.of(county).open().exists()


def test_the_supplementary_window_reminds_once_and_ends_by_itself(accident, cast):
    from anjian.core import deadlines
    from anjian.core.models import Notification

    window = deadlines.current_deadline(accident, "supplementary")
    assert window.due_at == at(2026, 12, 31, 23, 59, 59)  # 30 days after the day (art. 13)
    with time_machine.travel(at(2026, 12, 1, 8, 40), tick=False):
        for step in accident.report_steps.all():
            services.record_report_step(step, at(2026, 12, 1, 8, 35), actor=cast["city"])
    with time_machine.travel(at(2026, 12, 30, 23, 59, 58), tick=False):
        assert deadlines.run_due() == 0
    with time_machine.travel(at(2026, 12, 31, 0, 0), tick=False):
        assert deadlines.run_due() == 1
    assert Notification.objects.filter(
        recipient=cast["town_a"], title__startswith="事故补报期限明日届满"
    ).exists()
    with time_machine.travel(at(2027, 1, 1, 0, 0), tick=False):
        assert deadlines.run_due() == 0
        assert deadlines.current_deadline(accident, "supplementary") is None
        assert deadlines.counts(cast["city"])["overdue"] == 0  # a window is never overdue


def test_a_window_already_over_is_not_tracked(cast):
    from anjian.core import deadlines

    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        old = report(cast["city"], cast["towns"][0], occurred_at=at(2026, 10, 1, 8, 0))
    assert deadlines.current_deadline(old, "supplementary") is None
    assert deadlines.current_deadline(old, "investigation") is not None
