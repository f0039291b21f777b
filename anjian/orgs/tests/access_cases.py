"""The organisation's scoped model in the access test: grids (towns, departments and the
reference lists are readable by every signed-in user)."""

from __future__ import annotations

from anjian.accounts.choices import Role
from anjian.core.access_testing import AccessCase, World
from anjian.orgs.models import Grid

EVERY_ROLE = frozenset(Role.values)


def make_grid(world: World) -> Grid:
    number = world.serial()
    return Grid.objects.create(code=f"B{number:011d}", name=f"B秘密网格{number}", town=world.town_b)


def cases(world: World) -> list[AccessCase]:
    return [
        AccessCase(
            "orgs.Grid",
            make_grid,
            {
                "orgs:grid_detail": lambda g: {"code": g.code},
                "GET /api/v1/grids/{code}": lambda g: {"code": g.code},
            },
            EVERY_ROLE - {Role.CITY, Role.ADMIN},
        ),
    ]


EXEMPT = {
    "GET /api/v1/towns/{code}": "reference data: every signed-in user reads every town",
    "GET /api/v1/boundaries/{code}": "reference data: the map's boundaries are public to users",
}
