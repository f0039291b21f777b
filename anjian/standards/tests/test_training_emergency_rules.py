"""Training, certificates and emergency plans pinned: every period and hour count against the
published clause, each threshold at, below and above, and each rule with both argument values."""

import datetime

import pytest

from anjian.standards import emergency, training
from anjian.standards.emergency import DrillRequirement, FilingRule, PlanType, UnitKind
from anjian.standards.training import Role, ThreeLevelEducation, TrainingHours

# --- training -----------------------------------------------------------------------------------


def test_certificate_periods_are_the_published_ones() -> None:
    assert training.CERTIFICATE_VALIDITY_YEARS == 6  # art. 19
    assert training.REVIEW_INTERVAL_YEARS == 3  # art. 21
    assert training.EXTENDED_REVIEW_INTERVAL_YEARS == 6  # art. 21
    assert training.EXTENDED_REVIEW_CONTINUOUS_YEARS == 10  # art. 21
    assert training.REVIEW_APPLICATION_DAYS == 60  # art. 22
    assert training.REVIEW_TRAINING_HOURS == 8  # art. 23
    assert training.REEXAM_AFTER_MONTHS_AWAY == 6
    assert training.HIGH_RISK_INDUSTRIES == (
        "煤矿",
        "非煤矿山",
        "危险化学品",
        "烟花爆竹",
        "金属冶炼",
    )


def test_roles_are_named() -> None:
    assert [(r.value, r.label_zh, r.label_en) for r in Role] == [
        ("principal", "主要负责人", "principal"),
        ("safety_manager", "安全生产管理人员", "safety manager"),
        ("new_worker", "新上岗从业人员", "new worker"),
    ]


def test_unknown_role_lists_the_allowed_ones() -> None:
    with pytest.raises(
        ValueError, match="^unknown role 'boss'; allowed: principal, safety_manager, new_worker"
    ):
        training.required_hours("boss", high_risk=True)


def test_three_level_education_in_full() -> None:
    assert training.three_level_education() == ThreeLevelEducation(
        ("厂（矿）", "车间（工段、区、队）", "班组"), None, 24, "安监总局令第3号 第十二条、第十三条"
    )
    assert training.three_level_education(high_risk=True).total_min_hours == 72
    assert training.three_level_education(high_risk=False, construction=False).total_min_hours == 24
    construction = training.three_level_education(construction=True, high_risk=True)
    assert construction == ThreeLevelEducation(
        ("公司", "项目", "班组"),
        (15, 15, 20),
        50,
        "《建筑业企业职工安全培训教育暂行规定》（建教〔1997〕83号）",
    )
    assert sum(construction.hours or ()) == construction.total_min_hours


def test_required_hours_by_name() -> None:
    assert training.required_hours("new_worker", high_risk=True) == TrainingHours(72, 20)
    assert training.required_hours("principal", high_risk=False) == TrainingHours(32, 12)


@pytest.mark.parametrize(
    ("issued", "expiry"),
    [
        (datetime.date(2024, 1, 15), datetime.date(2030, 1, 15)),
        (datetime.date(2024, 2, 29), datetime.date(2030, 2, 28)),
        (datetime.date(2023, 12, 31), datetime.date(2029, 12, 31)),
    ],
)
def test_certificate_expires_six_years_after_issue(
    issued: datetime.date, expiry: datetime.date
) -> None:
    assert training.certificate_expiry(issued) == expiry


def test_certificate_expiry_needs_a_date() -> None:
    with pytest.raises(ValueError, match="^issued_on: expected a date"):
        training.certificate_expiry(datetime.datetime(2024, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="^issued_on: expected a date"):
        training.certificate_expiry("2024-01-01")  # type: ignore[arg-type]


def test_add_years_keeps_the_day_and_shortens_29_february() -> None:
    assert training.add_years(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)
    assert training.add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert training.add_years(datetime.date(2024, 3, 31), 3) == datetime.date(2027, 3, 31)
    assert training.add_years(datetime.date(2024, 5, 1), 0) == datetime.date(2024, 5, 1)


def test_review_dates_from_29_february() -> None:
    assert training.review_dates(datetime.date(2024, 2, 29)) == (
        datetime.date(2027, 2, 28),
        datetime.date(2030, 2, 28),
    )
    assert training.review_dates(datetime.date(2024, 2, 29), extended=True) == (
        datetime.date(2030, 2, 28),
    )
    assert training.review_dates(datetime.date(2024, 2, 29), extended=False)[-1] == (
        training.certificate_expiry(datetime.date(2024, 2, 29))
    )


@pytest.mark.parametrize(
    ("years", "compliant", "interval"),
    [(9, True, 3), (10, True, 6), (11, True, 6), (10, False, 3), (30, False, 3), ("10", True, 6)],
)
def test_review_interval_at_ten_years(years: int, compliant: bool, interval: int) -> None:
    assert training.review_interval_years(years, compliant=compliant) == interval


def test_review_interval_defaults_to_three_and_refuses_negative_years() -> None:
    assert training.review_interval_years() == 3
    assert training.review_interval_years(10) == 6  # compliant unless said otherwise
    with pytest.raises(ValueError, match="^continuous_years / 连续从事年限: must be at least 0"):
        training.review_interval_years(-1)


@pytest.mark.parametrize(
    ("months", "threshold", "needed"),
    [(3, 4, False), (4, 4, True), (5, 4, True), (0, 1, False), (1, 1, True)],
)
def test_practical_reexam_threshold(months: int, threshold: int, needed: bool) -> None:
    assert training.needs_practical_reexam(months, threshold_months=threshold) is needed


def test_practical_reexam_refusals() -> None:
    with pytest.raises(ValueError, match="^months_away / 离岗月数: must be at least 0"):
        training.needs_practical_reexam(-1)
    with pytest.raises(ValueError, match="^threshold_months: must be at least 1"):
        training.needs_practical_reexam(5, threshold_months=0)


# --- emergency plans ----------------------------------------------------------------------------


def test_plan_periods_are_the_published_ones() -> None:
    assert emergency.EVALUATION_INTERVAL_YEARS == 3  # art. 35
    assert emergency.FILING_WORKING_DAYS == 20  # art. 26
    assert emergency.FILING_CHECK_WORKING_DAYS == 5  # art. 28
    assert emergency.KEY_UNIT_KINDS == (
        "易燃易爆物品、危险化学品等危险物品的生产、经营、储存、运输单位",
        "矿山",
        "金属冶炼",
        "城市轨道交通运营",
        "建筑施工",
        "宾馆、商场、娱乐场所、旅游景区等人员密集场所经营单位",
    )


def test_plan_types_are_named() -> None:
    assert [(p.value, p.label_zh, p.label_en) for p in PlanType] == [
        ("comprehensive", "综合应急预案", "comprehensive emergency plan"),
        ("specialised", "专项应急预案", "specialised emergency plan"),
        ("on_site", "现场处置方案", "on-site response plan"),
    ]


def test_drill_requirements_in_full() -> None:
    key = emergency.drill_requirement("specialised", key_unit=True)
    assert key == DrillRequirement(
        6,
        True,
        "至少每半年组织一次生产安全事故应急预案演练，并将演练情况报送所在地县级以上地方人民政府负有安全生产监督管理职责的部门",
    )
    assert emergency.drill_requirement("on_site", key_unit=False) == DrillRequirement(
        6, False, "每半年至少组织一次现场处置方案演练"
    )
    assert emergency.drill_requirement(PlanType.SPECIALISED, key_unit=False) == DrillRequirement(
        12, False, "每年至少组织一次综合应急预案演练或者专项应急预案演练"
    )
    with pytest.raises(
        ValueError,
        match="^unknown plan type 'yearly'; allowed: comprehensive, specialised, on_site",
    ):
        emergency.drill_requirement("yearly", key_unit=True)


@pytest.mark.parametrize(
    ("key_unit", "medium_or_larger", "required"),
    [(False, False, False), (True, False, True), (False, True, True), (True, True, True)],
)
def test_evaluation_and_review_for_every_combination(
    key_unit: bool, medium_or_larger: bool, required: bool
) -> None:
    assert (
        emergency.requires_evaluation(key_unit=key_unit, medium_or_larger=medium_or_larger)
        is required
    )
    assert (
        emergency.requires_expert_review(key_unit=key_unit, medium_or_larger=medium_or_larger)
        is required
    )


def test_evaluation_and_review_default_to_small_units() -> None:
    assert emergency.requires_evaluation(key_unit=False) is False
    assert emergency.requires_expert_review(key_unit=True) is True


@pytest.mark.parametrize(
    ("kind", "authority"),
    [
        ("central_enterprise_hq", "国务院主管的负有安全生产监督管理职责的部门，并抄送应急管理部"),
        (
            UnitKind.CENTRAL_ENTERPRISE_SUBSIDIARY,
            "所在地省级或设区的市级主管的负有安全生产监督管理职责的部门，并抄送同级应急管理部门",
        ),
        ("listed_high_risk", "按隶属关系报所在地县级以上地方人民政府应急管理部门"),
        (UnitKind.OTHER, "由省、自治区、直辖市人民政府负有安全生产监督管理职责的部门确定"),
    ],
)
def test_filing_rule_of_every_kind(kind: UnitKind | str, authority: str) -> None:
    assert emergency.filing_rule(kind) == FilingRule(authority, 20, True)


def test_unknown_unit_kind_lists_the_allowed_ones() -> None:
    with pytest.raises(
        ValueError,
        match="^unknown unit kind 'shop'; allowed: central_enterprise_hq, "
        "central_enterprise_subsidiary, listed_high_risk, other",
    ):
        emergency.filing_rule("shop")
