"""Declared workflows, on the tests' own rectification ticket."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from anjian.core.audit import verify
from anjian.core.lifecycle_models import Attachment, Transition
from anjian.core.models import AuditLog
from anjian.core.tests.conftest import CODE_A, due_in
from anjian.core.tests.lifecycle_app.models import Ticket, TicketState
from anjian.core.tests.test_attachments import jpeg
from anjian.core.workflow import (
    ProtectedStateError,
    TransitionRefused,
    allowed_actions,
    allowed_actions_for_rows,
    apply_transition,
    awaiting,
    awaiting_count,
)
from anjian.core.workflow.diagram import mermaid

pytestmark = pytest.mark.django_db


def test_a_transition_changes_state_and_writes_its_record_and_audit(cast, ticket):
    record = apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    assert ticket.state == TicketState.RECTIFYING
    ticket.refresh_from_db()
    assert ticket.state == TicketState.RECTIFYING
    assert (record.source, record.target, record.action, record.actor) == (
        "reported",
        "rectifying",
        "assign",
        cast["town"],
    )
    audit = AuditLog.objects.filter(action="transition").get()
    assert audit.before == {"state": "reported"} and audit.after["state"] == "rectifying"
    assert verify().ok


def test_the_rule_decides_who_may_act(cast, ticket):
    assert allowed_actions(ticket, cast["town"]) == ["assign"]
    assert allowed_actions(ticket, cast["enterprise"]) == []
    assert allowed_actions(ticket, cast["city"]) == ["cancel"]
    assert allowed_actions(ticket, cast["other_town"]) == []
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(ticket, "assign", actor=cast["enterprise"], data={"due_at": due_in(5)})
    assert refused.value.code == "not_permitted"
    assert Transition.objects.count() == 0


def test_a_refusal_names_the_wrong_state_and_the_allowed_actions(cast, ticket):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(ticket, "verify", actor=cast["town"])
    assert refused.value.code == "wrong_state"
    assert refused.value.allowed == ["assign"]


def test_requirements_comment_fields_and_attachment(cast, ticket):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(ticket, "assign", actor=cast["town"])
    assert refused.value.code == "field_required"
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(ticket, "submit", actor=cast["enterprise"])
    assert refused.value.code == "attachment_required"
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(
            ticket, "request_extension", actor=cast["enterprise"], data={"due_at": due_in(9)}
        )
    assert refused.value.code == "comment_required"
    record = apply_transition(
        ticket, "submit", actor=cast["enterprise"], attachments=[jpeg("整改后.jpg")]
    )
    assert list(record.attachments.values_list("original_name", flat=True)) == ["整改后.jpg"]


def test_an_effect_that_refuses_rolls_the_whole_transition_back(cast, ticket):
    with pytest.raises(TransitionRefused):
        apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": "not a date"})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REPORTED
    assert not Transition.objects.exists()


@pytest.mark.parametrize(
    "comment, data",
    [
        ("整改\x00完成", {"due_at": "2026-12-30"}),
        ("", {"due_at": "2026-12-30", "note": "滕州\x00"}),
        ("", {"due_at": "2026-12-30", "items": [{"名称": "a\x00b"}]}),
        ("", {"due_at": "2026-12-30", "\x00": "键"}),
    ],
    ids=["comment", "data value", "nested value", "data key"],
)
def test_a_nul_anywhere_in_the_text_is_refused_before_anything_is_written(
    cast, ticket, comment, data
):
    # PostgreSQL cannot store NUL in text or jsonb: without this refusal it answers 500.
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(ticket, "assign", actor=cast["town"], comment=comment, data=data)
    assert refused.value.code == "invalid" and refused.value.allowed == ["assign"]
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REPORTED
    assert not Transition.objects.exists()
    assert not AuditLog.objects.filter(action="transition").exists()


def test_a_comment_longer_than_the_limit_is_refused_for_every_workflow(cast, ticket):
    with pytest.raises(TransitionRefused) as refused:
        apply_transition(
            ticket, "assign", actor=cast["town"], comment="长" * 2001, data={"due_at": due_in(5)}
        )
    assert refused.value.code == "invalid"
    assert not Transition.objects.exists()
    record = apply_transition(
        ticket, "assign", actor=cast["town"], comment="长" * 2000, data={"due_at": due_in(5)}
    )
    assert len(record.comment) == 2000


def test_the_state_cannot_be_written_directly(ticket):
    with pytest.raises(ProtectedStateError):
        ticket.state = TicketState.CLOSED
    with pytest.raises(ProtectedStateError):
        Ticket.objects.filter(pk=ticket.pk).update(state=TicketState.CLOSED)
    with pytest.raises(ProtectedStateError):
        Ticket.objects.create(
            title="x", town=ticket.town, enterprise_code=CODE_A, state=TicketState.CLOSED
        )
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REPORTED


def test_allowed_actions_for_a_page_of_rows_is_one_query(cast, django_assert_num_queries):
    from anjian.accounts.access import grants_for

    rows = [
        Ticket.objects.create(title=f"t{i}", town=cast["town_a"], enterprise_code=CODE_A)
        for i in range(20)
    ]
    grants_for(cast["town"])  # the grants are computed once per user object
    with django_assert_num_queries(1):
        allowed = allowed_actions_for_rows(rows, cast["town"])
    assert set(map(tuple, allowed.values())) == {("assign",)}
    assert allowed_actions_for_rows(rows, cast["other_town"]) == {r.pk: [] for r in rows}


def test_awaiting_my_action_follows_the_same_rules(cast, ticket):
    assert [(i.object_id, i.state) for i in awaiting(cast["town"])] == [(ticket.pk, "reported")]
    assert awaiting(cast["enterprise"]) == []
    assert awaiting(cast["city"]) == []  # cancelling is a power, not a pending task
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    assert awaiting_count(cast["town"]) == 0
    assert awaiting_count(cast["enterprise"]) == 1


def test_the_api_takes_and_lists_transitions_and_refuses_with_409(cast, ticket):
    client = Client()
    client.force_login(cast["town"])
    url = f"/api/v1/lifecycle-tickets/{ticket.pk}/transitions"
    answer = client.post(url, {"action": "verify"}, content_type="application/json")
    assert answer.status_code == 409
    assert answer.json()["code"] == "wrong_state" and answer.json()["allowed"] == ["assign"]
    assert answer.json()["detail"]
    answer = client.post(
        url,
        {"action": "assign", "comment": "限期整改", "data": {"due_at": due_in(5)}},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    history = client.get(url).json()
    assert history["state"] == "rectifying" and history["allowed"] == []
    assert [i["action"] for i in history["items"]] == ["assign"]
    other = Client()
    other.force_login(cast["other_town"])
    assert other.get(url).status_code == 404


def test_the_api_links_files_uploaded_first(cast, ticket):
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    client = Client()
    client.force_login(cast["enterprise"])
    upload = client.post(
        f"/api/v1/attachments/lifecycle_app.ticket/{ticket.pk}", {"file": jpeg("整改后.jpg")}
    )
    assert upload.status_code == 201, upload.content
    answer = client.post(
        f"/api/v1/lifecycle-tickets/{ticket.pk}/transitions",
        {"action": "submit", "attachments": [upload.json()["id"]]},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    assert Attachment.objects.get().transition_id == answer.json()["id"]


def test_the_page_shows_a_refusal_in_the_users_language(cast, ticket):
    client = Client()
    client.force_login(cast["town"])
    url = f"/workflow/lifecycle_app.ticket/{ticket.pk}/transition/"
    answer = client.post(url, {"action": "verify", "next": "/inbox/"}, follow=True)
    assert "当前状态下不能执行此操作" in answer.content.decode()
    client.cookies["django_language"] = "en"
    answer = client.post(url, {"action": "verify", "next": "/inbox/"}, follow=True)
    assert "cannot be taken in the current state" in answer.content.decode()
    history = client.get(f"/workflow/lifecycle_app.ticket/{ticket.pk}/history/")
    assert history.status_code == 200


def test_the_diagram_is_generated_from_the_declaration():
    text = mermaid(Ticket.workflow)
    assert text.startswith("stateDiagram-v2")
    assert "reported --> rectifying: assign" in text


def test_the_worked_example_in_the_docs_is_the_generated_diagram():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "platform.md").read_text()
    assert mermaid(Ticket.workflow) in docs


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_two_users_acting_at_once_one_wins_the_other_is_refused(cast, ticket):
    apply_transition(ticket, "assign", actor=cast["town"], data={"due_at": due_in(5)})
    apply_transition(ticket, "submit", actor=cast["enterprise"], attachments=[jpeg()])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(action: str, comment: str) -> None:
        try:
            copy = Ticket.objects.get(pk=ticket.pk)
            barrier.wait()
            apply_transition(copy, action, actor=cast["town"], comment=comment)
            outcomes.append("won")
        except TransitionRefused as refused:
            outcomes.append(refused.code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("verify", "")),
        threading.Thread(target=act, args=("send_back", "再整改")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["won", "wrong_state"]
    assert Transition.objects.filter(action__in=["verify", "send_back"]).count() == 1
    assert connection.vendor == "postgresql"


def test_the_committed_workflow_pages_match_their_declarations(tmp_path):
    from pathlib import Path

    from anjian.core.workflow.diagram import document, write_documents

    docs = Path(__file__).resolve().parents[3] / "docs" / "workflows"
    assert write_documents(docs, check=True) == []
    # The generator itself, on the tests' own workflow (which the site's pages leave out).
    assert "```mermaid\nstateDiagram-v2" in document(Ticket.workflow)
    assert "| `assign` | 下达整改 | reported | rectifying | The ticket's town" in document(
        Ticket.workflow
    )


def test_the_home_page_and_dashboard_show_what_awaits_my_action(cast, ticket):
    client = Client()
    client.force_login(cast["town"])
    panels = {p["key"]: p for p in client.get("/api/v1/dashboard").json()["panels"]}
    assert panels["awaiting"]["data"]["count"] == 1
    assert panels["awaiting"]["data"]["items"][0]["id"] == ticket.pk
    page = client.get("/").content.decode()
    assert 'data-testid="figure-awaiting">1<' in page
    client.force_login(cast["enterprise"])
    panels = {p["key"]: p for p in client.get("/api/v1/dashboard").json()["panels"]}
    assert panels["awaiting"]["data"]["count"] == 0


def test_a_transition_by_the_system_shows_the_system_in_the_history() -> None:
    """A deadline's escalation has no actor: the history names the system (it raised before)."""
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    transition = SimpleNamespace(
        action_label="上报", source_label="甲", target_label="乙", actor=None, at=None, comment=""
    )
    html = render_to_string("core/_transition_history.html", {"transitions": [transition]})
    assert "系统" in html
