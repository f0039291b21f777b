"""Reads of the registry that grow beyond a filter: change history, map points, counts."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from anjian.core.models import AuditLog
from anjian.enterprises.models import Enterprise, EnterpriseQuerySet

__all__ = ["change_history", "map_points", "status_counts"]


def change_history(enterprise: Enterprise, limit: int = 50) -> list[AuditLog]:
    """The audit records of one enterprise, newest first.

    Read straight from the audit log (its own scope is the auditor's): whoever may see the
    enterprise may see how it changed; the caller has already checked that.
    """
    return list(
        AuditLog.objects.filter(
            object_type=Enterprise._meta.label_lower, object_id=str(enterprise.pk)
        ).order_by("-seq")[:limit]
    )


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
