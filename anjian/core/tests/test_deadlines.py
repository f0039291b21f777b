"""The deadline engine on a frozen clock: each reminder and escalation at its minute, once."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from anjian.core import deadlines
from anjian.core.lifecycle_models import Deadline, DeadlineNotice
from anjian.core.models import Notification
from anjian.core.tasks import send_deadline_notices
from anjian.core.tests.lifecycle_app.models import Ticket
from anjian.core.workflow import TransitionRefused, apply_transition

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 12, 10, 17, 0, tzinfo=SHANGHAI)


def _titles(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


@pytest.fixture
def assigned(cast, ticket):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": DUE.isoformat()})
    return ticket


def test_reminder_and_escalations_fire_at_their_minute_and_once(cast, assigned):
    steps = [
        (DUE - timedelta(days=1, minutes=1), 0),
        (DUE - timedelta(days=1), 1),  # the reminder to the enterprise
        (DUE - timedelta(minutes=1), 0),
        (DUE, 1),  # overdue: the town
        (DUE + timedelta(days=2) - timedelta(minutes=1), 0),
        (DUE + timedelta(days=2), 1),  # two days overdue: the city office
        (DUE + timedelta(days=30), 0),
    ]
    for moment, expected in steps:
        with time_machine.travel(moment, tick=False):
            assert send_deadline_notices() == expected, moment
            assert send_deadline_notices() == 0  # a second run (or a restart) sends nothing
    assert _titles(cast["enterprise"]) == ["整改期限明天到期：配电室隐患"]
    assert _titles(cast["town"]) == ["整改逾期：配电室隐患"]
    assert _titles(cast["city"]) == ["整改逾期两天：配电室隐患"]
    assert DeadlineNotice.objects.count() == 3


def test_a_met_deadline_sends_nothing_more(cast, assigned):
    from anjian.core.tests.test_attachments import jpeg

    apply_transition(assigned, "submit", actor=cast["enterprise"], attachments=[jpeg()])
    apply_transition(assigned, "verify", actor=cast["town"])
    with time_machine.travel(DUE + timedelta(days=5), tick=False):
        assert deadlines.run_due() == 0
    assert Deadline.objects.get().closed_reason == "met"


def test_an_extension_goes_through_the_workflow_and_never_edits_the_deadline(cast, assigned):
    later = DUE + timedelta(days=7)
    apply_transition(
        assigned,
        "request_extension",
        actor=cast["enterprise"],
        comment="设备到货延迟",
        data={"due_at": later.isoformat()},
    )
    apply_transition(assigned, "approve_extension", actor=cast["town"])
    old, new = Deadline.objects.order_by("pk")
    assert old.due_at == DUE and old.closed_reason == "extended"
    assert new.due_at == later and new.replaces == old and new.closed_at is None
    with time_machine.travel(DUE, tick=False):
        assert deadlines.run_due() == 0  # the old due time no longer escalates
    with time_machine.travel(later, tick=False):
        assert deadlines.run_due() == 1


def test_an_extension_must_be_later(cast, assigned):
    apply_transition(
        assigned,
        "request_extension",
        actor=cast["enterprise"],
        comment="提前",
        data={"due_at": (DUE - timedelta(days=1)).isoformat()},
    )
    with pytest.raises(TransitionRefused):
        apply_transition(assigned, "approve_extension", actor=cast["town"])
    assert Deadline.objects.open().get().due_at == DUE


def test_offsets_are_configurable(cast, assigned, settings):
    settings.DEADLINE_OFFSETS = {"lifecycle_app.ticket:rectify:escalate-town": 60}
    with time_machine.travel(DUE, tick=False):
        assert deadlines.run_due() == 0
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        assert deadlines.run_due() == 1


def test_overdue_and_due_soon_counts_are_scoped(cast, assigned):
    with time_machine.travel(DUE - timedelta(days=2), tick=False):
        assert deadlines.counts(cast["town"]) == {"overdue": 0, "due_soon": 1}
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        assert deadlines.counts(cast["town"], model=Ticket) == {"overdue": 1, "due_soon": 0}
        assert deadlines.counts(cast["other_town"]) == {"overdue": 0, "due_soon": 0}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_two_workers_send_each_notice_once(cast, assigned):
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def worker() -> None:
        try:
            with time_machine.travel(DUE + timedelta(days=3), tick=False):
                barrier.wait()
                sent.append(deadlines.run_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 2  # town and city escalations; the reminder's time has passed
    assert DeadlineNotice.objects.count() == 2
    assert Notification.objects.count() == 2
    assert connection.vendor == "postgresql"
