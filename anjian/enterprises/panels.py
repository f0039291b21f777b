"""The detail page's panels: each module adds one with :func:`register_panel`.

A panel has a template (rendered with the enterprise, the user and whatever its ``context``
function returns) and an order; the page shows them in order. Later modules (risks, dangers,
installations, …) register theirs from their ``apps.py`` ``ready``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["PANELS", "Panel", "register_panel"]


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    template: str
    order: int
    context: Callable[[Any, Any], dict[str, Any]] = field(default=lambda _e, _u: {})


PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    """Add (or replace, by key) a panel of the enterprise detail page."""
    PANELS[panel.key] = panel


def _licences(enterprise: Any, user: Any) -> dict[str, Any]:
    """Licences, expired and expiring ones marked; add/edit links for those who may edit."""
    from anjian.enterprises.models import Enterprise

    editable = Enterprise.objects.editable_by(user).filter(pk=enterprise.pk).exists()
    return {"licences": list(enterprise.licences.all()), "editable": editable}


def _requests(enterprise: Any, _user: Any) -> dict[str, Any]:
    from anjian.enterprises.queries import change_rows

    return {"change_requests": change_rows(enterprise.change_requests.all()[:10])}


def _history(enterprise: Any, _user: Any) -> dict[str, Any]:
    from anjian.enterprises.queries import change_history

    return {"history": change_history(enterprise)}


register_panel(
    Panel("licences", _("证照与资质"), "enterprises/panels/licences.html", 20, _licences)
)
register_panel(
    Panel(
        "change_requests",
        _("信息变更申请"),
        "enterprises/panels/change_requests.html",
        80,
        _requests,
    )
)
register_panel(Panel("history", _("变更记录"), "enterprises/panels/history.html", 90, _history))
