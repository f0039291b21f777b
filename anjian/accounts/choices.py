"""Roles and the kinds of jurisdiction they are bound to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
