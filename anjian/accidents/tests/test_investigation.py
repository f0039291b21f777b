"""The investigation: one declared workflow with its 60-day deadline (art. 29) and one
extension of at most 60 days; reminders and escalations by the core deadline engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from anjian.accidents.models import Accident
from anjian.accidents.tests.conftest import at, report
from anjian.core import deadlines
from anjian.core.lifecycle_models import Deadline
from anjian.core.models import Notification
from anjian.core.workflow import TransitionRefused, apply_transition

START = at(2026, 12, 1, 9, 0)


@pytest.fixture
def accident(cast) -> Accident:
    with time_machine.travel(START, tick=False):
        return report(
            cast["city"],
            cast["towns"][0],
            deaths=1,
            enterprise=cast["enterprise_a_obj"].credit_code,
        )


def _investigating(accident, cast) -> Accident:
    with time_machine.travel(START + timedelta(days=1), tick=False):
        apply_transition(
            accident, "start_investigation", actor=cast["city"], data={"team": "应急局牵头"}
        )
    return accident


def test_deadline_is_60_days_after_the_day_of_the_accident(accident):
    deadline = deadlines.current_deadline(accident, "investigation")
    assert deadline is not None
    assert deadline.due_at == at(2027, 1, 30, 23, 59, 59)
    assert accident.investigation_due.isoformat() == "2027-01-30"


def test_reminder_before_and_escalation_after_the_deadline(accident, cast):
    _investigating(accident, cast)
    with time_machine.travel(at(2027, 1, 1, 0, 0), tick=False):
        deadlines.run_due()  # the reporting chain's late steps (see test_reporting), sent once
    with time_machine.travel(at(2027, 1, 23, 23, 58), tick=False):
        assert deadlines.run_due() == 0
    with time_machine.travel(at(2027, 1, 24, 0, 0), tick=False):
        assert deadlines.run_due() == 1  # 7 days before: town and city office
    with time_machine.travel(at(2027, 1, 31, 0, 0), tick=False):
        assert deadlines.run_due() == 1  # overdue: the city office
        counts = deadlines.counts(cast["city"], model=Accident, kind="investigation")
        assert counts["overdue"] == 1
    titles = list(
        Notification.objects.filter(recipient=cast["city"]).values_list("title", flat=True)
    )
    assert any(t.startswith("事故调查报告7日内到期") for t in titles)
    assert any(t.startswith("事故调查逾期") for t in titles)
    assert Notification.objects.filter(recipient=cast["town_a"]).exists()
    assert not Notification.objects.filter(recipient=cast["town_b"]).exists()


def test_one_extension_of_at_most_60_days(accident, cast):
    _investigating(accident, cast)
    with pytest.raises(TransitionRefused) as over:
        apply_transition(
            accident, "extend", actor=cast["city"], comment="技术鉴定", data={"days": 61}
        )
    assert "60" in str(over.value.message)
    with pytest.raises(TransitionRefused):
        apply_transition(accident, "extend", actor=cast["city"], comment="x", data={"days": 0})
    with pytest.raises(TransitionRefused):
        apply_transition(accident, "extend", actor=cast["town_a"], comment="x", data={"days": 5})
    apply_transition(accident, "extend", actor=cast["city"], comment="技术鉴定", data={"days": 60})
    accident.refresh_from_db()
    assert accident.extension_days == 60
    assert accident.investigation_due.isoformat() == "2027-03-31"
    current = deadlines.current_deadline(accident, "investigation")
    assert current.due_at == at(2027, 3, 31, 23, 59, 59)
    assert current.replaces is not None  # the old row kept, closed as extended
    with pytest.raises(TransitionRefused) as second:
        apply_transition(accident, "extend", actor=cast["city"], comment="再延", data={"days": 1})
    assert "一次" in str(second.value.message)
    accident.refresh_from_db()
    assert accident.extension_days == 60


def test_the_whole_lifecycle_to_closure(accident, cast):
    _investigating(accident, cast)
    report_data = {
        "findings": "企业主体责任",
        "penalties": "罚款20万元",
        "recommendations": "加强培训",
    }
    with time_machine.travel(at(2027, 1, 20, 10, 0), tick=False):
        apply_transition(accident, "submit_report", actor=cast["yjglj"], data=report_data)
    accident.refresh_from_db()
    assert accident.on_time is True
    assert deadlines.current_deadline(accident, "investigation") is None
    approval = deadlines.current_deadline(accident, "approval")
    assert approval.due_at == at(2027, 2, 4, 23, 59, 59)  # 15 days (art. 32)
    with pytest.raises(TransitionRefused):
        apply_transition(accident, "approve", actor=cast["yjglj"])
    apply_transition(accident, "approve", actor=cast["city"])
    with pytest.raises(TransitionRefused) as missing:
        apply_transition(accident, "close", actor=cast["city"])
    assert missing.value.code == "field_required"
    apply_transition(accident, "close", actor=cast["city"], data={"closing_summary": "已结案"})
    accident.refresh_from_db()
    assert accident.state == "closed"
    assert accident.closed_at is not None
    assert (
        not Deadline.objects.of(accident)
        .open()
        .filter(kind__in=["investigation", "approval"])
        .exists()
    )


def test_a_department_not_supervising_the_industry_may_not_investigate(accident, cast):
    with pytest.raises(TransitionRefused):
        apply_transition(accident, "start_investigation", actor=cast["wjj"], data={"team": "x"})


def test_the_report_time_may_be_recorded_from_the_papers(accident, cast):
    """``submitted_at``: when the team handed the report in (default now); never before the
    accident nor in the future; the on-time figure and the reply's deadline follow it."""
    _investigating(accident, cast)
    data = {"findings": "主体责任", "penalties": "罚款", "recommendations": "整改"}
    with time_machine.travel(at(2027, 3, 1, 10, 0), tick=False):
        for wrong in ("2026-11-30T10:00", "2027-03-02T10:00", "不是时间", "2027-13-45T99:00",
                      ["2027-01-01"]):  # fmt: skip
            with pytest.raises(TransitionRefused):
                apply_transition(accident, "submit_report", actor=cast["city"],
                                 data={**data, "submitted_at": wrong})  # fmt: skip
        apply_transition(accident, "submit_report", actor=cast["city"],
                         data={**data, "submitted_at": "2027-01-20T16:00"})  # fmt: skip
        accident.refresh_from_db()
        assert accident.report_submitted_at == at(2027, 1, 20, 16, 0)
        assert accident.on_time is True
        assert deadlines.current_deadline(accident, "approval").due_at == at(2027, 2, 4, 23, 59, 59)
        apply_transition(accident, "approve", actor=cast["city"])
        with pytest.raises(TransitionRefused):
            apply_transition(
                accident,
                "close",
                actor=cast["city"],
                data={"closing_summary": "已结案", "closed_at": "2027-01-19T10:00"},
            )
        apply_transition(
            accident,
            "close",
            actor=cast["city"],
            data={"closing_summary": "已结案", "closed_at": "2027-02-10T10:00"},
        )
    accident.refresh_from_db()
    assert accident.closed_at == at(2027, 2, 10, 10, 0)
