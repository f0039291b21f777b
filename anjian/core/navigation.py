"""The navigation, built from what the signed-in user may do.

This is the one place that decides which menu entries a user sees: each entry names the roles
it is for (``None``: every signed-in user). Modules add their entries to ``MENU``. The same
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
from django.utils.translation import gettext_lazy as _

from anjian.accounts.access import grants_for
from anjian.accounts.choices import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str] | None = None

    def allows(self, roles: frozenset[str]) -> bool:
        return self.roles is None or bool(self.roles & roles)


OFFICIALS = frozenset({Role.CITY, Role.DEPARTMENT, Role.TOWN, Role.GRID, Role.ENFORCEMENT})

MENU: list[NavItem] = [
    NavItem(_("工作台"), "core:home", "home"),
    NavItem(_("企业档案"), "enterprises:list", "factory", OFFICIALS | {Role.EXPERT}),
    NavItem(_("企业分布图"), "enterprises:map", "pin", OFFICIALS),
    NavItem(_("本企业档案"), "enterprises:mine", "factory", frozenset({Role.ENTERPRISE})),
    NavItem(
        _("企业信息变更审核"),
        "enterprises:change_requests",
        "check",
        frozenset({Role.CITY, Role.TOWN}),
    ),
    NavItem(_("镇街"), "orgs:town_list", "map", OFFICIALS | {Role.ADMIN}),
    NavItem(_("部门与专委会"), "orgs:department_list", "building", OFFICIALS | {Role.ADMIN}),
    NavItem(
        _("网格"),
        "orgs:grid_list",
        "grid",
        frozenset({Role.CITY, Role.TOWN, Role.GRID, Role.ADMIN}),
    ),
    NavItem(
        _("用户管理"),
        "accounts:user_list",
        "people",
        frozenset({Role.CITY, Role.TOWN, Role.ADMIN}),
    ),
    NavItem(_("审计日志"), "core:audit_list", "shield", frozenset({Role.AUDITOR})),
    NavItem(_("工作日历"), "core:calendar", "calendar", frozenset({Role.CITY, Role.ADMIN})),
    NavItem(_("个人设置"), "accounts:profile", "person"),
    NavItem(_("消息"), "core:inbox", "bell"),
    NavItem(_("后台任务"), "core:job_list", "clock"),
]


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    """The menu entries the user may see, each marked active when it matches the path."""
    if not user.is_authenticated:
        return []
    roles = grants_for(user).roles
    entries = []
    for item in MENU:
        if not item.allows(roles):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        entries.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return entries


_View = TypeVar("_View", bound=Callable[..., HttpResponse])


def entry_roles(url_name: str) -> frozenset[str] | None:
    """The roles of the navigation entry ``url_name`` (``None``: every signed-in user)."""
    for item in MENU:
        if item.url_name == url_name:
            return item.roles
    raise LookupError(f"no navigation entry {url_name!r}")


def may_open(user: Any, url_name: str) -> bool:
    """True when the user is shown the navigation entry ``url_name``."""
    roles = entry_roles(url_name)
    return roles is None or bool(roles & grants_for(user).roles)


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
