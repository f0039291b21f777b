"""The organisation's scoped model in the access test: grids (towns, departments and the
reference lists are readable by every signed-in user)."""

from __future__ import annotations

from anjian.core.access_testing import AccessCase, World
from anjian.core.roles import Role
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
                "orgs:grid_edit": lambda g: {"code": g.code},
                "orgs:grid_retire": lambda g: {"code": g.code},
                "accounts:grid_inspector_add": lambda g: {"code": g.code},
                "accounts:grid_inspector_remove": lambda g: {
                    "code": g.code,
                    "pk": world.owner_b().pk,
                },
                "GET /api/v1/grids/{code}": lambda g: {"code": g.code},
                "PATCH /api/v1/grids/{code}": lambda g: {"code": g.code},
            },
            EVERY_ROLE - {Role.CITY, Role.ADMIN},
        ),
    ]


EXEMPT = {
    "GET /api/v1/towns/{code}": "reference data: every signed-in user reads every town",
    "GET /api/v1/boundaries/{code}": "reference data: the map's boundaries are public to users",
}
