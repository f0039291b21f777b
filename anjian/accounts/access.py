"""What a user's roles grant: the jurisdictions every scoped query is built from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, Subquery
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
    # Primary keys of ``towns`` (same query): a scope on ``town_id`` lets the planner walk
    # the (town, status, name) index in list order instead of joining the town table.
    town_ids: frozenset[int] = field(default_factory=frozenset)
    # Credit codes, kept apart by role: an enterprise user's own enterprise (read and written)
    # and an expert's assigned ones (read only). A user holding both roles must not write
    # the expert's enterprises through the enterprise role.
    own_enterprises: frozenset[str] = field(default_factory=frozenset)
    assigned_enterprises: frozenset[str] = field(default_factory=frozenset)

    @property
    def enterprises(self) -> frozenset[str]:
        """Every enterprise the user's enterprise-level roles cover, for reading."""
        return self.own_enterprises | self.assigned_enterprises

    @property
    def city_wide(self) -> bool:
        """The city office sees everything in the city."""
        return Role.CITY in self.roles

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


# An active assignment as the grants are built from it: role, jurisdiction kind and code, and
# the town's id when the jurisdiction is a town.
AssignmentRow = tuple[str, str, str, int | None]


def active_assignments_q(today: Any = None, prefix: str = "") -> Q:
    """Assignments in force today (an expert's assignment has a period); ``prefix``: the path
    to the assignment when the query starts elsewhere (``"user__role_assignments__"``)."""
    today = today or timezone.localdate()
    return (
        Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": today})
    ) & (Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today}))


def town_id_of_jurisdiction() -> Subquery:
    """The id of the town whose code is the assignment's jurisdiction code (else NULL)."""
    from anjian.orgs.models import Town

    return Subquery(Town.objects.filter(code=OuterRef("jurisdiction_code")).values("id")[:1])


def grants_for(user: Any, rows: Iterable[AssignmentRow] | None = None) -> Grants:
    """The grants of ``user``, computed once per user object (one query).

    ``rows``: the user's active assignments as (role, kind, code, town id), when the caller
    already fetched them in its own query (the API token check does, see
    :func:`anjian.accounts.security.user_for_token`).
    """
    cached: Grants | None = getattr(user, "_anjian_grants", None)
    if cached is not None:
        return cached
    if rows is None:
        rows = (
            user.role_assignments.filter(active_assignments_q())
            .annotate(town_id=town_id_of_jurisdiction())
            .values_list("role", "jurisdiction_kind", "jurisdiction_code", "town_id")
        )
    town_ids: set[int] = set()
    roles: set[str] = set()
    codes: dict[str, set[str]] = {
        "town": set(),
        "department": set(),
        "grid": set(),
        "enterprise": set(),
        "assigned": set(),
    }
    for role, kind, code, town_id in rows:
        roles.add(role)
        if kind == "town" and town_id is not None:
            town_ids.add(town_id)
        if kind == "enterprise" and role != Role.ENTERPRISE:
            kind = "assigned"  # an expert's assignment: read, never written
        if kind in codes:
            codes[kind].add(code)
    grants = Grants(
        user_id=user.pk,
        roles=frozenset(roles),
        towns=frozenset(codes["town"]),
        departments=frozenset(codes["department"]),
        grids=frozenset(codes["grid"]),
        town_ids=frozenset(town_ids),
        own_enterprises=frozenset(codes["enterprise"]),
        assigned_enterprises=frozenset(codes["assigned"]),
    )
    user._anjian_grants = grants
    return grants
