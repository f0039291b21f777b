"""The dangers module's fixed vocabularies (English codes, Chinese labels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DangerSource(models.TextChoices):
    """Where a hidden danger was found (issue 14, point 3)."""

    SELF_INSPECTION = "self_inspection", _("企业自查")
    GRID_PATROL = "grid_patrol", _("网格巡查")
    ENFORCEMENT = "enforcement", _("执法检查")
    EXPERT = "expert", _("专家检查")
    PUBLIC_REPORT = "public_report", _("群众举报")
    OTHER = "other", _("其他")


class DangerState(models.TextChoices):
    """排查-登记-评估-报告-监控-治理-销号 as workflow states."""

    REPORTED = "reported", _("已登记")
    ASSESSED = "assessed", _("已评估")
    RECTIFYING = "rectifying", _("整改中")
    AWAITING_VERIFICATION = "awaiting_verification", _("待验收")
    CLOSED_OUT = "closed_out", _("已销号")
    CANCELLED = "cancelled", _("已撤销")


OPEN_STATES = (
    DangerState.REPORTED,
    DangerState.ASSESSED,
    DangerState.RECTIFYING,
    DangerState.AWAITING_VERIFICATION,
)


class DangerCategory(models.TextChoices):
    """The usual ledger columns' kinds of hidden danger (基础管理类 / 现场管理类)."""

    MANAGEMENT = "management", _("基础管理")
    EQUIPMENT = "equipment", _("设备设施")
    ELECTRICAL = "electrical", _("电气安全")
    FIRE = "fire", _("消防安全")
    OPERATION = "operation", _("作业行为")
    ENVIRONMENT = "environment", _("作业环境")
    OTHER = "other", _("其他")


class Frequency(models.TextChoices):
    """How often a self-inspection plan runs (issue 14, point 2)."""

    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    BEFORE_HOLIDAY = "before_holiday", _("节假日前")


class ExtensionState(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class ListingState(models.TextChoices):
    LISTED = "listed", _("督办中")
    LIFTED = "lifted", _("已摘牌")
