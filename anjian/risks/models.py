"""Graded risk control (风险分级管控): risk points, their hazards and control measures, card
confirmations, and the history of each enterprise's derived risk level.

Levels are never typed: a hazard's level is computed by :mod:`anjian.standards.risk` from its
L/E/C or L/S values (:func:`anjian.risks.services.evaluation_fields`), a point's is the highest of
its hazards' residual levels, and the enterprise's follows :mod:`anjian.standards.enterprise_risk`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.deadlines import DeadlinePolicies, DeadlinePolicy, Step
from anjian.core.scoping import ScopedQuerySet
from anjian.enterprises import validation
from anjian.enterprises.models import Enterprise
from anjian.risks.choices import (
    ControlLevel,
    MeasureKind,
    Method,
    PointKind,
    ReviewReason,
    RiskLevelChoice,
)

if TYPE_CHECKING:
    from anjian.accounts.access import Grants

_TEXT = [validation.Rule(validation.plain_text)]


def _with_enterprise(grants: Grants, *, write: bool, path: str = "enterprise") -> Q:
    """Seen and changed with the enterprise (its safety manager, its town, the city office)."""
    return Q(**{f"{path}__in": Enterprise.objects.filter(Enterprise.scope_q(grants, write=write))})


def review_recipients(point: RiskPoint) -> Any:
    """The enterprise's own users: they re-evaluate."""
    from anjian.enterprises.notices import enterprise_users

    return enterprise_users(point.enterprise)


def overdue_recipients(point: RiskPoint) -> Any:
    """The enterprise's users and its town's officials, once a re-evaluation is overdue."""
    from anjian.enterprises.notices import enterprise_users, town_officials

    return [*enterprise_users(point.enterprise), *town_officials(point.enterprise)]


class RiskPointQuerySet(ScopedQuerySet["RiskPoint"]):
    pass


class RiskPoint(models.Model):
    """A risk point (风险点): a facility or an activity of an enterprise, where in the plant."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="risk_points", verbose_name=_("企业")
    )
    name = models.CharField(_("风险点名称"), max_length=100, validators=_TEXT)
    kind = models.CharField(
        _("类型"), max_length=10, choices=PointKind.choices, default=PointKind.FACILITY
    )
    location = models.CharField(_("区域位置"), max_length=100, blank=True, validators=_TEXT)
    post = models.CharField(_("岗位"), max_length=100, blank=True, validators=_TEXT)
    emergency_actions = models.TextField(
        _("应急处置"), max_length=2000, blank=True, validators=_TEXT
    )
    emergency_phone = models.CharField(
        _("应急电话"),
        max_length=50,
        blank=True,
        default="119 / 120",
        validators=_TEXT,
    )
    level = models.CharField(
        _("风险等级"),
        max_length=12,
        choices=RiskLevelChoice.choices,
        default=RiskLevelChoice.UNASSESSED,
        db_index=True,
        editable=False,
    )
    evaluated_on = models.DateField(_("评价日期"), null=True, blank=True, editable=False)
    review_due = models.DateField(_("再评估期限"), null=True, blank=True, editable=False)
    review_reason = models.CharField(
        _("再评估原因"),
        max_length=10,
        choices=ReviewReason.choices,
        default=ReviewReason.PERIODIC,
        editable=False,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RiskPointQuerySet.as_manager()

    deadlines = DeadlinePolicies(
        DeadlinePolicy(
            "review",
            _("风险再评估"),
            steps=[
                Step(
                    "remind-30d", -timedelta(days=30), _("风险点30天内须再评估"), review_recipients
                ),
                Step("overdue", timedelta(0), _("风险点再评估已逾期"), overdue_recipients),
            ],
        )
    )

    class Meta:
        verbose_name = _("风险点")
        verbose_name_plural = _("风险点")
        ordering = ["enterprise_id", "name", "id"]
        indexes = [models.Index(fields=["enterprise", "level"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risks:point", args=[self.pk])

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return _with_enterprise(grants, write=write)


class HazardQuerySet(ScopedQuerySet["Hazard"]):
    pass


class Hazard(models.Model):
    """A hazard (危险有害因素) of a risk point, with its inherent and residual evaluation.

    ``factor_code`` is a class of GB/T 13861-2022 (:mod:`anjian.standards.hazard_factors`),
    ``accident_types`` the GB 6441-2025 codes of the accidents it may cause
    (:mod:`anjian.standards.accident_types`). The scores, levels and ``criteria`` are set by the
    service from the L/E/C or L/S values through :mod:`anjian.standards.risk`; residual values
    left out mean the residual risk equals the inherent one.
    """

    risk_point = models.ForeignKey(
        RiskPoint, models.CASCADE, related_name="hazards", verbose_name=_("风险点")
    )
    description = models.CharField(_("危险源或潜在事件"), max_length=200, validators=_TEXT)
    factor_code = models.CharField(_("危险有害因素类别"), max_length=6)
    accident_types = models.JSONField(_("可能导致的事故类型"), default=list, blank=True)
    method = models.CharField(_("评价方法"), max_length=3, choices=Method.choices)
    l_value = models.DecimalField(_("L"), max_digits=4, decimal_places=1)
    e_value = models.DecimalField(_("E"), max_digits=4, decimal_places=1, null=True, blank=True)
    c_value = models.DecimalField(_("C"), max_digits=4, decimal_places=1, null=True, blank=True)
    s_value = models.PositiveSmallIntegerField(_("S"), null=True, blank=True)
    residual_l = models.DecimalField(
        _("残余L"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    residual_e = models.DecimalField(
        _("残余E"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    residual_c = models.DecimalField(
        _("残余C"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    residual_s = models.PositiveSmallIntegerField(_("残余S"), null=True, blank=True)
    score = models.DecimalField(_("固有风险值"), max_digits=8, decimal_places=2, editable=False)
    level = models.CharField(
        _("固有风险等级"), max_length=12, choices=RiskLevelChoice.choices, editable=False
    )
    residual_score = models.DecimalField(
        _("残余风险值"), max_digits=8, decimal_places=2, editable=False
    )
    residual_level = models.CharField(
        _("残余风险等级"), max_length=12, choices=RiskLevelChoice.choices, editable=False
    )
    criteria = models.CharField(_("判定准则"), max_length=40, editable=False)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("危险有害因素")
        verbose_name_plural = _("危险有害因素")
        ordering = ["risk_point_id", "id"]

    def __str__(self) -> str:
        return self.description

    def get_absolute_url(self) -> str:
        return reverse("risks:point", args=[self.risk_point_id])

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return _with_enterprise(grants, write=write, path="risk_point__enterprise")


class ControlMeasureQuerySet(ScopedQuerySet["ControlMeasure"]):
    pass


class ControlMeasure(models.Model):
    """A control measure (管控措施) of a risk point: its kind, control level and who answers."""

    risk_point = models.ForeignKey(
        RiskPoint, models.CASCADE, related_name="measures", verbose_name=_("风险点")
    )
    kind = models.CharField(_("措施类别"), max_length=12, choices=MeasureKind.choices)
    description = models.TextField(_("管控措施"), max_length=1000, validators=_TEXT)
    control_level = models.CharField(_("管控层级"), max_length=10, choices=ControlLevel.choices)
    responsible = models.CharField(_("责任人"), max_length=50, validators=_TEXT)

    objects = ControlMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("管控措施")
        verbose_name_plural = _("管控措施")
        ordering = ["risk_point_id", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("risks:point", args=[self.risk_point_id])

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return _with_enterprise(grants, write=write, path="risk_point__enterprise")


class CardConfirmationQuerySet(ScopedQuerySet["CardConfirmation"]):
    pass


class CardConfirmation(models.Model):
    """A post worker's confirmation of a risk notice card (岗位安全风险确认)."""

    risk_point = models.ForeignKey(
        RiskPoint, models.CASCADE, related_name="confirmations", verbose_name=_("风险点")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("确认人")
    )
    post = models.CharField(_("岗位"), max_length=100, blank=True, validators=_TEXT)
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    objects = CardConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险告知卡确认")
        verbose_name_plural = _("风险告知卡确认")
        constraints = [
            models.UniqueConstraint(fields=["risk_point", "user"], name="unique_card_confirmation")
        ]

    def __str__(self) -> str:
        return f"{self.risk_point_id} {self.user_id}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return _with_enterprise(grants, write=False, path="risk_point__enterprise")


class LevelChangeQuerySet(ScopedQuerySet["EnterpriseRiskLevelChange"]):
    pass


class EnterpriseRiskLevelChange(models.Model):
    """One change of an enterprise's derived risk level, and why (append-only)."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="risk_level_changes", verbose_name=_("企业")
    )
    before = models.CharField(_("原等级"), max_length=12, choices=RiskLevelChoice.choices)
    after = models.CharField(_("新等级"), max_length=12, choices=RiskLevelChoice.choices)
    highest_point = models.CharField(
        _("最高风险点等级"), max_length=12, choices=RiskLevelChoice.choices
    )
    raised_by = models.JSONField(_("升级依据"), default=list, blank=True)
    changed_at = models.DateTimeField(_("变更时间"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("触发人"),
    )

    objects = LevelChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业风险等级变更")
        verbose_name_plural = _("企业风险等级变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.before}→{self.after}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return _with_enterprise(grants, write=False)


class PlantLayoutQuerySet(ScopedQuerySet["PlantLayout"]):
    pass


class PlantLayout(models.Model):
    """The enterprise's plant layout (厂区平面图): its image is an attachment (core), its risk
    zones are drawn on it (the enterprise four-colour map)."""

    enterprise = models.OneToOneField(
        Enterprise, models.CASCADE, related_name="plant_layout", verbose_name=_("企业")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = PlantLayoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("厂区平面图")
        verbose_name_plural = _("厂区平面图")

    def __str__(self) -> str:
        return str(self.enterprise)

    def get_absolute_url(self) -> str:
        return reverse("risks:plant", args=[self.enterprise_id])

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return _with_enterprise(grants, write=write)


class RiskZoneQuerySet(ScopedQuerySet["RiskZone"]):
    pass


class RiskZone(models.Model):
    """A risk zone drawn on the layout: a polygon of ``[x, y]`` image pixels (origin bottom
    left, as Leaflet's ``CRS.Simple`` gives them), linked to risk points, coloured by the most
    severe of their levels."""

    layout = models.ForeignKey(
        PlantLayout, models.CASCADE, related_name="zones", verbose_name=_("厂区平面图")
    )
    name = models.CharField(_("区域名称"), max_length=100, validators=_TEXT)
    polygon = models.JSONField(_("区域范围"))
    points = models.ManyToManyField(
        RiskPoint, blank=True, related_name="zones", verbose_name=_("风险点")
    )

    objects = RiskZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("风险区域")
        verbose_name_plural = _("风险区域")
        ordering = ["layout_id", "id"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return _with_enterprise(grants, write=write, path="layout__enterprise")
