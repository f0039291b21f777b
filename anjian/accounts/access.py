"""What a user's roles grant: the jurisdictions every scoped query is built from.

:class:`Grants` itself is core's (:mod:`anjian.core.roles`); this module builds it from the
user's role assignments.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from anjian.core.roles import Grants, Role

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
