"""The workflow's permission rules one by one: who may take which action in which state, the
refusal codes with the allowed actions, each requirement at its edge (blank comment, empty
field values), and "awaiting my action" counted as the rules say."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from anjian.core.lifecycle_models import Transition
from anjian.core.models import AuditLog
from anjian.core.tests.conftest import due_in
from anjian.core.tests.lifecycle_app.models import Ticket
from anjian.core.workflow import (
    TransitionRefused,
    allowed_actions,
    allowed_actions_for_rows,
    apply_transition,
    awaiting,
    awaiting_count,
    history,
)
from anjian.core.workflow.service import REASONS
from conftest import make_user

pytestmark = pytest.mark.django_db


def _refusal(ticket, action, actor, **kwargs) -> TransitionRefused:
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(ticket, action, actor=actor, **kwargs)
    return refused.value


def test_the_reasons_and_a_refusals_default_message() -> None:
    assert {code: str(text) for code, text in REASONS.items()} == {
        "unknown_action": "没有这个操作",
        "wrong_state": "当前状态下不能执行此操作",
        "not_permitted": "您无权对此对象执行此操作",
        "comment_required": "此操作需要填写意见",
        "attachment_required": "此操作需要上传附件",
        "field_required": "此操作缺少必填内容",
        "invalid": "提交的内容无效",
    }
    refused = TransitionRefused("wrong_state", allowed=("a", "b"))
    assert (refused.code, str(refused.message), refused.allowed) == (
        "wrong_state",
        "当前状态下不能执行此操作",
        ["a", "b"],
    )
    assert str(refused) == "当前状态下不能执行此操作"
    assert str(TransitionRefused("no-such-code").message) == "提交的内容无效"
    assert str(TransitionRefused("invalid", "自己的话").message) == "自己的话"
    assert TransitionRefused("invalid").allowed == []


def test_each_role_may_take_its_own_actions_only(cast, ticket) -> None:
    assert allowed_actions(ticket, cast["town"]) == ["assign"]
    assert allowed_actions(ticket, cast["city"]) == ["cancel"]
    assert allowed_actions(ticket, cast["enterprise"]) == []
    assert allowed_actions(ticket, cast["other_town"]) == []
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    assert allowed_actions(ticket, cast["enterprise"]) == ["request_extension", "submit"]
    assert allowed_actions(ticket, cast["town"]) == []
    assert allowed_actions(ticket, cast["city"]) == ["cancel"]


def test_nobody_signed_in_may_take_nothing(cast, ticket) -> None:
    assert allowed_actions(ticket, AnonymousUser()) == []
    assert allowed_actions(ticket, None) == []
    assert allowed_actions_for_rows([], cast["town"]) == {}
    assert awaiting(AnonymousUser()) == [] and awaiting(None) == []
    assert awaiting_count(AnonymousUser()) == 0 and awaiting_count(None) == 0


def test_a_user_without_any_rule_gets_empty_lists(cast, ticket) -> None:
    nobody = make_user("ruleless")
    assert allowed_actions_for_rows([ticket], nobody) == {ticket.pk: []}
    assert awaiting(nobody) == [] and awaiting_count(nobody) == 0


def test_rows_out_of_sight_get_no_actions(cast, ticket) -> None:
    other = Ticket.objects.create(title="b", town=cast["town_b"], enterprise_code="X")
    assert allowed_actions_for_rows([ticket, other], cast["town"]) == {
        ticket.pk: ["assign"],
        other.pk: [],
    }
    assert allowed_actions_for_rows([ticket, other], cast["city"]) == {
        ticket.pk: ["cancel"],
        other.pk: ["cancel"],
    }


def test_the_refusal_codes_in_their_order(cast, ticket) -> None:
    unknown = _refusal(ticket, "explode", cast["town"])
    assert (unknown.code, unknown.allowed) == ("unknown_action", ["assign"])
    wrong = _refusal(ticket, "verify", cast["town"])
    assert (wrong.code, wrong.allowed) == ("wrong_state", ["assign"])
    # a permitted user in the wrong state hears "wrong state", not "not permitted"
    wrong = _refusal(ticket, "submit", cast["enterprise"])
    assert (wrong.code, wrong.allowed) == ("wrong_state", [])
    denied = _refusal(ticket, "assign", cast["other_town"], data={"due_at": due_in(3)})
    assert (denied.code, denied.allowed) == ("not_permitted", [])
    denied = _refusal(ticket, "assign", cast["enterprise"], data={"due_at": due_in(3)})
    assert denied.code == "not_permitted"
    assert not Transition.objects.exists()
    assert Ticket.objects.get(pk=ticket.pk).state == "reported"


def test_a_requirement_refused_names_the_allowed_actions(cast, ticket) -> None:
    missing = _refusal(ticket, "assign", cast["town"])
    assert (missing.code, missing.allowed) == ("field_required", ["assign"])
    assert str(missing.message) == "此操作缺少必填内容：due_at"


@pytest.mark.parametrize("value", [None, "", []])
def test_an_empty_field_value_is_missing(cast, ticket, value) -> None:
    refused = _refusal(ticket, "assign", cast["town"], data={"due_at": value})
    assert refused.code == "field_required"


@pytest.mark.parametrize("comment", ["", " ", "\n\t"])
def test_a_blank_comment_is_no_comment(cast, ticket, comment) -> None:
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    refused = _refusal(
        ticket,
        "request_extension",
        cast["enterprise"],
        comment=comment,
        data={"due_at": due_in(9)},
    )
    assert (refused.code, refused.allowed) == (
        "comment_required",
        ["request_extension", "submit"],
    )


def test_a_comment_with_text_and_a_field_with_a_value_are_enough(cast, ticket) -> None:
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    record = apply_transition(
        ticket,
        "request_extension",
        actor=cast["enterprise"],
        comment=" 延 ",
        data={"due_at": due_in(9)},
    )
    assert (record.source, record.target, record.action) == (
        "rectifying",
        "extension_requested",
        "request_extension",
    )
    assert record.comment == " 延 " and record.actor == cast["enterprise"]
    assert ticket.state == "extension_requested"  # the caller's object follows


def test_an_attachment_is_required_where_declared(cast, ticket) -> None:
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    refused = _refusal(ticket, "submit", cast["enterprise"])
    assert (refused.code, refused.allowed) == (
        "attachment_required",
        ["request_extension", "submit"],
    )


def test_the_record_and_the_audit_of_a_transition(cast, ticket) -> None:
    before = timezone.now()
    record = apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    assert record.workflow == "lifecycle_app.ticket"
    assert record.object_id == ticket.pk
    assert before <= record.at <= timezone.now() + timedelta(seconds=1)
    assert history(ticket) == [record]
    audit = AuditLog.objects.get(action="transition")
    assert audit.detail == "assign"
    assert audit.before == {"state": "reported"}
    assert audit.after["state"] == "rectifying"


def test_awaiting_counts_only_actions_that_await(cast, ticket) -> None:
    # The city office may cancel anything but nothing "awaits" it.
    assert allowed_actions(ticket, cast["city"]) == ["cancel"]
    assert awaiting(cast["city"]) == [] and awaiting_count(cast["city"]) == 0
    [item] = awaiting(cast["town"])
    assert (item.object_id, item.state, item.state_label) == (ticket.pk, "reported", "已上报")
    assert item.workflow.name == "lifecycle_app.ticket"
    assert awaiting_count(cast["town"]) == 1
    assert awaiting(cast["enterprise"]) == [] and awaiting_count(cast["enterprise"]) == 0
    assert awaiting(cast["other_town"]) == []
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    assert awaiting_count(cast["town"]) == 0
    assert [i.object_id for i in awaiting(cast["enterprise"])] == [ticket.pk]


def test_awaiting_is_limited(cast) -> None:
    tickets = [
        Ticket.objects.create(title=f"t{n}", town=cast["town_a"], enterprise_code="X")
        for n in range(3)
    ]
    assert len(awaiting(cast["town"], limit=2)) == 2
    assert len(awaiting(cast["town"])) == 3
    assert awaiting_count(cast["town"]) == 3
    assert {i.object_id for i in awaiting(cast["town"])} == {t.pk for t in tickets}
