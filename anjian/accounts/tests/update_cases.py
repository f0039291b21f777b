"""Accounts' update services in the concurrency test (:mod:`anjian.core.concurrency_testing`)."""

from __future__ import annotations

import uuid
from typing import Any

from anjian.accounts import services
from anjian.accounts.choices import Role
from anjian.accounts.models import ApiToken, User
from anjian.core.concurrency_testing import UpdateCase, audit_chain_findings
from anjian.orgs.models import CITY_CODE
from conftest import make_user


def _prepare() -> dict[str, Any]:
    admin = make_user(f"admin-{uuid.uuid4().hex[:8]}", (Role.ADMIN, CITY_CODE))
    target = make_user(f"user-{uuid.uuid4().hex[:8]}")
    token, _plain = services.create_token(target, actor=target)
    return {"admin": admin.pk, "target": target.pk, "token": token.pk}


def _active_writers(state: dict[str, Any]) -> list[Any]:
    def write(active: bool) -> None:
        services.set_active(
            User.objects.get(pk=state["target"]),
            active,
            actor=User.objects.get(pk=state["admin"]),
        )

    return [lambda n=n: write(n % 2 == 1) for n in range(10)]


def _active_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    target = User.objects.get(pk=state["target"])
    return [f"writer failed: {e!r}" for e in errors] + audit_chain_findings(
        target, initial={"is_active": True}, final={"is_active": target.is_active}
    )


def _revoke_writers(state: dict[str, Any]) -> list[Any]:
    def revoke() -> None:
        services.revoke_token(
            ApiToken.objects.get(pk=state["token"]), actor=User.objects.get(pk=state["target"])
        )

    return [revoke for _ in range(10)]


def _revoke_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    token = ApiToken.objects.get(pk=state["token"])
    return [f"writer failed: {e!r}" for e in errors] + audit_chain_findings(
        token,
        initial={"revoked_at": None},
        final={"revoked_at": token.revoked_at},
        actions=("token_revoke",),
        expected=1,
    )


CASES = [
    UpdateCase(
        "user: 10 administrators disabling and enabling at once",
        ("anjian.accounts.services.set_active",),
        _prepare,
        _active_writers,
        _active_check,
    ),
    UpdateCase(
        "token: revoked 10 times at once, audited once",
        ("anjian.accounts.services.revoke_token",),
        _prepare,
        _revoke_writers,
        _revoke_check,
    ),
]
