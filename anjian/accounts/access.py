"""What a user's roles grant: the jurisdictions every scoped query is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from anjian.accounts.choices import Role

# Roles that read and change business data (enterprises, dangers, …). The auditor and the
# system administrator are kept apart from it (三权分立).
BUSINESS_ROLES = frozenset(
    {
        Role.CITY,
        Role.DEPARTMENT,
        Role.TOWN,
        Role.GRID,
        Role.ENFORCEMENT,
        Role.ENTERPRISE,
        Role.EXPERT,
    }
)


@dataclass(frozen=True)
class Grants:
    """The user's active roles and the jurisdiction codes each kind of role covers."""

    user_id: int
    roles: frozenset[str]
    towns: frozenset[str] = field(default_factory=frozenset)
    departments: frozenset[str] = field(default_factory=frozenset)
    grids: frozenset[str] = field(default_factory=frozenset)
    enterprises: frozenset[str] = field(default_factory=frozenset)

    @property
    def city_wide(self) -> bool:
        """The city office sees everything in the city."""
        return Role.CITY in self.roles

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


def active_assignments_q(today: Any = None) -> Q:
    """Assignments in force today (an expert's assignment has a period)."""
    today = today or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


def grants_for(user: Any) -> Grants:
    """The grants of ``user``, computed once per user object (one query)."""
    cached: Grants | None = getattr(user, "_anjian_grants", None)
    if cached is not None:
        return cached
    rows = user.role_assignments.filter(active_assignments_q()).values_list(
        "role", "jurisdiction_kind", "jurisdiction_code"
    )
    roles: set[str] = set()
    codes: dict[str, set[str]] = {
        "town": set(),
        "department": set(),
        "grid": set(),
        "enterprise": set(),
    }
    for role, kind, code in rows:
        roles.add(role)
        if kind in codes:
            codes[kind].add(code)
    grants = Grants(
        user_id=user.pk,
        roles=frozenset(roles),
        towns=frozenset(codes["town"]),
        departments=frozenset(codes["department"]),
        grids=frozenset(codes["grid"]),
        enterprises=frozenset(codes["enterprise"]),
    )
    user._anjian_grants = grants
    return grants
