"""Extensions, listed supervision, escalation timing, self-inspection tasks and scoping."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from anjian.core import deadlines
from anjian.core.lifecycle_models import Deadline, DeadlineNotice
from anjian.core.models import Notification
from anjian.core.workflow import TransitionRefused, apply_transition
from anjian.dangers import services
from anjian.dangers.choices import DangerState, ExtensionState
from anjian.dangers.models import Checklist, HiddenDanger, InspectionTask
from anjian.dangers.tests.conftest import photo, report

pytestmark = pytest.mark.django_db


def local(*parts: int) -> datetime:
    """A time on the city's clock (Asia/Shanghai)."""
    return datetime(*parts, tzinfo=ZoneInfo("Asia/Shanghai"))


def _assessed(danger, people):
    apply_transition(danger, "assess", actor=people["town"])
    apply_transition(danger, "start_rectification", actor=people["enterprise"])


def test_extension_is_requested_and_approved_never_edited(danger, people):
    _assessed(danger, people)
    old = danger.deadline
    extension = services.create_extension_request(
        danger, old + timedelta(days=10), "等待配件到货", actor=people["enterprise"]
    )
    with pytest.raises(ValidationError):
        services.create_extension_request(
            danger, old + timedelta(days=12), "再次申请", actor=people["enterprise"]
        )
    with pytest.raises(TransitionRefused):
        apply_transition(extension, "approve", actor=people["enterprise"])
    apply_transition(extension, "approve", actor=people["town"])
    danger.refresh_from_db()
    extension.refresh_from_db()
    assert extension.state == ExtensionState.APPROVED
    assert danger.deadline == old + timedelta(days=10)
    rows = Deadline.objects.of(danger).order_by("pk")
    assert [r.closed_reason for r in rows] == ["extended", ""]
    assert rows[1].replaces_id == rows[0].pk


def test_extension_refusals(danger, people):
    with pytest.raises(ValidationError):  # still reported: not yet assessed
        services.create_extension_request(
            danger, danger.deadline + timedelta(days=3), "理由", actor=people["enterprise"]
        )
    _assessed(danger, people)
    with pytest.raises(PermissionDenied):
        services.create_extension_request(
            danger, danger.deadline + timedelta(days=3), "理由", actor=people["town"]
        )
    with pytest.raises(ValidationError):
        services.create_extension_request(
            danger, danger.deadline, "理由", actor=people["enterprise"]
        )
    extension = services.create_extension_request(
        danger, danger.deadline + timedelta(days=3), "理由", actor=people["enterprise"]
    )
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(extension, "refuse", actor=people["town"])
    assert refused.value.code == "comment_required"
    apply_transition(extension, "refuse", actor=people["town"], comment="期限合理，不予延期")
    danger.refresh_from_db()
    assert danger.deadline == extension.previous_deadline


def _major(works, people):
    danger = report(works, people["enterprise"], criterion_code="HC2017-05")
    services.add_rectification_plan(
        danger, {"owner": "张三", "measures": "加装紧急切断阀", "funds": Decimal("20"),
                 "deadline": timezone.localdate(), "contingency_plan": "专项预案"},
        actor=people["enterprise"],
    )  # fmt: skip
    return danger


def test_listed_supervision_from_listing_to_lifting(works, people):
    danger = _major(works, people)
    with pytest.raises(PermissionDenied):
        services.create_listing(danger, actor=people["department"], deadline=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.create_listing(danger, actor=people["town_b"], deadline=timezone.localdate())
    listing = services.create_listing(
        danger, actor=people["town"], deadline=timezone.localdate() + timedelta(days=30),
        report_interval_days=7,
    )  # fmt: skip
    assert listing.level == "town"
    with pytest.raises(ValidationError):
        services.create_listing(danger, actor=people["city"], deadline=timezone.localdate())
    progress = deadlines.current_deadline(listing, "progress")
    assert progress is not None
    services.add_progress_report(listing, "紧急切断阀已采购", actor=people["enterprise"])
    with pytest.raises(PermissionDenied):
        services.add_progress_report(listing, "镇街代报", actor=people["town"])
    assert Deadline.objects.of(listing).count() == 2
    # Not lifted before the danger is verified and closed out, nor by another unit.
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(listing, "lift", actor=people["town"], comment="摘牌")
    assert refused.value.code == "not_verified"
    apply_transition(danger, "assess", actor=people["town"])
    apply_transition(danger, "start_rectification", actor=people["enterprise"])
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    apply_transition(danger, "close_out", actor=people["town"])
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(listing, "lift", actor=people["city"], comment="摘牌")
    assert refused.value.code == "not_permitted"
    apply_transition(listing, "lift", actor=people["town"], comment="现场核查合格，同意摘牌")
    listing.refresh_from_db()
    assert listing.state == "lifted"
    assert Deadline.objects.of(listing).open().count() == 0


def test_only_major_dangers_are_listed(danger, people):
    with pytest.raises(ValidationError):
        services.create_listing(danger, actor=people["city"], deadline=timezone.localdate())


def _notified(user, text):
    return Notification.objects.filter(recipient=user, title__contains=text).count()


def test_escalation_reminds_then_climbs_town_department_city(works, people):
    start = local(2026, 3, 2, 9, 0)
    with time_machine.travel(start, tick=False):
        danger = report(works, people["enterprise"], deadline=date(2026, 3, 10))
        deadlines.run_due()
        assert not DeadlineNotice.objects.exists()
    steps = [
        (local(2026, 3, 7, 23, 59), "remind-3d", "enterprise"),
        (local(2026, 3, 9, 23, 59), "remind-1d", "enterprise"),
        (local(2026, 3, 10, 23, 59), "escalate-town", "town"),
        (local(2026, 3, 13, 23, 59), "escalate-department", "department"),
        (local(2026, 3, 17, 23, 59), "escalate-city", "city"),
    ]
    for when, step, who in steps:
        with time_machine.travel(when - timedelta(minutes=1), tick=False):
            deadlines.run_due()
            assert not DeadlineNotice.objects.filter(step=step).exists(), step
        with time_machine.travel(when, tick=False):
            assert deadlines.run_due() == 1, step
            assert deadlines.run_due() == 0  # claimed once
        assert DeadlineNotice.objects.get(step=step).recipients >= 1
        assert Notification.objects.filter(recipient=people[who]).exists(), step
    assert danger.overdue


def test_escalation_delays_are_configurable(works, people, settings):
    settings.DEADLINE_OFFSETS = {"dangers.hiddendanger:rectify:escalate-department": 60 * 24}
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        report(works, people["enterprise"], deadline=date(2026, 3, 10))
    with time_machine.travel(local(2026, 3, 11, 23, 59), tick=False):
        deadlines.run_due()
    assert DeadlineNotice.objects.filter(step="escalate-department").exists()


def test_a_closed_danger_is_not_escalated(danger, people):
    _assessed(danger, people)
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    apply_transition(danger, "close_out", actor=people["town"])
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert deadlines.run_due() == 0


def _plan(works, people, frequency="weekly", key="chemical"):
    return services.create_inspection_plan(
        works,
        {"checklist": Checklist.objects.get(key=key), "name": "罐区周检", "frequency": frequency,
         "post": "罐区"},
        actor=people["enterprise"],
    )  # fmt: skip


def test_tasks_are_generated_once_per_period(works, people):
    _plan(works, people, "weekly")
    _plan(works, people, "daily")
    today = date(2026, 3, 4)  # a Wednesday
    assert services.generate_tasks(today) == 2
    assert services.generate_tasks(today) == 0
    weekly = InspectionTask.objects.get(period="2026-W10")
    assert weekly.due_on == date(2026, 3, 8)
    assert services.generate_tasks(today + timedelta(days=1)) == 1  # the next daily one


def test_periods():
    assert services.period_of("monthly", date(2026, 2, 10)) == ("2026-02", date(2026, 2, 28))
    assert services.period_of("quarterly", date(2026, 5, 1)) == ("2026-Q2", date(2026, 6, 30))
    # 国庆节 2026 starts on 1 October: the task falls due the day before.
    assert services.period_of("before_holiday", date(2026, 9, 29)) == (
        "H2026-10-01",
        date(2026, 9, 30),
    )
    assert services.period_of("before_holiday", date(2026, 9, 10)) is None


def test_a_failed_item_becomes_a_danger_and_a_criterion_item_a_major_one(works, people):
    _plan(works, people)
    services.generate_tasks()
    task = InspectionTask.objects.get()
    items = list(task.checklist.items.all())
    general, criterion = items[0], next(i for i in items if i.criterion_code)
    results = [
        services.ItemResult(
            i.pk,
            i.pk not in (general.pk, criterion.pk),
            "现场发现" if i.pk == general.pk else "",
            (photo(),) if i.pk in (general.pk, criterion.pk) else (),
        )
        for i in items
    ]
    dangers = services.complete_task(task, results, actor=people["enterprise"])
    assert len(dangers) == 2
    by_major = {d.is_major: d for d in dangers}
    assert by_major[True].criterion_code == criterion.criterion_code
    assert by_major[False].source == "self_inspection"
    assert by_major[False].task_id == task.pk
    # The danger appears for the town at once.
    assert HiddenDanger.objects.visible_to(people["town"]).filter(pk=by_major[False].pk).exists()
    with pytest.raises(ValidationError):
        services.complete_task(task, results, actor=people["enterprise"])


def test_a_failed_item_without_a_photo_is_refused(works, people):
    _plan(works, people)
    services.generate_tasks()
    task = InspectionTask.objects.get()
    items = list(task.checklist.items.all())
    results = [services.ItemResult(i.pk, i.pk != items[0].pk) for i in items]
    with pytest.raises(ValidationError) as error:
        services.complete_task(task, results, actor=people["enterprise"])
    assert "须拍照" in error.value.messages[0]
    task.refresh_from_db()
    assert task.completed_at is None
    assert not HiddenDanger.objects.exists()


def test_scoping_follows_the_enterprise(danger, other_works, people):
    other = report(other_works, people["town_b"])
    visible = {
        who: set(HiddenDanger.objects.visible_to(people[who]).values_list("pk", flat=True))
        for who in people
    }
    assert visible["city"] == {danger.pk, other.pk}
    assert visible["town"] == {danger.pk}
    assert visible["town_b"] == {other.pk}
    assert visible["enterprise"] == {danger.pk}
    assert danger.pk in visible["department"]
    assert danger.pk not in visible["other_department"]
    assert visible["auditor"] == set()


def test_reporting_outside_ones_scope_is_refused(works, people):
    with pytest.raises(ValidationError):
        report(works, people["town_b"])
    with pytest.raises(PermissionDenied):
        report(works, people["auditor"])
    with pytest.raises(ValidationError):
        report(works, people["town"], deadline=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError):
        report(works, people["town"], source="rumour")
    assert not HiddenDanger.objects.exists()


def test_state_is_never_assigned(danger):
    from anjian.core.workflow import ProtectedStateError

    with pytest.raises(ProtectedStateError):
        danger.state = DangerState.CLOSED_OUT
    with pytest.raises(ProtectedStateError):
        HiddenDanger.objects.filter(pk=danger.pk).update(state=DangerState.CLOSED_OUT)


def test_a_one_line_text_refuses_a_line_break_and_names_the_field(works, people):
    with pytest.raises(ValidationError) as refused:
        report(works, people["town"], place="罐区\n二号")
    assert refused.value.messages == ["隐患部位不能包含换行符或制表符"]
    report(works, people["town"], description="第一行\n第二行")  # a description may hold lines
    assert HiddenDanger.objects.count() == 1


def test_a_too_long_comment_refuses_the_whole_transition(danger, people):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "assess", actor=people["town"], comment="长" * 2001)
    assert "2000" in str(refused.value.message)
    danger.refresh_from_db()
    assert danger.state == DangerState.REPORTED and not danger.is_major
    apply_transition(danger, "assess", actor=people["town"], comment="长" * 2000)


def test_a_long_description_is_set_in_the_pdfs_over_several_rows(works, people):
    from anjian.dangers import documents

    danger = report(works, people["town"], description="长" * 2000)
    assert documents.rectification_notice_pdf(danger).startswith(b"%PDF")
