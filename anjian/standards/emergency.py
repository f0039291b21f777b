"""《生产安全事故应急预案管理办法》(原国家安监总局令第88号, amended by 应急管理部令第2号, 2019):
drills, evaluation, review and filing of emergency plans.

Drill frequency (art. 33, ✅ [S25]): a unit drills its comprehensive or specialised plans at
least once a year and its on-site response plans at least every six months; key units (危险物品
units, mines, metal smelting, urban rail, construction, crowded places) drill at least every six
months and report the drills (also 《生产安全事故应急条例》国务院令第708号 art. 8). The
ministry reads art. 33 as a minimum; Jiangsu requires every on-site plan to be drilled every six
months — the platform plans drills per plan and checks the unit-wide minimum.

Evaluation every 3 years (art. 35, 🟡); filing within 20 working days of publication (art. 26,
🟡); filing authority, materials and the 5-working-day check (art. 26–28) are 未核对 / unchecked.
Working days follow the application's holiday calendar; this module only gives the numbers.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

__all__ = [
    "EVALUATION_INTERVAL_YEARS",
    "FILING_CHECK_WORKING_DAYS",
    "FILING_WORKING_DAYS",
    "KEY_UNIT_KINDS",
    "DrillRequirement",
    "FilingRule",
    "PlanType",
    "UnitKind",
    "drill_requirement",
    "filing_rule",
    "requires_evaluation",
    "requires_expert_review",
]

CITATION = "《生产安全事故应急预案管理办法》（应急管理部令第2号修正）"


class PlanType(enum.Enum):
    """The three kinds of emergency plan; values suit Django ``choices``."""

    COMPREHENSIVE = "comprehensive"
    SPECIALISED = "specialised"
    ON_SITE = "on_site"

    @property
    def label_zh(self) -> str:
        """Chinese name."""
        return {
            "comprehensive": "综合应急预案",
            "specialised": "专项应急预案",
            "on_site": "现场处置方案",
        }[self.value]

    @property
    def label_en(self) -> str:
        """English name."""
        return {
            "comprehensive": "comprehensive emergency plan",
            "specialised": "specialised emergency plan",
            "on_site": "on-site response plan",
        }[self.value]


KEY_UNIT_KINDS: tuple[str, ...] = (
    "易燃易爆物品、危险化学品等危险物品的生产、经营、储存、运输单位",
    "矿山",
    "金属冶炼",
    "城市轨道交通运营",
    "建筑施工",
    "宾馆、商场、娱乐场所、旅游景区等人员密集场所经营单位",
)
"""Units that must drill every six months and report their drills (art. 33 para. 2, ✅)."""


class DrillRequirement(NamedTuple):
    """The longest allowed interval between drills, and whether drills are reported."""

    max_interval_months: int
    report_to_authority: bool
    note_zh: str


def drill_requirement(plan_type: PlanType | str, *, key_unit: bool) -> DrillRequirement:
    """Return how often a plan must be drilled (应急预案管理办法 art. 33, ✅).

    Key units (:data:`KEY_UNIT_KINDS`): every 6 months, reported to the county-level
    authorities. Other units: comprehensive or specialised plans at least once a year (one drill
    of either kind satisfies the year), on-site response plans every 6 months.
    """
    kind = _plan_type(plan_type)
    if key_unit:
        return DrillRequirement(
            6,
            True,
            "至少每半年组织一次生产安全事故应急预案演练，并将演练情况报送所在地县级以上地方人民政府负有安全生产监督管理职责的部门",
        )
    if kind is PlanType.ON_SITE:
        return DrillRequirement(6, False, "每半年至少组织一次现场处置方案演练")
    return DrillRequirement(12, False, "每年至少组织一次综合应急预案演练或者专项应急预案演练")


def _plan_type(value: PlanType | str) -> PlanType:
    try:
        return value if isinstance(value, PlanType) else PlanType(value)
    except ValueError:
        allowed = ", ".join(member.value for member in PlanType)
        raise ValueError(
            f"unknown plan type {value!r}; allowed: {allowed} / 未知的预案类型"
        ) from None


EVALUATION_INTERVAL_YEARS = 3
"""Listed units evaluate their plans every 3 years (art. 35, 🟡)."""


def requires_evaluation(*, key_unit: bool, medium_or_larger: bool = False) -> bool:
    """Whether a unit must evaluate its plans every 3 years (应急预案管理办法 art. 35, 🟡).

    Mines, metal smelting, construction, hazardous-goods units, chemical plants using hazardous
    chemicals above the prescribed quantity, fireworks producers and wholesalers, and other units
    of medium size or larger.
    """
    return key_unit or medium_or_larger


def requires_expert_review(*, key_unit: bool, medium_or_larger: bool = False) -> bool:
    """Whether a unit must have its plans reviewed (评审) with written minutes (art. 21, 🟡).

    The same units as for evaluation; other units may choose a lighter argumentation (论证).
    """
    return key_unit or medium_or_larger


FILING_WORKING_DAYS = 20
"""Plans are filed within 20 working days of publication (art. 26, 🟡)."""

FILING_CHECK_WORKING_DAYS = 5
"""The receiving department checks a filing within 5 working days (art. 28, 未核对 / unchecked)."""


class UnitKind(enum.Enum):
    """Kinds of unit that file their plans in different places (art. 26, 未核对 / unchecked)."""

    CENTRAL_ENTERPRISE_HQ = "central_enterprise_hq"
    CENTRAL_ENTERPRISE_SUBSIDIARY = "central_enterprise_subsidiary"
    LISTED_HIGH_RISK = "listed_high_risk"
    OTHER = "other"


class FilingRule(NamedTuple):
    """Where a plan is filed, within how many working days, and the check status."""

    authority_zh: str
    working_days: int
    unchecked: bool


def filing_rule(kind: UnitKind | str) -> FilingRule:
    """Return where a unit files its emergency plans (应急预案管理办法 art. 26; 未核对 / unchecked).

    Central enterprise headquarters (and listed companies): the competent State Council
    department, copied to the Ministry of Emergency Management; their subsidiaries: the provincial
    or city department, copied to the emergency management department of that level; non-central
    mines, metal smelting, hazardous-goods and fireworks units and chemical plants: the local
    emergency management department of county level or above by affiliation; other units: as the
    province decides. All within 20 working days of publication (🟡).
    """
    try:
        unit = kind if isinstance(kind, UnitKind) else UnitKind(kind)
    except ValueError:
        allowed = ", ".join(member.value for member in UnitKind)
        raise ValueError(
            f"unknown unit kind {kind!r}; allowed: {allowed} / 未知的单位类型"
        ) from None
    authority = {
        UnitKind.CENTRAL_ENTERPRISE_HQ: (
            "国务院主管的负有安全生产监督管理职责的部门，并抄送应急管理部"
        ),
        UnitKind.CENTRAL_ENTERPRISE_SUBSIDIARY: (
            "所在地省级或设区的市级主管的负有安全生产监督管理职责的部门，并抄送同级应急管理部门"
        ),
        UnitKind.LISTED_HIGH_RISK: "按隶属关系报所在地县级以上地方人民政府应急管理部门",
        UnitKind.OTHER: "由省、自治区、直辖市人民政府负有安全生产监督管理职责的部门确定",
    }[unit]
    return FilingRule(authority, FILING_WORKING_DAYS, True)
