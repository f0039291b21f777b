"""Safety training hours and special operation certificates (安全培训学时与特种作业操作证).

Hours: 《生产经营单位安全培训规定》(原国家安监总局令第3号, amended 2013 and 2015), art. 9 and
13 (✅ [S21]). Certificates: 《特种作业人员安全技术培训考核管理规定》(原国家安监总局令第30号,
amended 2013 and 2015), art. 19–24 (✅ [S22] unless marked).

High-risk units (高危行业) are coal mines, non-coal mines, hazardous chemicals, fireworks and
metal smelting (煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼); they have higher hours.
"""

from __future__ import annotations

import calendar
import datetime
import enum
from typing import NamedTuple

from anjian.standards._base import to_int

__all__ = [
    "CERTIFICATE_VALIDITY_YEARS",
    "EXTENDED_REVIEW_CONTINUOUS_YEARS",
    "EXTENDED_REVIEW_INTERVAL_YEARS",
    "HIGH_RISK_INDUSTRIES",
    "REEXAM_AFTER_MONTHS_AWAY",
    "REVIEW_APPLICATION_DAYS",
    "REVIEW_INTERVAL_YEARS",
    "REVIEW_TRAINING_HOURS",
    "Role",
    "ThreeLevelEducation",
    "TrainingHours",
    "add_years",
    "certificate_expiry",
    "needs_practical_reexam",
    "required_hours",
    "review_dates",
    "review_interval_years",
    "three_level_education",
]

HIGH_RISK_INDUSTRIES: tuple[str, ...] = ("煤矿", "非煤矿山", "危险化学品", "烟花爆竹", "金属冶炼")
"""The units with higher hours under art. 9 and 13 of 安监总局令第3号 (the list ends with 等)."""


class Role(enum.Enum):
    """Who is trained; values suit Django ``choices``."""

    PRINCIPAL = "principal"
    SAFETY_MANAGER = "safety_manager"
    NEW_WORKER = "new_worker"

    @property
    def label_zh(self) -> str:
        """Chinese name."""
        return {
            "principal": "主要负责人",
            "safety_manager": "安全生产管理人员",
            "new_worker": "新上岗从业人员",
        }[self.value]

    @property
    def label_en(self) -> str:
        """English name."""
        return self.value.replace("_", " ")


class TrainingHours(NamedTuple):
    """Minimum class hours (学时): initial training and yearly refresher (None: not prescribed)."""

    initial: int
    annual_refresher: int | None


def required_hours(role: Role | str, *, high_risk: bool) -> TrainingHours:
    """Return the minimum training hours (安监总局令第3号 art. 9 and 13, ✅).

    Principals and safety managers: initial ≥ 32, yearly ≥ 12; in high-risk units ≥ 48 and ≥ 16.
    New workers: ≥ 24 before starting work (no yearly minimum in the rules); in high-risk units
    ≥ 72 and ≥ 20 a year.
    """
    try:
        who = role if isinstance(role, Role) else Role(role)
    except ValueError:
        allowed = ", ".join(member.value for member in Role)
        raise ValueError(f"unknown role {role!r}; allowed: {allowed} / 未知的培训对象") from None
    if who is Role.NEW_WORKER:
        return TrainingHours(72, 20) if high_risk else TrainingHours(24, None)
    return TrainingHours(48, 16) if high_risk else TrainingHours(32, 12)


class ThreeLevelEducation(NamedTuple):
    """Three-level safety education (三级安全教育) for a new worker.

    ``levels`` are the three levels in order; ``hours`` gives hours per level where a rule
    prescribes them (None otherwise); ``total_min_hours`` is the minimum of all pre-job training.
    """

    levels: tuple[str, str, str]
    hours: tuple[int, int, int] | None
    total_min_hours: int
    citation: str


def three_level_education(
    *, high_risk: bool = False, construction: bool = False
) -> ThreeLevelEducation:
    """Return the three-level education a new worker must receive before starting work.

    Units in manufacturing and the like: plant (厂/矿), workshop (车间/工段/区/队) and team (班组)
    (安监总局令第3号 art. 12, 🟡; the rules do not split the hours between levels; the total is
    the art. 13 minimum, 24 or 72 hours). Construction: company 15, project 15, team 20 hours
    (建教〔1997〕83号, 🟡).
    """
    if construction:
        return ThreeLevelEducation(
            ("公司", "项目", "班组"),
            (15, 15, 20),
            50,
            "《建筑业企业职工安全培训教育暂行规定》（建教〔1997〕83号）",
        )
    total = required_hours(Role.NEW_WORKER, high_risk=high_risk).initial
    return ThreeLevelEducation(
        ("厂（矿）", "车间（工段、区、队）", "班组"),
        None,
        total,
        "安监总局令第3号 第十二条、第十三条",
    )


CERTIFICATE_VALIDITY_YEARS = 6
"""A special operation certificate is valid for 6 years, nation-wide (art. 19, ✅)."""

REVIEW_INTERVAL_YEARS = 3
"""It is reviewed (复审) every 3 years (art. 21, ✅)."""

EXTENDED_REVIEW_INTERVAL_YEARS = 6
"""After 10 continuous years in the trade without violations, every 6 years (art. 21, ✅)."""

EXTENDED_REVIEW_CONTINUOUS_YEARS = 10
"""Years of continuous work in the trade that allow the extended interval (art. 21, ✅)."""

REVIEW_APPLICATION_DAYS = 60
"""The review is applied for within 60 days before it falls due (art. 22, ✅)."""

REVIEW_TRAINING_HOURS = 8
"""Training before a review: at least 8 class hours (art. 23, 🟡)."""

REEXAM_AFTER_MONTHS_AWAY = 6
"""Away from the post 6 months or more: practical re-examination (未核对 / unchecked)."""


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Return the same calendar day ``years`` later; 29 February becomes 28 February."""
    target = day.year + years
    last = calendar.monthrange(target, day.month)[1]
    return day.replace(year=target, day=min(day.day, last))


def certificate_expiry(issued_on: datetime.date) -> datetime.date:
    """Return the day a special operation certificate expires: 6 years after issue (art. 19)."""
    if isinstance(issued_on, datetime.datetime) or not isinstance(issued_on, datetime.date):
        raise ValueError(f"issued_on: expected a date, got {issued_on!r} / 应为日期")
    return add_years(issued_on, CERTIFICATE_VALIDITY_YEARS)


def review_interval_years(continuous_years: int = 0, *, compliant: bool = True) -> int:
    """Return the review interval of a certificate (特种作业 art. 21, ✅).

    Every 3 years; every 6 years for holders with 10 or more continuous years in the trade
    within the validity who kept the law, with the issuing authority's consent.
    """
    years = to_int(continuous_years, "continuous_years / 连续从事年限")
    if compliant and years >= EXTENDED_REVIEW_CONTINUOUS_YEARS:
        return EXTENDED_REVIEW_INTERVAL_YEARS
    return REVIEW_INTERVAL_YEARS


def review_dates(issued_on: datetime.date, *, extended: bool = False) -> tuple[datetime.date, ...]:
    """Return the review due dates within one validity period (art. 19, 21).

    Every 3 years after issue (the last coinciding with expiry and renewal), or only at 6 years
    under the extended interval. The application window opens 60 days before each (art. 22).
    """
    interval = EXTENDED_REVIEW_INTERVAL_YEARS if extended else REVIEW_INTERVAL_YEARS
    expiry = certificate_expiry(issued_on)
    steps = range(interval, CERTIFICATE_VALIDITY_YEARS + 1, interval)
    return tuple(min(add_years(issued_on, years), expiry) for years in steps)


def needs_practical_reexam(
    months_away: int, threshold_months: int = REEXAM_AFTER_MONTHS_AWAY
) -> bool:
    """Whether a worker back at a special operation post must retake the practical exam.

    Away 6 months or more (the threshold is configurable: 未核对 / unchecked).
    """
    months = to_int(months_away, "months_away / 离岗月数")
    return months >= to_int(threshold_months, "threshold_months", minimum=1)
