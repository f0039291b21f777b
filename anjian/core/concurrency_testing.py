"""The machinery of the concurrency test (``anjian/core/tests/test_concurrent_updates.py``).

Every update service (a function that changes an existing row through
:func:`anjian.core.updating.editing`) joins a test that runs many writers at once, each in its
own thread with its own database connection, and then proves two things:

- **no lost update**: every writer's change is in the row afterwards (writers of different
  fields), or the row holds the last writer's value (writers of one field);
- **the audit trail matches**: the object's audit records, in chain order, each start where the
  previous one ended (``before`` of one equals ``after`` of the one before), from the state
  before the first writer to the state after the last, so no record claims a "before" that
  another writer had already overwritten.

PostgreSQL only: row locks are what is tested (the test SQLite is an in-memory database whose
table locks serialise writers anyway).

How an app joins: create ``anjian/<app>/tests/update_cases.py`` with ``CASES``, a list of
:class:`UpdateCase`. A case's ``prepare()`` creates its objects (committed: the test is
transactional) and returns whatever its ``writers`` and ``check`` need; ``writers(state)`` gives
one callable per writer; ``check(state, errors)`` returns findings (empty: the case holds).
The test also fails when a service function uses ``editing`` and no case names it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connections, models

from anjian.core.audit import _jsonable
from anjian.core.models import AuditLog

__all__ = ["UpdateCase", "audit_chain_findings", "discover", "run_at_once"]


@dataclass(frozen=True)
class UpdateCase:
    """Many writers of one update service at once; see the module's docstring."""

    name: str
    services: tuple[str, ...]
    prepare: Callable[[], Any]
    writers: Callable[[Any], list[Callable[[], Any]]]
    check: Callable[[Any, list[BaseException]], list[str]]

    def __str__(self) -> str:
        return self.name


def discover() -> list[UpdateCase]:
    """The cases of every installed Anjian app (``anjian.<app>.tests.update_cases.CASES``)."""
    cases: list[UpdateCase] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.update_cases")
        except ModuleNotFoundError as error:
            if error.name not in {f"{config.name}.tests.update_cases", f"{config.name}.tests"}:
                raise
            continue
        cases.extend(module.CASES)
    return cases


def run_at_once(writers: Iterable[Callable[[], Any]]) -> list[BaseException]:
    """Run each writer in its own thread (and so its own connection), released together by a
    barrier; returns the exceptions they raised (the threads' connections are closed)."""
    writers = list(writers)
    barrier = threading.Barrier(len(writers))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(writer: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            writer()
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def audit_chain_findings(
    obj: models.Model,
    *,
    initial: dict[str, Any],
    final: dict[str, Any],
    actions: tuple[str, ...] = ("update",),
    expected: int | None = None,
) -> list[str]:
    """Findings where ``obj``'s audit records (of ``actions``, in chain order) do not lead
    from ``initial`` to ``final`` one after the other (or are not ``expected`` in number)."""
    records = list(
        AuditLog.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action__in=actions
        )
        .order_by("seq")
        .values_list("seq", "before", "after")
    )
    findings: list[str] = []
    if expected is not None and len(records) != expected:
        findings.append(f"{len(records)} audit records, expected {expected}")
    state = _jsonable(initial)
    for seq, before, after in records:
        if before != state:
            before = before or {}
            changed = sorted(k for k in {*before, *state} if before.get(k) != state.get(k))
            findings.append(f"record #{seq} claims a 'before' that was not the state: {changed}")
        state = after
    if records and state != _jsonable(final):
        findings.append("the last record's 'after' is not the object's final state")
    return findings
