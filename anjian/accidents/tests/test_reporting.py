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
