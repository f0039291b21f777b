"""The navigation, built from what the signed-in user may do.

Core keeps the registry; each app registers its own entries from its ``AppConfig.ready``
(:func:`register`), so core never imports the apps whose pages it lists. An entry names the
roles it is for (``None``: every signed-in user) and its place in the menu (``order``). The same
entries decide who may open the pages behind them (:func:`page_of`): a role that is not shown
an entry gets 404 there, so menu and access never disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise

from anjian.core.roles import Role
from anjian.core.scoping import grants_of

__all__ = [
    "OFFICIALS",
    "NavItem",
    "entries",
    "entry_roles",
    "may_open",
    "menu_for",
    "page_of",
    "register",
]

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


_View = TypeVar("_View", bound=Callable[..., HttpResponse])


def entry_roles(url_name: str) -> frozenset[str] | None:
    """The roles of the navigation entry ``url_name`` (``None``: every signed-in user)."""
    item = _MENU.get(url_name)
    if item is None:
        raise LookupError(f"no navigation entry {url_name!r}")
    return item.roles


def may_open(user: Any, url_name: str) -> bool:
    """True when the user is shown the navigation entry ``url_name``."""
    roles = entry_roles(url_name)
    return roles is None or bool(roles & grants_of(user).roles)


def page_of(url_name: str) -> Callable[[_View], _View]:
    """Declare a view a page of the navigation entry ``url_name``: whoever is not shown that
    entry gets 404, as for an object out of scope (the page's existence tells nothing). Put it
    under ``login_required``, which sends the anonymous to the sign-in page first."""

    def decorate(view: _View) -> _View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may_open(request.user, url_name):
                raise Http404
            return view(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
