"""The grids' update services in the concurrency test (:mod:`anjian.core.concurrency_testing`).

Writers are a town's officers acting on one grid of their town at the same moment.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError

from anjian.accounts.choices import Role
from anjian.accounts.models import User
from anjian.core import audit
from anjian.core.concurrency_testing import UpdateCase, audit_chain_findings
from anjian.core.models import AuditLog
from anjian.orgs import services
from anjian.orgs.models import Grid, Town
from conftest import make_user

NAMES = [f"并发改名网格{n}" for n in range(10)]


def _prepare() -> dict[str, Any]:
    town = Town.objects.order_by("code").first()
    assert town is not None
    suffix = uuid.uuid4().hex[:8]
    officer = make_user(f"town-{suffix}", (Role.TOWN, town.code))
    grid = Grid.objects.create(code=f"C-{suffix}", name=f"并发测试网格{suffix}", town=town)
    return {"officer": officer.pk, "grid": grid.pk, "initial": audit.snapshot(grid)}


def _rename_writers(state: dict[str, Any]) -> list[Any]:
    def rename(name: str) -> None:
        services.update_grid(
            Grid.objects.get(pk=state["grid"]),
            actor=User.objects.get(pk=state["officer"]),
            name=name,
        )

    return [lambda name=name: rename(name) for name in NAMES]


def _rename_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    """Ten different names: ten renames audited in a chain, the last one's name is kept."""
    findings = [f"writer failed: {error!r}" for error in errors]
    grid = Grid.objects.get(pk=state["grid"])
    findings += audit_chain_findings(
        grid, initial=state["initial"], final=audit.snapshot(grid), expected=len(NAMES)
    )
    last = AuditLog.objects.filter(
        object_type="orgs.grid", object_id=str(grid.pk), action="update"
    ).latest("seq")
    if grid.name != (last.after or {}).get("name"):
        findings.append("the name is not the one the last audit record wrote")
    return findings


def _retire_writers(state: dict[str, Any]) -> list[Any]:
    def retire() -> None:
        services.retire_grid(
            Grid.objects.get(pk=state["grid"]), actor=User.objects.get(pk=state["officer"])
        )

    return [retire for _ in range(10)]


def _retire_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    """Ten officers retiring at once: one retires it, nine are told it is retired; audited once."""
    findings = []
    if len(errors) != 9 or not all(isinstance(e, ValidationError) for e in errors):
        findings.append(f"expected 9 refusals, got {errors!r}")
    grid = Grid.objects.get(pk=state["grid"])
    if grid.retired_at is None:
        findings.append("the grid is not retired")
    return findings + audit_chain_findings(
        grid,
        initial=state["initial"],
        final=audit.snapshot(grid),
        actions=("retire",),
        expected=1,
    )


CASES = [
    UpdateCase(
        "grid: renamed 10 times at once to 10 names",
        ("anjian.orgs.services.update_grid",),
        _prepare,
        _rename_writers,
        _rename_check,
    ),
    UpdateCase(
        "grid: retired 10 times at once, audited once",
        ("anjian.orgs.services.retire_grid",),
        _prepare,
        _retire_writers,
        _retire_check,
    ),
]
