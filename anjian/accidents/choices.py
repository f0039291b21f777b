"""Choices of the accidents module: grades (from the standards), investigation states, quotas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.standards.accident import AdminLevel
from anjian.standards.accident_types import EDITION_1986, EDITION_2025

__all__ = ["GradeChoices", "InvestigationState", "QuotaKind", "ReportLevel", "TypeEdition"]


class GradeChoices(models.TextChoices):
    """国务院令第493号 art. 3; values are :class:`anjian.standards.accident.AccidentGrade`'s."""

    EXTRAORDINARILY_SERIOUS = "extraordinarily_serious", _("特别重大事故")
    SERIOUS = "serious", _("重大事故")
    RELATIVELY_SERIOUS = "relatively_serious", _("较大事故")
    ORDINARY = "ordinary", _("一般事故")


class ReportLevel(models.TextChoices):
    """The levels a quick report passes through (art. 10–11)."""

    COUNTY = AdminLevel.COUNTY.value, _("县级（滕州市）")
    CITY = AdminLevel.CITY.value, _("设区的市级（枣庄市）")
    PROVINCE = AdminLevel.PROVINCE.value, _("省级")
    STATE_COUNCIL = AdminLevel.STATE_COUNCIL.value, _("国务院安全生产监督管理部门")


class TypeEdition(models.TextChoices):
    EDITION_2025 = EDITION_2025, "GB 6441-2025"
    EDITION_1986 = EDITION_1986, "GB/T 6441-1986"


class InvestigationState(models.TextChoices):
    REPORTED = "reported", _("已报告")
    INVESTIGATING = "investigating", _("调查中")
    REPORT_SUBMITTED = "report_submitted", _("调查报告已提交")
    APPROVED = "approved", _("已批复")
    CLOSED = "closed", _("已结案")


class QuotaKind(models.TextChoices):
    TOWN = "town", _("镇街")
    INDUSTRY = "industry", _("行业")
