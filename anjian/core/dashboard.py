"""The home page's panels (the dashboard): each module registers its own, core shows them.

A panel is a scoped set of figures: ``data(user)`` computes them (through ``visible_to``, like
every other read) and returns a JSON-ready dict, or ``None`` when the panel has nothing for
this user. The same dict is rendered on the home page by the panel's ``template`` and served
at ``GET /api/v1/dashboard``, so a large-screen view or another system reads the very figures
the page shows.

Modules register from their ``AppConfig.ready`` (see ``anjian/<app>/shell.py``). The panel
order leaves room: ``AWAITING_ORDER`` is kept for "items awaiting my action", which the
workflow mechanism registers (``register(Panel("awaiting", …, order=AWAITING_ORDER))``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from anjian.core.scoping import grants_of

__all__ = ["AWAITING_ORDER", "Panel", "panels_for", "register"]

# Reserved place, first after the user's own roles: what waits for the user's action comes
# before any figure about the city.
AWAITING_ORDER = 10


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    data: Callable[[Any], dict[str, Any] | None]
    template: str
    order: int = 500
    roles: frozenset[str] | None = None  # None: every signed-in user

    def allows(self, roles: frozenset[str]) -> bool:
        return self.roles is None or bool(self.roles & roles)


_PANELS: dict[str, Panel] = {}


def register(panel: Panel) -> None:
    """Add (or replace, by key) a home-page panel; called from an app's ``ready``."""
    _PANELS[panel.key] = panel


def panels_for(user: Any) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels the user gets, in order, each with its figures."""
    roles = grants_of(user).roles
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        if not panel.allows(roles):
            continue
        data = panel.data(user)
        if data is not None:
            shown.append((panel, data))
    return shown
