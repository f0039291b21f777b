"""What the organisation adds to the UI shell: its menu entries and the names of the city,
towns, departments and grids (so that role lists show names, not codes)."""

from __future__ import annotations

from collections.abc import Collection

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core import jurisdictions, navigation
from anjian.core.navigation import OFFICIALS, NavItem
from anjian.core.roles import JurisdictionKind, Role
from anjian.orgs.models import CITY_CODE, Department, Grid, Town


def city_names(codes: Collection[str]) -> dict[str, str]:
    return {CITY_CODE: gettext("滕州市")} if CITY_CODE in codes else {}


def town_names(codes: Collection[str]) -> dict[str, str]:
    return dict(Town.objects.filter(code__in=codes).values_list("code", "name"))


def department_names(codes: Collection[str]) -> dict[str, str]:
    return dict(Department.objects.filter(code__in=codes).values_list("code", "name"))


def grid_names(codes: Collection[str]) -> dict[str, str]:
    rows = Grid.objects.filter(code__in=codes).values_list("code", "town__name", "name")
    return {code: f"{town} · {name}" for code, town, name in rows}


def register() -> None:
    navigation.register(
        NavItem(_("镇街"), "orgs:town_list", "map", OFFICIALS | {Role.ADMIN}, order=200),
        NavItem(
            _("部门与专委会"),
            "orgs:department_list",
            "building",
            OFFICIALS | {Role.ADMIN},
            order=210,
        ),
        NavItem(
            _("网格"),
            "orgs:grid_list",
            "grid",
            frozenset({Role.CITY, Role.TOWN, Role.GRID, Role.ADMIN}),
            order=220,
        ),
    )
    jurisdictions.register_namer(JurisdictionKind.CITY, city_names)
    jurisdictions.register_namer(JurisdictionKind.TOWN, town_names)
    jurisdictions.register_namer(JurisdictionKind.DEPARTMENT, department_names)
    jurisdictions.register_namer(JurisdictionKind.GRID, grid_names)
