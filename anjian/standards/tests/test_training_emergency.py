"""Training hours, special operation certificates and emergency plan rules."""

import datetime

import pytest

from anjian.standards import emergency, training
from anjian.standards.emergency import PlanType
from anjian.standards.training import Role, TrainingHours


@pytest.mark.parametrize(
    ("role", "high_risk", "hours"),
    [
        (Role.PRINCIPAL, False, TrainingHours(32, 12)),
        (Role.PRINCIPAL, True, TrainingHours(48, 16)),
        ("safety_manager", False, TrainingHours(32, 12)),
        ("safety_manager", True, TrainingHours(48, 16)),
        (Role.NEW_WORKER, False, TrainingHours(24, None)),
        (Role.NEW_WORKER, True, TrainingHours(72, 20)),
    ],
)
def test_training_hours(role: Role | str, high_risk: bool, hours: TrainingHours) -> None:
    assert training.required_hours(role, high_risk=high_risk) == hours


def test_unknown_role() -> None:
    with pytest.raises(ValueError, match="allowed"):
        training.required_hours("boss", high_risk=False)


def test_three_level_education() -> None:
    general = training.three_level_education()
    assert general.hours is None and general.total_min_hours == 24
    assert training.three_level_education(high_risk=True).total_min_hours == 72
    assert training.three_level_education(construction=True).hours == (15, 15, 20)


def test_certificate_validity_and_reviews() -> None:
    issued = datetime.date(2024, 2, 29)
    assert training.certificate_expiry(issued) == datetime.date(2030, 2, 28)
    assert training.review_dates(datetime.date(2024, 1, 15)) == (
        datetime.date(2027, 1, 15),
        datetime.date(2030, 1, 15),
    )
    assert training.review_dates(datetime.date(2024, 1, 15), extended=True) == (
        datetime.date(2030, 1, 15),
    )


@pytest.mark.parametrize(
    ("years", "compliant", "interval"),
    [(0, True, 3), (9, True, 3), (10, True, 6), (11, True, 6), (12, False, 3)],
)
def test_review_interval(years: int, compliant: bool, interval: int) -> None:
    assert training.review_interval_years(years, compliant=compliant) == interval


@pytest.mark.parametrize(("months", "needed"), [(5, False), (6, True), (7, True)])
def test_practical_reexam_after_six_months(months: int, needed: bool) -> None:
    assert training.needs_practical_reexam(months) is needed


def test_reexam_threshold_is_configurable() -> None:
    assert training.needs_practical_reexam(3, threshold_months=3)


@pytest.mark.parametrize(
    ("plan", "key_unit", "months", "reported"),
    [
        (PlanType.COMPREHENSIVE, False, 12, False),
        (PlanType.SPECIALISED, False, 12, False),
        (PlanType.ON_SITE, False, 6, False),
        (PlanType.COMPREHENSIVE, True, 6, True),
        ("on_site", True, 6, True),
    ],
)
def test_drill_frequency(plan: PlanType | str, key_unit: bool, months: int, reported: bool) -> None:
    requirement = emergency.drill_requirement(plan, key_unit=key_unit)
    assert (requirement.max_interval_months, requirement.report_to_authority) == (months, reported)


def test_plan_rules() -> None:
    assert emergency.EVALUATION_INTERVAL_YEARS == 3
    assert emergency.FILING_WORKING_DAYS == 20
    assert emergency.requires_evaluation(key_unit=True)
    assert not emergency.requires_expert_review(key_unit=False)
    rule = emergency.filing_rule("central_enterprise_hq")
    assert "应急管理部" in rule.authority_zh and rule.unchecked
    assert PlanType.ON_SITE.label_zh == "现场处置方案"
    with pytest.raises(ValueError, match="allowed"):
        emergency.drill_requirement("yearly", key_unit=False)
    with pytest.raises(ValueError, match="allowed"):
        emergency.filing_rule("shop")
