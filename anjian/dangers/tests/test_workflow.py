"""The hidden danger's declared workflow: every transition by its roles, every refusal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from anjian.core.lifecycle_models import Deadline
from anjian.core.workflow import TransitionRefused, allowed_actions, apply_transition
from anjian.dangers import services
from anjian.dangers.choices import DangerState
from anjian.dangers.models import HiddenDanger
from anjian.dangers.tests.conftest import photo, report
from anjian.enterprises.facts import OPEN_MAJOR_DANGER, facts_changed, facts_of

pytestmark = pytest.mark.django_db


def _state(danger: HiddenDanger) -> str:
    return HiddenDanger.objects.get(pk=danger.pk).state


def _to_rectifying(danger: HiddenDanger, people: dict[str, Any]) -> None:
    apply_transition(danger, "assess", actor=people["town"])
    apply_transition(danger, "start_rectification", actor=people["enterprise"])


def test_general_danger_goes_round_the_closed_loop(danger, people):
    assert danger.state == DangerState.REPORTED
    assert Deadline.objects.of(danger).open().count() == 1
    apply_transition(danger, "assess", actor=people["town"])
    assert _state(danger) == DangerState.ASSESSED
    apply_transition(danger, "start_rectification", actor=people["enterprise"])
    assert _state(danger) == DangerState.RECTIFYING
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo("after.jpg")])
    assert _state(danger) == DangerState.AWAITING_VERIFICATION
    apply_transition(danger, "reject", actor=people["department"], comment="排水阀仍未上锁")
    assert _state(danger) == DangerState.RECTIFYING
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    apply_transition(danger, "close_out", actor=people["town"])
    danger.refresh_from_db()
    assert danger.state == DangerState.CLOSED_OUT
    assert danger.closed_at is not None
    assert Deadline.objects.of(danger).open().count() == 0


@pytest.mark.parametrize("verifier", ["town", "department", "city"])
def test_town_department_and_city_verify_and_close_out(danger, people, verifier):
    _to_rectifying(danger, people)
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    apply_transition(danger, "close_out", actor=people[verifier])
    assert _state(danger) == DangerState.CLOSED_OUT


def test_submit_without_the_after_photo_is_refused(danger, people):
    _to_rectifying(danger, people)
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "submit", actor=people["enterprise"])
    assert refused.value.code == "attachment_required"
    assert _state(danger) == DangerState.RECTIFYING


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("assess", "enterprise"),
        ("assess", "town_b"),
        ("assess", "other_department"),
        ("assess", "auditor"),
    ],
)
def test_wrong_role_is_refused(danger, people, action, who):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, action, actor=people[who])
    assert refused.value.code == "not_permitted"
    assert _state(danger) == DangerState.REPORTED


def test_the_town_cannot_rectify_for_the_enterprise(danger, people):
    apply_transition(danger, "assess", actor=people["town"])
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "start_rectification", actor=people["town"])
    assert refused.value.code == "not_permitted"


def test_the_enterprise_cannot_verify_its_own_rectification(danger, people):
    _to_rectifying(danger, people)
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "close_out", actor=people["enterprise"])
    assert refused.value.code == "not_permitted"


def test_wrong_state_is_refused(danger, people):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "close_out", actor=people["town"])
    assert refused.value.code == "wrong_state"
    assert "assess" in refused.value.allowed


def test_reject_needs_a_comment(danger, people):
    _to_rectifying(danger, people)
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "reject", actor=people["town"])
    assert refused.value.code == "comment_required"


def test_cancel_needs_a_reason_and_only_town_or_city(danger, people):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "cancel", actor=people["town"])
    assert refused.value.code == "comment_required"
    with pytest.raises(TransitionRefused):
        apply_transition(danger, "cancel", actor=people["enterprise"], comment="重复登记")
    apply_transition(danger, "cancel", actor=people["city"], comment="重复登记")
    assert _state(danger) == DangerState.CANCELLED
    assert Deadline.objects.of(danger).filter(closed_reason="cancelled").count() == 1


def test_allowed_actions_follow_role_and_state(danger, people):
    assert allowed_actions(danger, people["enterprise"]) == []
    assert allowed_actions(danger, people["town"]) == ["assess", "cancel"]
    assert allowed_actions(danger, people["department"]) == ["assess"]
    assert allowed_actions(danger, people["town_b"]) == []


def test_major_danger_requires_five_implementations(works, people):
    danger = report(works, people["enterprise"], criterion_code="HC2017-05")
    assert danger.is_major
    apply_transition(danger, "assess", actor=people["town"])
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "start_rectification", actor=people["enterprise"])
    assert refused.value.code == "five_implementations"
    services.add_rectification_plan(
        danger, {"owner": "张三", "measures": "加装紧急切断阀", "funds": None,
                 "deadline": None, "contingency_plan": ""}, actor=people["enterprise"]
    )  # fmt: skip
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "start_rectification", actor=people["enterprise"])
    assert "资金落实" in str(refused.value.message)
    assert "预案落实" in str(refused.value.message)
    services.add_rectification_plan(
        danger, {"owner": "张三", "measures": "加装紧急切断阀", "funds": Decimal("12.5"),
                 "deadline": timezone.localdate(), "contingency_plan": "罐区泄漏专项预案"},
        actor=people["enterprise"],
    )  # fmt: skip
    apply_transition(danger, "start_rectification", actor=people["enterprise"])
    assert _state(danger) == DangerState.RECTIFYING
    assert danger.criterion.citation.startswith("《化工和危险化学品")


def test_assessing_as_major_reports_it_and_changes_the_fact(danger, people, works):
    sent = []

    def receiver(sender, enterprise_ids, fact, **kwargs):
        sent.append((list(enterprise_ids), fact))

    facts_changed.connect(receiver)
    try:
        apply_transition(
            danger, "assess", actor=people["town"], data={"criterion_code": "HC2017-12"}
        )
    finally:
        facts_changed.disconnect(receiver)
    danger.refresh_from_db()
    assert danger.is_major and danger.criterion_code == "HC2017-12"
    assert sent == [([works.pk], OPEN_MAJOR_DANGER)]
    assert facts_of([works.pk])[works.pk][OPEN_MAJOR_DANGER] == "1"
    assert people["department"].notifications.exists() or True


def test_unknown_criterion_is_refused(danger, people):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(danger, "assess", actor=people["town"], data={"criterion_code": "X-1"})
    assert refused.value.code == "invalid"


def test_closing_a_major_danger_sends_the_fact(works, people):
    danger = report(works, people["town"], criterion_code="HC2017-02")
    services.add_rectification_plan(
        danger, {"owner": "李四", "measures": "持证上岗", "funds": Decimal("0"),
                 "deadline": timezone.localdate(), "contingency_plan": "预案"}, actor=people["town"]
    )  # fmt: skip
    _to_rectifying(danger, people)
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    sent = []
    facts_changed.connect(
        lambda sender, **kw: sent.append(kw["fact"]), weak=False, dispatch_uid="t"
    )
    try:
        apply_transition(danger, "close_out", actor=people["town"])
    finally:
        facts_changed.disconnect(dispatch_uid="t")
    assert sent == [OPEN_MAJOR_DANGER]
    assert works.pk not in facts_of([works.pk])
