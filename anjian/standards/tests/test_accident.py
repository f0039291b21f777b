"""国务院令第493号: grades at every boundary, reporting, investigation and periods."""

import datetime
from decimal import Decimal

import pytest

from anjian.standards import accident
from anjian.standards.accident import AccidentGrade, AdminLevel

ES = AccidentGrade.EXTRAORDINARILY_SERIOUS
S = AccidentGrade.SERIOUS
RS = AccidentGrade.RELATIVELY_SERIOUS
O = AccidentGrade.ORDINARY  # noqa: E741


def test_grades_are_short_lowercase_choices_with_labels() -> None:
    assert [g.value for g in AccidentGrade] == [
        "extraordinarily_serious",
        "serious",
        "relatively_serious",
        "ordinary",
    ]
    assert [g.label_zh for g in AccidentGrade] == [
        "特别重大事故",
        "重大事故",
        "较大事故",
        "一般事故",
    ]
    assert ES.label_en == "extraordinarily serious accident"
    assert AccidentGrade.choices()[-1] == ("ordinary", "一般事故")


@pytest.mark.parametrize(
    ("deaths", "grade"),
    [(0, O), (2, O), (3, RS), (4, RS), (9, RS), (10, S), (11, S), (29, S), (30, ES), (31, ES)],
)
def test_deaths_boundaries(deaths: int, grade: AccidentGrade) -> None:
    assert accident.grade(deaths, 0, Decimal(0)) is grade


@pytest.mark.parametrize(
    ("injured", "grade"),
    [(9, O), (10, RS), (11, RS), (49, RS), (50, S), (51, S), (99, S), (100, ES), (101, ES)],
)
def test_serious_injury_boundaries(injured: int, grade: AccidentGrade) -> None:
    assert accident.grade(0, injured, Decimal(0)) is grade


@pytest.mark.parametrize(
    ("loss", "grade"),
    [
        ("9999999.99", O),
        ("10000000", RS),
        ("10000000.01", RS),
        ("49999999.99", RS),
        ("50000000", S),
        ("50000000.01", S),
        ("99999999.99", S),
        ("100000000", ES),
        ("100000000.01", ES),
    ],
)
def test_direct_loss_boundaries(loss: str, grade: AccidentGrade) -> None:
    assert accident.grade(0, 0, Decimal(loss)) is grade


def test_the_gravest_measure_decides() -> None:
    assert accident.grade(1, 60, Decimal(0)) is S
    assert accident.grade(3, 0, Decimal("150000000")) is ES


def test_float_and_string_losses_are_exact() -> None:
    assert accident.grade(0, 0, 1e7) is RS
    assert accident.grade(0, 0, "10000000") is RS


@pytest.mark.parametrize(
    "args",
    [(-1, 0, 0), (0, -1, 0), (0, 0, -1), (1.5, 0, 0), (True, 0, 0), (0, 0, "abc")],
)
def test_invalid_figures(args: tuple[object, object, object]) -> None:
    with pytest.raises(ValueError):
        accident.grade(*args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("grade", "levels", "cumulative"),
    [
        (O, ["county", "city"], [1, 3]),
        (RS, ["county", "city", "province"], [1, 3, 5]),
        (S, ["county", "city", "province", "state_council"], [1, 3, 5, 7]),
        (ES, ["county", "city", "province", "state_council"], [1, 3, 5, 7]),
    ],
)
def test_reporting_chain(grade: AccidentGrade, levels: list[str], cumulative: list[int]) -> None:
    chain = accident.reporting_chain(grade)
    assert [step.level.value for step in chain] == levels
    assert [step.cumulative_hours for step in chain] == cumulative
    assert chain[0].within_hours == 1 and all(step.within_hours == 2 for step in chain[1:])


def test_report_levels_and_authorities() -> None:
    assert accident.report_level("ordinary") is AdminLevel.CITY
    assert accident.report_level(RS) is AdminLevel.PROVINCE
    assert accident.investigating_authority(ES).level is AdminLevel.STATE_COUNCIL
    assert accident.investigating_authority(S).level is AdminLevel.PROVINCE
    assert accident.investigating_authority(RS).level is AdminLevel.CITY
    assert accident.investigating_authority(O).level is AdminLevel.COUNTY
    assert "委托事故发生单位" in accident.investigating_authority(O).label_zh


def test_unknown_grade_rejected() -> None:
    with pytest.raises(ValueError, match="allowed"):
        accident.report_level("huge")


def test_supplementary_report_window() -> None:
    assert accident.supplementary_report_days() == 30
    assert accident.supplementary_report_days(road_traffic_or_fire=True) == 7
    day = datetime.date(2024, 5, 1)
    assert accident.supplementary_report_until(day) == datetime.date(2024, 5, 31)
    assert accident.supplementary_report_until(day, road_traffic_or_fire=True) == datetime.date(
        2024, 5, 8
    )


def test_investigation_period_extends_once_by_at_most_60_days() -> None:
    day = datetime.date(2024, 1, 1)
    assert accident.investigation_deadline(day) == datetime.date(2024, 3, 1)
    assert accident.investigation_deadline(day, extension_days=60) == datetime.date(2024, 4, 30)
    assert accident.investigation_deadline(day, appraisal_days=10) == datetime.date(2024, 3, 11)
    with pytest.raises(ValueError, match="60"):
        accident.investigation_deadline(day, extension_days=61)
    with pytest.raises(ValueError, match="date"):
        accident.investigation_deadline("2024-01-01")  # type: ignore[arg-type]


def test_approval_days() -> None:
    assert accident.approval_days(ES) == 30
    assert {accident.approval_days(g) for g in (S, RS, O)} == {15}
