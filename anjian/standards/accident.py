"""《生产安全事故报告和调查处理条例》(国务院令第493号, in force 2007-06-01): accident rules.

Grades (art. 3, ✅): an accident's grade is the highest that any of its three measures reaches —
deaths, seriously injured (including acute industrial poisoning) and direct economic loss. The
article says "以上" includes the number and "以下" excludes it, so 30 deaths is extraordinarily
serious and 29 is serious.

Reporting (art. 9–11, ✅): the unit's head reports to the county-level authorities within 1 hour;
each level passes the report up within 2 hours, up to the city for an ordinary accident, the
province for a relatively serious one and the State Council's work safety department for a serious
or extraordinarily serious one. Supplementary reports (art. 13, ✅): casualty changes within 30
days, 7 days for road traffic and fire accidents. Investigation (art. 19, 29, ✅): by the State
Council, the province, the city or the county by grade; the report is due within 60 days,
extendable once by at most 60 days. Approval of the report (art. 32, ✅): 15 days; 30 days for an
extraordinarily serious accident, extendable by at most 30.

Counting periods (未核对 / unchecked project decision): the regulation does not say whether the
day of the accident counts; following 《民法典》 art. 201 it does not, so a period of n days ends
on the day n days after the accident. Moving a deadline that falls on a holiday is left to the
deadline mechanism of the application.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import NamedTuple

from anjian.standards._base import Number, to_decimal, to_int

__all__ = [
    "APPROVAL_DAYS",
    "APPROVAL_DAYS_EXTRAORDINARY",
    "APPROVAL_MAX_EXTENSION_DAYS_EXTRAORDINARY",
    "INVESTIGATION_DAYS",
    "INVESTIGATION_MAX_EXTENSION_DAYS",
    "REPORT_STEP_HOURS",
    "SUPPLEMENTARY_REPORT_DAYS",
    "SUPPLEMENTARY_REPORT_DAYS_ROAD_TRAFFIC_AND_FIRE",
    "UNIT_REPORT_HOURS",
    "AccidentGrade",
    "AdminLevel",
    "Authority",
    "ReportStep",
    "approval_days",
    "grade",
    "investigating_authority",
    "investigation_deadline",
    "report_level",
    "reporting_chain",
    "supplementary_report_days",
    "supplementary_report_until",
]

CITATION = "《生产安全事故报告和调查处理条例》（国务院令第493号）"


class AccidentGrade(enum.Enum):
    """The four accident grades of art. 3; values suit Django ``choices``."""

    EXTRAORDINARILY_SERIOUS = "extraordinarily_serious"
    SERIOUS = "serious"
    RELATIVELY_SERIOUS = "relatively_serious"
    ORDINARY = "ordinary"

    @property
    def label_zh(self) -> str:
        """Chinese name: 特别重大事故 / 重大事故 / 较大事故 / 一般事故."""
        return _GRADE_ZH[self]

    @property
    def label_en(self) -> str:
        """English name, e.g. "relatively serious accident"."""
        return self.value.replace("_", " ") + " accident"

    @property
    def severity(self) -> int:
        """4 for extraordinarily serious down to 1 for ordinary, for ordering grades."""
        return _GRADE_SEVERITY[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label_zh)`` pairs, gravest first, for Django ``choices``."""
        return [(member.value, member.label_zh) for member in cls]


_GRADE_ZH = {
    AccidentGrade.EXTRAORDINARILY_SERIOUS: "特别重大事故",
    AccidentGrade.SERIOUS: "重大事故",
    AccidentGrade.RELATIVELY_SERIOUS: "较大事故",
    AccidentGrade.ORDINARY: "一般事故",
}
_GRADE_SEVERITY = {
    AccidentGrade.EXTRAORDINARILY_SERIOUS: 4,
    AccidentGrade.SERIOUS: 3,
    AccidentGrade.RELATIVELY_SERIOUS: 2,
    AccidentGrade.ORDINARY: 1,
}

# (grade, deaths, seriously injured, direct loss in yuan): the lowest figure ("以上") of each.
_THRESHOLDS: tuple[tuple[AccidentGrade, int, int, Decimal], ...] = (
    (AccidentGrade.EXTRAORDINARILY_SERIOUS, 30, 100, Decimal(100_000_000)),
    (AccidentGrade.SERIOUS, 10, 50, Decimal(50_000_000)),
    (AccidentGrade.RELATIVELY_SERIOUS, 3, 10, Decimal(10_000_000)),
)


def grade(deaths: int, serious_injuries: int, direct_loss_yuan: Decimal | Number) -> AccidentGrade:
    """Grade an accident (国务院令第493号 art. 3); the gravest of the three measures decides.

    Extraordinarily serious: ≥ 30 deaths, or ≥ 100 seriously injured (including acute
    industrial poisoning), or ≥ 100 million yuan direct loss; serious: 10–29, 50–99,
    50–100 million; relatively serious: 3–9, 10–49, 10–50 million; ordinary: below all of
    those. "以上" includes the number, "以下" excludes it. Negative figures raise ValueError.
    """
    dead = to_int(deaths, "deaths / 死亡人数")
    injured = to_int(serious_injuries, "serious_injuries / 重伤人数")
    loss = to_decimal(direct_loss_yuan, "direct_loss_yuan / 直接经济损失")
    for level, min_deaths, min_injured, min_loss in _THRESHOLDS:
        if dead >= min_deaths or injured >= min_injured or loss >= min_loss:
            return level
    return AccidentGrade.ORDINARY


class AdminLevel(enum.Enum):
    """Levels of government that receive reports and investigate accidents."""

    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"
    STATE_COUNCIL = "state_council"

    @property
    def label_zh(self) -> str:
        """Chinese name of the level."""
        return {
            "county": "县级",
            "city": "设区的市级",
            "province": "省级",
            "state_council": "国务院",
        }[self.value]

    @property
    def label_en(self) -> str:
        """English name of the level."""
        return {
            "county": "county level",
            "city": "city (with districts) level",
            "province": "provincial level",
            "state_council": "State Council",
        }[self.value]


UNIT_REPORT_HOURS = 1
"""Art. 9: the unit's head reports to the county-level authorities within 1 hour (✅)."""

REPORT_STEP_HOURS = 2
"""Art. 11: each level passes a report up within 2 hours (✅)."""

_REPORT_TOP = {
    AccidentGrade.EXTRAORDINARILY_SERIOUS: AdminLevel.STATE_COUNCIL,
    AccidentGrade.SERIOUS: AdminLevel.STATE_COUNCIL,
    AccidentGrade.RELATIVELY_SERIOUS: AdminLevel.PROVINCE,
    AccidentGrade.ORDINARY: AdminLevel.CITY,
}
_LEVELS = (AdminLevel.COUNTY, AdminLevel.CITY, AdminLevel.PROVINCE, AdminLevel.STATE_COUNCIL)


class ReportStep(NamedTuple):
    """One step of the report chain: the level reached, the hours this step may take, and the
    latest arrival counted from the moment the unit's head learnt of the accident."""

    level: AdminLevel
    within_hours: int
    cumulative_hours: int


def _check_grade(value: object) -> AccidentGrade:
    if isinstance(value, AccidentGrade):
        return value
    if isinstance(value, str):
        try:
            return AccidentGrade(value)
        except ValueError:
            pass
    allowed = ", ".join(member.value for member in AccidentGrade)
    raise ValueError(f"unknown accident grade {value!r}; allowed: {allowed} / 未知的事故等级")


def report_level(accident_grade: AccidentGrade | str) -> AdminLevel:
    """Return the highest level a report must reach (国务院令第493号 art. 10, ✅).

    Extraordinarily serious and serious: the State Council's work safety department (国务院安全
    生产监督管理部门); relatively serious: the province; ordinary: the city with districts.
    """
    return _REPORT_TOP[_check_grade(accident_grade)]


def reporting_chain(accident_grade: AccidentGrade | str) -> tuple[ReportStep, ...]:
    """Return the report's steps up to :func:`report_level` (国务院令第493号 art. 9–11).

    The county within 1 hour, then 2 hours for each level above; cumulative hours are counted
    from the head's receipt (the summary "一般 2 h、较大 4 h、重大 6 h" from the county is 🟡).
    Skipping levels (越级上报) is allowed when necessary and shortens the chain.
    """
    top = report_level(accident_grade)
    steps = [ReportStep(AdminLevel.COUNTY, UNIT_REPORT_HOURS, UNIT_REPORT_HOURS)]
    for level in _LEVELS[1 : _LEVELS.index(top) + 1]:
        cumulative = steps[-1].cumulative_hours + REPORT_STEP_HOURS
        steps.append(ReportStep(level, REPORT_STEP_HOURS, cumulative))
    return tuple(steps)


class Authority(NamedTuple):
    """Who investigates an accident (art. 19)."""

    level: AdminLevel
    label_zh: str
    label_en: str


_AUTHORITY = {
    AccidentGrade.EXTRAORDINARILY_SERIOUS: Authority(
        AdminLevel.STATE_COUNCIL,
        "国务院或者国务院授权有关部门组织事故调查组进行调查",
        "the State Council, or departments it authorises",
    ),
    AccidentGrade.SERIOUS: Authority(
        AdminLevel.PROVINCE,
        "事故发生地省级人民政府负责调查",
        "the provincial people's government where it happened",
    ),
    AccidentGrade.RELATIVELY_SERIOUS: Authority(
        AdminLevel.CITY,
        "事故发生地设区的市级人民政府负责调查",
        "the city (with districts) people's government where it happened",
    ),
    AccidentGrade.ORDINARY: Authority(
        AdminLevel.COUNTY,
        "事故发生地县级人民政府负责调查；未造成人员伤亡的一般事故，县级人民政府也可以委托事故发生"
        "单位组织事故调查组进行调查",
        "the county people's government where it happened; for an ordinary accident without "
        "casualties it may entrust the unit itself with the investigation",
    ),
}


def investigating_authority(accident_grade: AccidentGrade | str) -> Authority:
    """Return who investigates an accident of this grade (国务院令第493号 art. 19, ✅).

    The governments may investigate directly, or authorise or entrust departments to do so.
    A higher government may take over (art. 20, 未核对 / unchecked).
    """
    return _AUTHORITY[_check_grade(accident_grade)]


SUPPLEMENTARY_REPORT_DAYS = 30
"""Art. 13: casualty changes within 30 days of the accident are reported (✅)."""

SUPPLEMENTARY_REPORT_DAYS_ROAD_TRAFFIC_AND_FIRE = 7
"""Art. 13: 7 days for road traffic and fire accidents (✅)."""


def supplementary_report_days(*, road_traffic_or_fire: bool = False) -> int:
    """Return the window for supplementary casualty reports (国务院令第493号 art. 13, ✅).

    30 days from the day of the accident; 7 days for road traffic accidents and fires.
    """
    if road_traffic_or_fire:
        return SUPPLEMENTARY_REPORT_DAYS_ROAD_TRAFFIC_AND_FIRE
    return SUPPLEMENTARY_REPORT_DAYS


def _check_date(value: object, what: str) -> datetime.date:
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValueError(f"{what}: expected a date, got {value!r} / {what}：应为日期")
    return value


def supplementary_report_until(
    occurred_on: datetime.date, *, road_traffic_or_fire: bool = False
) -> datetime.date:
    """Last day on which a casualty change must still be reported (art. 13).

    The day of the accident does not count (《民法典》 art. 201; 未核对 / unchecked project
    decision), so the window ends 30 (or 7) days after it.
    """
    day = _check_date(occurred_on, "occurred_on / 事故发生日期")
    days = supplementary_report_days(road_traffic_or_fire=road_traffic_or_fire)
    return day + datetime.timedelta(days=days)


INVESTIGATION_DAYS = 60
"""Art. 29: the investigation report is due within 60 days of the accident (✅)."""

INVESTIGATION_MAX_EXTENSION_DAYS = 60
"""Art. 29: one extension, of at most 60 days, approved by the investigating government (✅)."""


def investigation_deadline(
    occurred_on: datetime.date, *, extension_days: int = 0, appraisal_days: int = 0
) -> datetime.date:
    """Return the day the investigation report is due (国务院令第493号 art. 29).

    60 days from the accident, plus an approved extension of at most 60 days; the time taken
    by technical appraisal (技术鉴定) does not count (🟡). The day of the accident does not count
    (未核对 / unchecked project decision). An extension above 60 days raises ValueError.
    """
    day = _check_date(occurred_on, "occurred_on / 事故发生日期")
    extension = to_int(extension_days, "extension_days / 延长天数")
    appraisal = to_int(appraisal_days, "appraisal_days / 技术鉴定天数")
    if extension > INVESTIGATION_MAX_EXTENSION_DAYS:
        raise ValueError(
            f"extension_days: at most {INVESTIGATION_MAX_EXTENSION_DAYS}, got {extension} / "
            f"调查期限延长最长不超过 {INVESTIGATION_MAX_EXTENSION_DAYS} 日"
        )
    return day + datetime.timedelta(days=INVESTIGATION_DAYS + extension + appraisal)


APPROVAL_DAYS = 15
"""Art. 32: serious, relatively serious and ordinary accidents: reply within 15 days (✅)."""

APPROVAL_DAYS_EXTRAORDINARY = 30
"""Art. 32: extraordinarily serious accidents: reply within 30 days (✅)."""

APPROVAL_MAX_EXTENSION_DAYS_EXTRAORDINARY = 30
"""Art. 32: that reply may be extended by at most 30 days in special cases (✅)."""


def approval_days(accident_grade: AccidentGrade | str) -> int:
    """Days from receiving the investigation report to the government's reply (art. 32, ✅).

    15 days, or 30 days for an extraordinarily serious accident (extendable by at most 30).
    """
    if _check_grade(accident_grade) is AccidentGrade.EXTRAORDINARILY_SERIOUS:
        return APPROVAL_DAYS_EXTRAORDINARY
    return APPROVAL_DAYS
