"""The navigation, built from what the signed-in user may do.

Core keeps the registry; each app registers its own entries from its ``AppConfig.ready``
(:func:`register`), so core never imports the apps whose pages it lists. An entry names the
roles it is for (``None``: every signed-in user) and its place in the menu (``order``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from anjian.core.roles import Role
from anjian.core.scoping import grants_of

__all__ = ["OFFICIALS", "NavItem", "entries", "menu_for", "register"]

# The officials' roles: most pages of the registry and the organisation are for them.
OFFICIALS = frozenset({Role.CITY, Role.DEPARTMENT, Role.TOWN, Role.GRID, Role.ENFORCEMENT})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str] | None = None
    order: int = 500  # the menu runs in this order; apps leave gaps for later entries

    def allows(self, roles: frozenset[str]) -> bool:
        return self.roles is None or bool(self.roles & roles)


_MENU: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Add (or replace, by URL name) menu entries; called from an app's ``ready``."""
    for item in items:
        _MENU[item.url_name] = item


def entries() -> list[NavItem]:
    """Every registered entry, in menu order."""
    return sorted(_MENU.values(), key=lambda item: (item.order, item.url_name))


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The menu entries the user may see, each marked active when it matches the path."""
    if not user.is_authenticated:
        return []
    roles = grants_of(user).roles
    menu = []
    for item in entries():
        if not item.allows(roles):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        menu.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return menu
