"""Who hears of a hidden danger: the enterprise, its town, its supervising departments, the
city office (the escalation ladder of ``HiddenDanger.deadlines``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from anjian.accounts.access import active_assignments_q
from anjian.accounts.models import RoleAssignment, User
from anjian.core.roles import JurisdictionKind, Role
from anjian.orgs.models import CITY_CODE

__all__ = ["city", "departments", "enterprise", "listing_unit", "town"]


def _holders(role: str, kind: str, codes: list[str]) -> QuerySet[User]:
    assignments = RoleAssignment.objects.filter(
        active_assignments_q(), role=role, jurisdiction_kind=kind, jurisdiction_code__in=codes
    )
    return User.objects.filter(is_active=True, pk__in=assignments.values("user_id")).order_by("pk")


def _danger(obj: Any) -> Any:
    return getattr(obj, "danger", obj)


def enterprise(obj: Any) -> QuerySet[User]:
    """The enterprise's own safety managers."""
    return _holders(
        Role.ENTERPRISE, JurisdictionKind.ENTERPRISE, [_danger(obj).enterprise.credit_code]
    )


def town(obj: Any) -> QuerySet[User]:
    """The officials of the danger's town (属地)."""
    return _holders(Role.TOWN, JurisdictionKind.TOWN, [_danger(obj).town.code])


def departments(obj: Any) -> QuerySet[User]:
    """The officials of the departments supervising the enterprise (行业)."""
    codes = list(_danger(obj).enterprise.departments.values_list("code", flat=True))
    return _holders(Role.DEPARTMENT, JurisdictionKind.DEPARTMENT, codes)


def city(obj: Any) -> QuerySet[User]:
    """The city office."""
    return _holders(Role.CITY, JurisdictionKind.CITY, [CITY_CODE])


def listing_unit(listing: Any) -> QuerySet[User]:
    """The unit that listed a danger for supervision."""
    if listing.level == "town" and listing.listing_town_id:
        return _holders(Role.TOWN, JurisdictionKind.TOWN, [listing.listing_town.code])
    return city(listing)
