"""Home-page panels: deaths against quota by town and industry, open investigations and their
deadlines. Figures follow the user's scope (see :mod:`anjian.accidents.queries`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anjian.accidents.choices import InvestigationState, QuotaKind
from anjian.accidents.models import Accident
from anjian.accidents.queries import quota_rows, this_year
from anjian.core import deadlines
from anjian.core.lifecycle_models import Deadline


def quota_panel(user: Any) -> dict[str, Any] | None:
    year = this_year()
    rows = quota_rows(user, year)
    if not rows:
        return None
    url = reverse("accidents:quotas") + f"?year={year}"
    return {
        "year": year,
        "url": url,
        "rows": [
            {
                "kind": row.quota.kind,
                "label": row.label,
                "allowed": row.quota.deaths_allowed,
                "accidents": row.accidents,
                "deaths": row.deaths,
                "percent": row.percent,
                "level": row.level,
            }
            for row in rows
        ],
        "kinds": {
            QuotaKind.TOWN: str(QuotaKind.TOWN.label),
            QuotaKind.INDUSTRY: str(QuotaKind.INDUSTRY.label),
        },
    }


def investigations_panel(user: Any) -> dict[str, Any] | None:
    accidents = Accident.objects.visible_to(user)
    open_rows = accidents.exclude(state=InvestigationState.CLOSED)
    total = open_rows.count()
    if not accidents.exists():
        return None
    figures = deadlines.counts(user, model=Accident, kind="investigation")
    due = (
        Deadline.objects.visible_to(user)
        .open()
        .filter(kind="investigation", object_id__in=open_rows.values("pk"))
        .filter(content_type__app_label="accidents")
        .order_by("due_at")[:5]
    )
    by_id = accidents.in_bulk([d.object_id for d in due])
    items = [
        {
            "label": str(by_id[d.object_id]),
            "due_at": d.due_at.isoformat(),
            "url": by_id[d.object_id].get_absolute_url(),
        }
        for d in due
        if d.object_id in by_id
    ]
    return {
        "open": total,
        "overdue": figures["overdue"],
        "due_soon": figures["due_soon"],
        "url": reverse("accidents:list") + "?open=1",
        "items": items,
        "title": _("最近到期"),
    }
