"""Accounts' scoped models in the access test: users, role assignments, API tokens."""

from __future__ import annotations

from anjian.accounts import services
from anjian.accounts.choices import Role
from anjian.accounts.models import ApiToken, RoleAssignment, User
from anjian.core.access_testing import AccessCase, World

EVERY_ROLE = frozenset(Role.values)
MANAGERS = frozenset({Role.CITY, Role.ADMIN})


def cases(world: World) -> list[AccessCase]:
    def user(w: World) -> User:
        return w.user_b(Role.TOWN)

    def grid_user(w: World) -> User:
        return w.user_b(Role.GRID)

    def assignment(w: World) -> RoleAssignment:
        return w.user_b(Role.DEPARTMENT).role_assignments.get()

    def token(w: World) -> ApiToken:
        owner = w.owner_b()
        return services.create_token(owner, actor=owner, name="B秘密令牌")[0]

    user_routes = {
        "accounts:user_detail": lambda u: {"pk": u.pk},
        "accounts:user_set_active": lambda u: {"pk": u.pk},
        "accounts:user_reset_password": lambda u: {"pk": u.pk},
        "GET /api/v1/users/{user_id}": lambda u: {"user_id": u.pk},
    }
    return [
        AccessCase("accounts.User (town B)", user, user_routes, EVERY_ROLE - MANAGERS),
        AccessCase("accounts.User (grid B)", grid_user, user_routes, EVERY_ROLE - MANAGERS),
        AccessCase(
            "accounts.RoleAssignment",
            assignment,
            {"accounts:role_remove": lambda a: {"pk": a.pk}},
            EVERY_ROLE - MANAGERS,
        ),
        AccessCase(
            "accounts.ApiToken",
            token,
            {"accounts:token_revoke": lambda t: {"pk": t.pk}},
            EVERY_ROLE,
        ),
    ]
