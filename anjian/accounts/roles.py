"""Who may grant which role, and which roles one account may hold together (三权分立).

One rule, asked by every path that grants or withdraws a role: the user pages, the user
import, and any later API, all through :mod:`anjian.accounts.services`.

- Nobody grants or withdraws a role of their own account.
- The system administrator grants every role; the city office grants the business roles
  (:data:`~anjian.accounts.access.BUSINESS_ROLES`); no other role grants anything.
- The separated roles (system administrator, auditor) are each held by people of their own:
  an account holding one of them holds no other role, and an account holding any role cannot
  be given one of them. So the administrator never reads the audit log nor the registry, and
  the auditor never changes what it audits.

A security officer role (安全保密管理员), should one be added, joins :data:`SEPARATED_ROLES`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from anjian.accounts.access import BUSINESS_ROLES, Grants
from anjian.accounts.choices import Role

__all__ = ["GRANTABLE_BY", "SEPARATED_ROLES", "grant_refusal", "grantable_roles"]

# Roles each held by separate people: never together, never with a business role.
SEPARATED_ROLES: frozenset[str] = frozenset({Role.ADMIN, Role.AUDITOR})

# Granter's role → the roles it may grant (and withdraw).
GRANTABLE_BY: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.CITY: BUSINESS_ROLES,
}


def grantable_roles(granter: Grants) -> frozenset[str]:
    """Every role ``granter`` may grant to someone else."""
    allowed: frozenset[str] = frozenset()
    for role in granter.roles:
        allowed |= GRANTABLE_BY.get(role, frozenset())
    return allowed


def grant_refusal(
    granter: Grants, target_id: int | None, held: Iterable[str], role: str
) -> str | None:
    """Why ``granter`` may not give ``role`` to the account ``target_id`` that holds ``held``
    (``target_id`` is ``None`` for an account being created); ``None`` when it may.

    Withdrawing asks the same question with ``held`` empty: who may grant a role may take it
    back, and nobody touches their own roles.
    """
    if role not in Role.values:
        return _("未知角色：%(role)s") % {"role": role}
    if target_id is not None and target_id == granter.user_id:
        return _("不能为自己授予或撤销角色。")
    if role not in grantable_roles(granter):
        if role in SEPARATED_ROLES:
            return _("仅系统管理员可授予审计员或系统管理员角色。")
        return _("无权授予“%(role)s”角色。") % {"role": Role(role).label}
    others = {r for r in held if r != role}
    if others and (role in SEPARATED_ROLES or others & SEPARATED_ROLES):
        return _("系统管理员、审计员须由专人担任，不能与其他角色兼任（三权分立）。")
    return None
