"""The deadline engine at its boundaries: a step at, just before and just after its minute, a
reminder of a passed deadline, the due-soon window's edges, one open deadline per kind, an
extension by the smallest step, and closing once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from anjian.core import deadlines
from anjian.core.lifecycle_models import Deadline, DeadlineNotice
from anjian.core.models import AuditLog, Notification
from anjian.core.tests.lifecycle_app.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 12, 10, 17, 0, tzinfo=SHANGHAI)
TICK = timedelta(microseconds=1)


@pytest.fixture
def due(cast, ticket):
    deadlines.set_deadline(ticket, "rectify", DUE, actor=cast["town"])
    return ticket


def _sent(step: str) -> bool:
    return DeadlineNotice.objects.filter(step=step).exists()


def test_the_declared_policy_and_its_steps(cast, ticket) -> None:
    policy = deadlines.policy_for(Ticket, "rectify")
    assert policy.kind == "rectify"
    assert [(s.name, s.offset) for s in policy.steps] == [
        ("remind-1d", -timedelta(days=1)),
        ("escalate-town", timedelta(0)),
        ("escalate-city", timedelta(days=2)),
    ]
    with pytest.raises(KeyError):
        deadlines.policy_for(Ticket, "inspect")
    with pytest.raises(KeyError):
        deadlines.set_deadline(ticket, "inspect", DUE, actor=cast["town"])
    assert not Deadline.objects.exists()


def test_an_offset_setting_in_minutes_replaces_the_declared_one(settings) -> None:
    step = deadlines.policy_for(Ticket, "rectify").steps[0]
    assert deadlines.offset_of(Ticket, "rectify", step) == -timedelta(days=1)
    settings.DEADLINE_OFFSETS = {"lifecycle_app.ticket:rectify:remind-1d": "-120"}
    assert deadlines.offset_of(Ticket, "rectify", step) == -timedelta(hours=2)
    settings.DEADLINE_OFFSETS = {"lifecycle_app.ticket:rectify:remind-1d": 0}
    assert deadlines.offset_of(Ticket, "rectify", step) == timedelta(0)
    settings.DEADLINE_OFFSETS = {"lifecycle_app.ticket:rectify:other": 5}
    assert deadlines.offset_of(Ticket, "rectify", step) == -timedelta(days=1)
    del settings.DEADLINE_OFFSETS
    assert deadlines.offset_of(Ticket, "rectify", step) == -timedelta(days=1)


def test_a_reminder_fires_at_its_minute_and_not_a_microsecond_before(due) -> None:
    assert deadlines.run_due(DUE - timedelta(days=1) - TICK) == 0
    assert deadlines.run_due(DUE - timedelta(days=1)) == 1
    assert _sent("remind-1d")
    assert deadlines.run_due(DUE - timedelta(days=1)) == 0


def test_an_escalation_fires_at_the_due_time_and_not_before(due) -> None:
    assert deadlines.run_due(DUE - TICK) == 1  # the reminder only
    assert not _sent("escalate-town")
    assert deadlines.run_due(DUE) == 1
    assert _sent("escalate-town") and not _sent("escalate-city")
    assert deadlines.run_due(DUE + timedelta(days=2) - TICK) == 0
    assert deadlines.run_due(DUE + timedelta(days=2)) == 1
    assert _sent("escalate-city")


def test_a_reminder_of_a_deadline_already_due_is_skipped(due) -> None:
    assert deadlines.run_due(DUE) == 1  # the town's escalation, no reminder
    assert not _sent("remind-1d") and _sent("escalate-town")
    assert deadlines.run_due(DUE + timedelta(days=3)) == 1
    assert not _sent("remind-1d")


def test_the_last_moment_of_a_reminder_is_just_before_the_due_time(due) -> None:
    assert deadlines.run_due(DUE - TICK) == 1
    assert _sent("remind-1d") and not _sent("escalate-town")


def test_a_notice_records_its_recipients_and_the_due_time(cast, due) -> None:
    deadlines.run_due(DUE)
    notice = DeadlineNotice.objects.get()
    assert (notice.step, notice.recipients, notice.sent_at) == ("escalate-town", 1, DUE)
    message = Notification.objects.get()
    assert message.recipient == cast["town"]
    assert message.title == "整改逾期：配电室隐患"
    stored = Deadline.objects.get().due_at
    assert message.body == f"{stored:%Y-%m-%d %H:%M}"
    assert message.link == ""  # the ticket has no page


def test_a_notice_links_to_the_objects_page(cast, due, monkeypatch) -> None:
    monkeypatch.setattr(Ticket, "get_absolute_url", lambda t: f"/t/{t.pk}/", raising=False)
    deadlines.run_due(DUE)
    assert Notification.objects.get().link == f"/t/{due.pk}/"


def test_a_notice_to_nobody_is_still_claimed_once(cast, due) -> None:
    cast["city"].role_assignments.all().delete()
    deadlines.run_due(DUE)
    assert deadlines.run_due(DUE + timedelta(days=2)) == 1
    notice = DeadlineNotice.objects.get(step="escalate-city")
    assert notice.recipients == 0
    assert deadlines.run_due(DUE + timedelta(days=2)) == 0


def test_a_closed_deadline_sends_nothing(cast, due) -> None:
    assert deadlines.close_deadline(due, "rectify", actor=cast["town"]) is True
    assert deadlines.run_due(DUE + timedelta(days=5)) == 0
    assert Deadline.objects.get().closed_reason == "met"


def test_one_open_deadline_of_a_kind(cast, due) -> None:
    with pytest.raises(ValueError, match="^rectify already set: extend it instead$"):
        deadlines.set_deadline(due, "rectify", DUE + timedelta(days=1), actor=cast["town"])
    assert Deadline.objects.count() == 1
    current = deadlines.current_deadline(due, "rectify")
    assert current is not None and current.due_at == DUE
    assert deadlines.current_deadline(due, "inspect") is None
    record = AuditLog.objects.get(action="deadline_set")
    assert record.after["kind"] == "rectify"
    assert record.actor_id == cast["town"].pk


def test_an_extension_by_the_smallest_step_is_later(cast, due) -> None:
    with pytest.raises(ValueError, match="^an extension must move the due time later$"):
        deadlines.extend_deadline(due, "rectify", DUE, actor=cast["town"])
    with pytest.raises(ValueError, match="later"):
        deadlines.extend_deadline(due, "rectify", DUE - TICK, actor=cast["town"])
    assert Deadline.objects.get().closed_at is None
    new = deadlines.extend_deadline(due, "rectify", DUE + TICK, actor=cast["town"])
    old = Deadline.objects.get(closed_reason="extended")
    assert (new.due_at, new.replaces_id, new.closed_at) == (DUE + TICK, old.pk, None)
    assert old.closed_at is not None and old.due_at == DUE
    assert deadlines.current_deadline(due, "rectify") == new
    record = AuditLog.objects.get(action="deadline_extended")
    assert record.before["kind"] == record.after["kind"] == "rectify"
    assert record.actor_id == cast["town"].pk


def test_nothing_open_cannot_be_extended(cast, ticket) -> None:
    with pytest.raises(ValueError, match="^no open rectify to extend$"):
        deadlines.extend_deadline(ticket, "rectify", DUE, actor=cast["town"])


def test_closing_is_done_once_with_its_reason(cast, due) -> None:
    assert deadlines.close_deadline(due, "rectify", actor=cast["city"], reason="cancelled")
    assert Deadline.objects.get().closed_reason == "cancelled"
    assert deadlines.close_deadline(due, "rectify", actor=cast["city"]) is False
    record = AuditLog.objects.get(action="deadline_closed")
    assert record.after == {"kind": "rectify", "reason": "cancelled"}
    assert record.actor_id == cast["city"].pk


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (DUE - timedelta(days=3) - TICK, {"overdue": 0, "due_soon": 0}),
        (DUE - timedelta(days=3), {"overdue": 0, "due_soon": 1}),
        (DUE - TICK, {"overdue": 0, "due_soon": 1}),
        (DUE, {"overdue": 1, "due_soon": 0}),
        (DUE + timedelta(days=30), {"overdue": 1, "due_soon": 0}),
    ],
)
def test_overdue_and_due_soon_at_their_edges(cast, due, now, expected) -> None:
    assert deadlines.counts(cast["town"], now=now) == expected


def test_the_due_soon_window_and_the_filters(cast, due) -> None:
    early = DUE - timedelta(days=1, microseconds=1)
    assert deadlines.counts(cast["town"], now=early, soon=timedelta(days=1)) == {
        "overdue": 0,
        "due_soon": 0,
    }
    assert deadlines.counts(cast["town"], now=early, soon=timedelta(days=2))["due_soon"] == 1
    assert deadlines.counts(cast["town"], now=DUE, kind="rectify")["overdue"] == 1
    assert deadlines.counts(cast["town"], now=DUE, kind="inspect")["overdue"] == 0
    assert deadlines.counts(cast["town"], now=DUE, model=Ticket)["overdue"] == 1
    assert deadlines.counts(cast["town"], now=DUE, model=Notification)["overdue"] == 0
    deadlines.close_deadline(due, "rectify", actor=cast["town"])
    assert deadlines.counts(cast["town"], now=DUE) == {"overdue": 0, "due_soon": 0}
