"""Coded values of the enterprise registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnterpriseStatus(models.TextChoices):
    """Operating status. A closed enterprise stays in the registry and stays watched
    (滕政发〔2018〕1号: 严防关闭煤矿死灰复燃)."""

    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停产")
    CLOSED = "closed", pgettext_lazy("enterprise status", "关闭")


class StandardisationGrade(models.TextChoices):
    """Safety standardisation grade (安全生产标准化等级)."""

    NONE = "", _("未达标")
    GRADE_1 = "1", _("一级")
    GRADE_2 = "2", _("二级")
    GRADE_3 = "3", _("三级")


class ChangeRequestState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class ReminderKind(models.TextChoices):
    """Which licence reminder was sent (see ``tasks.send_licence_reminders``)."""

    EXPIRING = "expiring", _("即将到期")
    EXPIRED = "expired", _("已过期")


class EnterpriseRiskLevel(models.TextChoices):
    """The enterprise's risk level (企业安全风险等级), derived by the risks module only: the
    four levels of ``anjian.standards.risk.RiskLevel`` (same values) and "not yet assessed"."""

    MAJOR = "major", _("重大风险")
    HIGH = "high", _("较大风险")
    MODERATE = "moderate", _("一般风险")
    LOW = "low", _("低风险")
    UNASSESSED = "unassessed", _("未评估")
