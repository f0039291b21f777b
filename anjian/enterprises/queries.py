"""Reads of the registry that grow beyond a filter: change history, map points, counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from anjian.core.models import AuditLog
from anjian.enterprises.models import ChangeRequest, Enterprise, EnterpriseQuerySet

__all__ = [
    "ChangeRow",
    "change_history",
    "change_rows",
    "department_sources",
    "licence_states",
    "map_points",
    "status_counts",
]


def change_history(enterprise: Enterprise, limit: int = 50) -> list[AuditLog]:
    """The audit records of one enterprise and its licences, newest first.

    Read straight from the audit log (its own scope is the auditor's): whoever may see the
    enterprise may see how it changed; the caller has already checked that.
    """
    from anjian.enterprises.models import Licence

    own = Q(object_type=Enterprise._meta.label_lower, object_id=str(enterprise.pk))
    # Its licences' records too (added, changed, removed), found by the enterprise they name.
    licences = Q(object_type=Licence._meta.label_lower) & (
        Q(after__enterprise_id=enterprise.pk) | Q(before__enterprise_id=enterprise.pk)
    )
    return list(AuditLog.objects.filter(own | licences).order_by("-seq")[:limit])


def map_points(queryset: EnterpriseQuerySet) -> list[list[Any]]:
    """[id, lng, lat, name, status] of every located enterprise in a (scoped) queryset."""
    return [
        list(row)
        for row in queryset.filter(longitude__isnull=False).values_list(
            "pk", "longitude", "latitude", "name", "status"
        )
    ]


def status_counts(queryset: EnterpriseQuerySet) -> dict[str, int]:
    """How many enterprises of a (scoped) queryset are in each status."""
    return dict(
        queryset.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )


def department_sources(enterprise: Enterprise) -> list[tuple[Any, str]]:
    """The enterprise's departments, each with where it comes from, and derived ones removed.

    ``derived`` (按行业), ``added`` (手工增加) or ``removed`` (按行业应有、手工排除): the
    industry's departments are computed from the departments' industry lists (DepartmentIndex).
    """
    from anjian.enterprises.services import DepartmentIndex
    from anjian.orgs.models import Department

    derived = set(
        DepartmentIndex().for_industry(enterprise.industry.code, enterprise.industry.section)
    )
    current = {department.pk for department in enterprise.departments.all()}
    rows = []
    for department in Department.objects.filter(pk__in=derived | current):
        if department.pk in current:
            source = "derived" if department.pk in derived else "added"
        else:
            source = "removed"
        rows.append((department, source))
    return rows


def licence_states(enterprise_ids: list[int]) -> dict[int, str]:
    """For a page of enterprises, one query: ``expired`` when any licence has expired, else
    ``expiring`` when any expires within the warning window; enterprises without either are
    left out."""
    from anjian.enterprises.models import Licence, expiry_window

    today, horizon = expiry_window()
    states: dict[int, str] = {}
    rows = Licence.objects.filter(
        enterprise_id__in=enterprise_ids, expires_on__lte=horizon
    ).values_list("enterprise_id", "expires_on")
    for enterprise_id, expires_on in rows:
        if expires_on is not None and expires_on < today:
            states[enterprise_id] = "expired"
        else:
            states.setdefault(enterprise_id, "expiring")
    return states


@dataclass(frozen=True)
class ChangeRow:
    """One field of a change request as a reader sees it: its label, old and new value."""

    label: str
    before: str
    after: str


def change_rows(requests: Iterable[ChangeRequest]) -> list[tuple[ChangeRequest, list[ChangeRow]]]:
    """Each change request with its fields labelled and its values readable (a town by name,
    not by code), the old value being the one recorded with the request."""
    from anjian.orgs.models import Town

    requests = list(requests)
    town_names = dict(Town.objects.values_list("code", "name")) if requests else {}

    def shown(field: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        return town_names.get(value, str(value)) if field == "town" else str(value)

    result = []
    for request in requests:
        rows = []
        for field, value in request.changes.items():
            before = request.previous.get(field)
            label = str(getattr(Enterprise._meta.get_field(field), "verbose_name", field))
            rows.append(ChangeRow(label, shown(field, before), shown(field, value)))
        result.append((request, rows))
    return result
