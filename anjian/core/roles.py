"""The vocabulary of access: roles, the jurisdictions they are bound to, and a user's grants.

Every layer scopes its rows by these words (a grid's ``scope_q`` asks ``grants.has(Role.TOWN)``),
so they live at the bottom, in core, and the apps above import them from here. Which roles a
user actually holds is the accounts app's business: it builds :class:`Grants` from its role
assignments and registers that provider with :func:`anjian.core.scoping.register_grants_provider`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ROLE_JURISDICTION", "Grants", "JurisdictionKind", "Role"]


class Role(models.TextChoices):
    CITY = "city", _("市安委办")
    DEPARTMENT = "department", _("行业主管部门")
    TOWN = "town", _("镇街")
    GRID = "grid", _("网格员")
    ENFORCEMENT = "enforcement", _("执法人员")
    ENTERPRISE = "enterprise", _("企业安全管理人员")
    EXPERT = "expert", _("专家/服务机构")
    AUDITOR = "auditor", _("审计员")
    ADMIN = "admin", _("系统管理员")


class JurisdictionKind(models.TextChoices):
    CITY = "city", _("全市")
    DEPARTMENT = "department", _("部门")
    TOWN = "town", _("镇街")
    GRID = "grid", _("网格")
    ENTERPRISE = "enterprise", _("企业")


# The jurisdiction each role is bound to (DESIGN.md, "Who uses it").
ROLE_JURISDICTION: dict[str, str] = {
    Role.CITY: JurisdictionKind.CITY,
    Role.DEPARTMENT: JurisdictionKind.DEPARTMENT,
    Role.TOWN: JurisdictionKind.TOWN,
    Role.GRID: JurisdictionKind.GRID,
    Role.ENFORCEMENT: JurisdictionKind.DEPARTMENT,
    Role.ENTERPRISE: JurisdictionKind.ENTERPRISE,
    Role.EXPERT: JurisdictionKind.ENTERPRISE,
    Role.AUDITOR: JurisdictionKind.CITY,
    Role.ADMIN: JurisdictionKind.CITY,
}


@dataclass(frozen=True)
class Grants:
    """The user's active roles and the jurisdiction codes each kind of role covers."""

    user_id: int
    roles: frozenset[str]
    towns: frozenset[str] = field(default_factory=frozenset)
    departments: frozenset[str] = field(default_factory=frozenset)
    grids: frozenset[str] = field(default_factory=frozenset)
    # Primary keys of ``towns`` (same query): a scope on ``town_id`` lets the planner walk
    # the (town, status, name) index in list order instead of joining the town table.
    town_ids: frozenset[int] = field(default_factory=frozenset)
    # Credit codes, kept apart by role: an enterprise user's own enterprise (read and written)
    # and an expert's assigned ones (read only). A user holding both roles must not write
    # the expert's enterprises through the enterprise role.
    own_enterprises: frozenset[str] = field(default_factory=frozenset)
    assigned_enterprises: frozenset[str] = field(default_factory=frozenset)

    @property
    def enterprises(self) -> frozenset[str]:
        """Every enterprise the user's enterprise-level roles cover, for reading."""
        return self.own_enterprises | self.assigned_enterprises

    @property
    def city_wide(self) -> bool:
        """The city office sees everything in the city."""
        return Role.CITY in self.roles

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)
