"""The city's organisation: towns, departments, committees, grids, and the reference lists."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.roles import Grants, Role
from anjian.core.scoping import NOTHING, ScopedQuerySet
from anjian.orgs.choices import IndustryLevel, TownKind

CITY_CODE = "370481000000"

# The list of the city's key supervision categories (``data/key_categories.csv``): the one an
# enterprise's categories are chosen from. The regulators' lists from shared/data stay loaded
# as reference beside it.
KEY_LIST = "key"


class ReferenceModel(models.Model):
    """Reference data: every signed-in user may read it; the city office and admins change it."""

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        if write:
            return Q() if grants.has(Role.CITY, Role.ADMIN) else NOTHING
        return Q()


class Town(ReferenceModel):
    """A town or street (镇街): the territorial unit of supervision (属地)."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=TownKind.choices)

    class Meta:
        verbose_name = _("镇街")
        verbose_name_plural = _("镇街")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TownRenaming(models.Model):
    """A town's former code and name, kept so that old records and spreadsheets still resolve."""

    town = models.ForeignKey(Town, models.CASCADE, related_name="renamings")
    former_code = models.CharField(_("原区划代码"), max_length=12, unique=True)
    former_name = models.CharField(_("原名称"), max_length=50)
    former_kind = models.CharField(_("原类型"), max_length=20, choices=TownKind.choices)
    changed_in = models.CharField(_("变更时间"), max_length=100)

    class Meta:
        verbose_name = _("区划变更")
        verbose_name_plural = _("区划变更")

    def __str__(self) -> str:
        return f"{self.former_name} → {self.town.name}"


class Industry(ReferenceModel):
    """A class of the national industry classification GB/T 4754-2017 (all four levels)."""

    code = models.CharField(_("行业代码"), max_length=5, unique=True)
    name = models.CharField(_("行业名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    section = models.CharField(_("门类"), max_length=1)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SupervisionCategoryQuerySet(ScopedQuerySet["SupervisionCategory"]):
    def key_list(self) -> SupervisionCategoryQuerySet:
        """The city's key categories, the ones enterprises are recorded under."""
        return self.filter(list_id=KEY_LIST)


class SupervisionCategory(ReferenceModel):
    """An item of a supervision category list: the city's key categories (``list_id`` "key",
    what enterprises are recorded under) or a regulator's list (high-risk industries, 工贸
    industries, …, kept as reference)."""

    key = models.CharField(
        _("类别代码"),
        max_length=60,
        unique=True,
        help_text=_("重点监管类别为其代码（如 whp_storage）；法规清单条目为“清单:序号”"),
    )
    list_id = models.CharField(_("清单"), max_length=40)
    list_name = models.CharField(_("清单名称"), max_length=200)
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    source_document = models.TextField(_("依据文件"))
    source_article = models.CharField(_("条款"), max_length=100, blank=True)
    industry_scope = models.TextField(_("行业范围"), blank=True)
    indicative_industries = models.CharField(
        _("参考行业代码"),
        max_length=300,
        blank=True,
        help_text=_("GB/T 4754-2017 代码前缀，分号分隔；仅用于建议类别，非法规依据"),
    )
    note = models.TextField(_("备注"), blank=True)

    objects = SupervisionCategoryQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("监管类别")
        verbose_name_plural = _("监管类别")
        ordering = ["list_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["list_id", "order"], name="unique_category_item")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def indicative_prefixes(self) -> tuple[str, ...]:
        """The indicative GB/T 4754-2017 code prefixes (suggestions only)."""
        return tuple(c.strip() for c in self.indicative_industries.split(";") if c.strip())


class Department(ReferenceModel):
    """An industry department (行业主管部门): supervises the enterprises of its industries."""

    code = models.CharField(_("部门代码"), max_length=20, unique=True)
    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, blank=True)
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="departments", verbose_name=_("监管行业")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业主管部门")
        verbose_name_plural = _("行业主管部门")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Committee(ReferenceModel):
    """The work safety committee or one of its 12 specialised committees (专业委员会)."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    lead_department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_committees",
        verbose_name=_("牵头部门"),
    )
    members = models.ManyToManyField(
        Department, blank=True, related_name="committees", verbose_name=_("成员单位")
    )
    industries = models.ManyToManyField(
        Industry, blank=True, related_name="committees", verbose_name=_("督导行业")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("安委会专业委员会")
        verbose_name_plural = _("安委会专业委员会")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Boundary(ReferenceModel):
    """A boundary polygon (GeoJSON, WGS84), served to the offline maps."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    geojson = models.JSONField(_("边界"))

    class Meta:
        verbose_name = _("行政边界")
        verbose_name_plural = _("行政边界")

    def __str__(self) -> str:
        return self.name


class GridQuerySet(ScopedQuerySet["Grid"]):
    def active(self) -> GridQuerySet:
        """Grids in use (not retired)."""
        return self.filter(retired_at__isnull=True)


class Grid(models.Model):
    """A grid of a town (网格): its inspectors patrol the enterprises it covers."""

    code = models.CharField(_("网格编码"), max_length=20, unique=True)
    name = models.CharField(_("网格名称"), max_length=100)
    town = models.ForeignKey(Town, models.PROTECT, related_name="grids", verbose_name=_("镇街"))
    description = models.TextField(_("范围说明"), blank=True)
    # A retired grid stays, so that old records and spreadsheets still name it; nobody is
    # assigned to it any more (``anjian.orgs.services.retire_grid``).
    retired_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="unique_grid_name_in_town")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """City office: all grids; a town: its grids; a grid inspector: reads its own grid;
        the system administrator reads them all (the grids are the towns' to change)."""
        if grants.city_wide or (grants.has(Role.ADMIN) and not write):
            return Q()
        condition = NOTHING
        if grants.towns:
            condition |= Q(town__code__in=grants.towns)
        if grants.grids and not write:
            condition |= Q(code__in=grants.grids)
        return condition
