"""Coded values of graded risk control (风险分级管控)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.enterprises.choices import EnterpriseRiskLevel

# A risk point's level uses the same five values as the enterprise's (four levels + none yet).
RiskLevelChoice = EnterpriseRiskLevel


class PointKind(models.TextChoices):
    """A risk point is a facility (设备设施) or an activity (作业活动)."""

    FACILITY = "facility", _("设备设施")
    ACTIVITY = "activity", _("作业活动")


class Method(models.TextChoices):
    """The evaluation method (anjian.standards.risk)."""

    LEC = "lec", _("LEC法（作业条件危险性分析）")
    LS = "ls", _("LS法（风险矩阵）")


class MeasureKind(models.TextChoices):
    """The five kinds of control measure (管控措施)."""

    ENGINEERING = "engineering", _("工程技术措施")
    MANAGEMENT = "management", _("管理措施")
    TRAINING = "training", _("培训教育措施")
    PROTECTION = "protection", _("个体防护措施")
    EMERGENCY = "emergency", _("应急处置措施")


class ControlLevel(models.TextChoices):
    """Who controls a measure (管控层级)."""

    COMPANY = "company", _("公司级")
    WORKSHOP = "workshop", _("车间级")
    TEAM = "team", _("班组级")
    POST = "post", _("岗位级")


class ReviewReason(models.TextChoices):
    """Why a re-evaluation is due (at least yearly; after a change, an accident, a new standard)."""

    PERIODIC = "periodic", _("定期（至少每年一次）")
    CHANGE = "change", _("工艺、设备、场所变更")
    ACCIDENT = "accident", _("发生事故")
    STANDARD = "standard", _("法规标准更新")
