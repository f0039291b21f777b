"""What the accounts app adds to the UI shell: its menu entries, the home page's first panel
(the user's roles with the names of their jurisdictions) and the grid page's inspectors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anjian.accounts import services
from anjian.accounts.models import RoleAssignment
from anjian.core import dashboard, jurisdictions, navigation
from anjian.core.navigation import NavItem
from anjian.core.roles import Role
from anjian.orgs.models import Grid
from anjian.orgs.panels import GridPanel, register_grid_panel


def roles_panel(user: Any) -> dict[str, Any]:
    """My roles and jurisdictions, each jurisdiction by its name (dates as dates: the API
    serialises them ISO 8601, the page in the user's language)."""
    assignments = list(
        RoleAssignment.objects.filter(user_id=user.pk)
        .order_by("pk")
        .values_list("role", "jurisdiction_kind", "jurisdiction_code", "valid_until")
    )
    codes: dict[str, set[str]] = {}
    for _role, kind, code, _until in assignments:
        codes.setdefault(kind, set()).add(code)
    names = {kind: jurisdictions.names_of(kind, found) for kind, found in codes.items()}
    labels = dict(Role.choices)
    return {
        "roles": [
            {
                "role": role,
                "label": str(labels.get(role, role)),
                "jurisdiction": names[kind][code],
                "valid_until": until,
            }
            for role, kind, code, until in assignments
        ]
    }


def inspectors_panel(grid: Any, user: Any) -> dict[str, Any]:
    """The grid page's inspectors, and whom the user may still assign (if they may)."""
    inspectors = list(services.grid_inspectors(grid))
    editable = (
        grid.retired_at is None and Grid.objects.editable_by(user).filter(pk=grid.pk).exists()
    )
    candidates = []
    if editable:
        assigned = [inspector.pk for inspector in inspectors]
        candidates = list(services.grid_inspector_candidates(user).exclude(pk__in=assigned))
    return {"inspectors": inspectors, "candidates": candidates, "editable": editable}


def register() -> None:
    navigation.register(
        NavItem(
            _("用户管理"),
            "accounts:user_list",
            "people",
            frozenset({Role.CITY, Role.TOWN, Role.ADMIN}),
            order=300,
        ),
        NavItem(_("个人设置"), "accounts:profile", "person", order=900),
    )
    register_grid_panel(
        GridPanel("inspectors", _("网格员"), "accounts/grid_inspectors.html", 10, inspectors_panel)
    )
    dashboard.register(
        dashboard.Panel(
            "roles", _("我的角色与管辖范围"), roles_panel, "accounts/panel_roles.html", order=0
        )
    )
