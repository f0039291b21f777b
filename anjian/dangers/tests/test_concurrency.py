"""Two verifiers closing out the same danger at once (PostgreSQL): one succeeds, the other is
refused with ``wrong_state``; one transition, one audit record, one closed deadline."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from anjian.core.concurrency_testing import run_at_once
from anjian.core.lifecycle_models import Deadline, Transition
from anjian.core.models import AuditLog
from anjian.core.workflow import TransitionRefused, apply_transition
from anjian.dangers.choices import DangerState
from anjian.dangers.models import HiddenDanger
from anjian.dangers.tests.conftest import photo, report

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]


def test_concurrent_close_out_applies_once(committed_reference_data: Any, request: Any) -> None:
    works = request.getfixturevalue("works")
    people = request.getfixturevalue("people")
    danger = report(works, people["enterprise"])
    apply_transition(danger, "assess", actor=people["town"])
    apply_transition(danger, "start_rectification", actor=people["enterprise"])
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    verifiers = [people["town"], people["department"], people["city"], people["town"]]

    def close(user: Any) -> Any:
        return lambda: apply_transition(
            HiddenDanger.objects.get(pk=danger.pk), "close_out", actor=user
        )

    errors = run_at_once([close(user) for user in verifiers])
    assert len(errors) == len(verifiers) - 1
    assert all(isinstance(e, TransitionRefused) and e.code == "wrong_state" for e in errors)
    assert HiddenDanger.objects.get(pk=danger.pk).state == DangerState.CLOSED_OUT
    assert Transition.objects.of(danger).filter(action="close_out").count() == 1
    assert AuditLog.objects.filter(action="transition", detail="close_out").count() == 1
    assert Deadline.objects.of(danger).filter(closed_reason="met").count() == 1
