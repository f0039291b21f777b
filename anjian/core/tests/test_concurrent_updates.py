"""Every update service, many writers at once on PostgreSQL: no lost update, the audit matches.

The machinery and how an app joins are in :mod:`anjian.core.concurrency_testing`.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from django.apps import apps
from django.db import connection

from anjian.core.concurrency_testing import discover, run_at_once

CASES = discover()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_concurrent_writers_lose_nothing_and_the_audit_matches(case, committed_reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; the in-memory test SQLite has table locks")
    state = case.prepare()
    errors = run_at_once(case.writers(state))
    findings = case.check(state, errors)
    assert findings == [], "\n".join(findings)


def _editing_services() -> set[str]:
    """Every function of an app's ``services`` module that changes rows through ``editing``."""
    found: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and "editing(" in inspect.getsource(function):
                found.add(f"{module.__name__}.{name}")
    return found


def test_every_update_service_has_a_concurrency_case():
    covered = {service for case in CASES for service in case.services}
    missing = _editing_services() - covered
    assert not missing, f"update services without a case in tests/update_cases.py: {missing}"


# Service functions that save a row without ``editing``, each with the reason it loses nothing.
# Creations (``create_*``, ``add_*``) write new rows and are not listed.
SAVES_WITHOUT_EDITING = {
    "anjian.accounts.services.change_password": "writes the new password fields only, reads none",
    "anjian.accounts.services.reset_password": "writes the issued password fields only, reads none",
    "anjian.accounts.services.enable_totp": "writes the new secret's fields only (update_fields)",
    "anjian.accounts.services.disable_totp": "clears the secret's fields only (update_fields)",
    "anjian.core.services.mark_read": "sets read_at only; two readers at once both mean read",
    "anjian.monitoring.services.raise_alarm": "creates the alarm; a unique constraint keeps one",
}


def test_services_that_save_existing_rows_use_editing():
    """A new update service must go through ``editing`` (and so join the cases above)."""
    unlisted = []
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError:
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith(("create_", "add_")):
                continue
            source = inspect.getsource(function)
            dotted = f"{module.__name__}.{name}"
            saves = ".save(" in source and "editing(" not in source
            if saves and dotted not in SAVES_WITHOUT_EDITING:
                unlisted.append(dotted)
    assert not unlisted, f"save existing rows through anjian.core.updating.editing: {unlisted}"
