"""国务院令第493号 pinned: every period and hour count against the published article, the order
of the grades, grading at and around every threshold of each measure, and the periods' edges."""

import datetime
from decimal import Decimal

import pytest

from anjian.standards import accident
from anjian.standards.accident import AccidentGrade, AdminLevel, ReportStep

ES = AccidentGrade.EXTRAORDINARILY_SERIOUS
S = AccidentGrade.SERIOUS
RS = AccidentGrade.RELATIVELY_SERIOUS
O = AccidentGrade.ORDINARY  # noqa: E741


def test_the_periods_are_the_published_ones() -> None:
    assert accident.UNIT_REPORT_HOURS == 1  # art. 9
    assert accident.REPORT_STEP_HOURS == 2  # art. 11
    assert accident.SUPPLEMENTARY_REPORT_DAYS == 30  # art. 13
    assert accident.SUPPLEMENTARY_REPORT_DAYS_ROAD_TRAFFIC_AND_FIRE == 7  # art. 13
    assert accident.INVESTIGATION_DAYS == 60  # art. 29
    assert accident.INVESTIGATION_MAX_EXTENSION_DAYS == 60  # art. 29
    assert accident.APPROVAL_DAYS == 15  # art. 32
    assert accident.APPROVAL_DAYS_EXTRAORDINARY == 30  # art. 32
    assert accident.APPROVAL_MAX_EXTENSION_DAYS_EXTRAORDINARY == 30  # art. 32


def test_grades_are_strictly_ordered_by_severity() -> None:
    assert [g.severity for g in AccidentGrade] == [4, 3, 2, 1]
    assert sorted(AccidentGrade, key=lambda g: g.severity) == [O, RS, S, ES]
    assert len({g.severity for g in AccidentGrade}) == 4  # no two grades tie
    assert [g.label_en for g in AccidentGrade] == [
        "extraordinarily serious accident",
        "serious accident",
        "relatively serious accident",
        "ordinary accident",
    ]
    assert AccidentGrade.choices() == [
        ("extraordinarily_serious", "特别重大事故"),
        ("serious", "重大事故"),
        ("relatively_serious", "较大事故"),
        ("ordinary", "一般事故"),
    ]


# (deaths, seriously injured, loss in yuan) at which each grade begins ("以上" includes it).
THRESHOLDS = [(ES, 30, 100, 100_000_000), (S, 10, 50, 50_000_000), (RS, 3, 10, 10_000_000)]
BELOW = {ES: S, S: RS, RS: O}


@pytest.mark.parametrize(("grade", "deaths", "injured", "loss"), THRESHOLDS)
def test_each_measure_alone_reaches_the_grade_at_its_threshold(
    grade: AccidentGrade, deaths: int, injured: int, loss: int
) -> None:
    for figures in ((deaths, 0, 0), (0, injured, 0), (0, 0, loss)):
        assert accident.grade(*figures) is grade
    for figures in ((deaths + 1, 0, 0), (0, injured + 1, 0), (0, 0, loss + 1)):
        assert accident.grade(*figures) is grade
    for figures in ((deaths - 1, 0, 0), (0, injured - 1, 0), (0, 0, Decimal(loss) - 1)):
        assert accident.grade(*figures) is BELOW[grade]


def test_just_below_every_threshold_together_stays_ordinary() -> None:
    assert accident.grade(2, 9, "9999999.99") is O
    assert accident.grade(0, 0, 0) is O


def test_the_gravest_measure_decides_whichever_it_is() -> None:
    assert accident.grade(0, 0, 100_000_000) is ES
    assert accident.grade(30, 0, 0) is ES
    assert accident.grade(0, 100, 0) is ES
    assert accident.grade(3, 50, 0) is S
    assert accident.grade(10, 10, 0) is S
    assert accident.grade(2, 0, 10_000_000) is RS


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((-1, 0, 0), "^deaths / 死亡人数: must be at least 0"),
        ((0, -1, 0), "^serious_injuries / 重伤人数: must be at least 0"),
        ((0, 0, -1), "^direct_loss_yuan / 直接经济损失: must not be negative"),
    ],
)
def test_negative_figures_are_named(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        accident.grade(*args)


# --- reporting ----------------------------------------------------------------------------------


def test_report_levels_of_every_grade() -> None:
    assert [accident.report_level(g) for g in AccidentGrade] == [
        AdminLevel.STATE_COUNCIL,
        AdminLevel.STATE_COUNCIL,
        AdminLevel.PROVINCE,
        AdminLevel.CITY,
    ]
    assert accident.report_level("serious") is AdminLevel.STATE_COUNCIL


def test_the_reporting_chain_of_a_serious_accident_step_by_step() -> None:
    assert accident.reporting_chain("serious") == (
        ReportStep(AdminLevel.COUNTY, 1, 1),
        ReportStep(AdminLevel.CITY, 2, 3),
        ReportStep(AdminLevel.PROVINCE, 2, 5),
        ReportStep(AdminLevel.STATE_COUNCIL, 2, 7),
    )
    assert accident.reporting_chain(O) == (
        ReportStep(AdminLevel.COUNTY, 1, 1),
        ReportStep(AdminLevel.CITY, 2, 3),
    )


@pytest.mark.parametrize("value", ["huge", "", 3, None, "Serious"])
def test_unknown_grades_are_refused_with_the_allowed_ones(value: object) -> None:
    allowed = "allowed: extraordinarily_serious, serious, relatively_serious, ordinary"
    for function in (
        accident.report_level,
        accident.reporting_chain,
        accident.investigating_authority,
        accident.approval_days,
    ):
        with pytest.raises(ValueError, match=f"^unknown accident grade {value!r}; {allowed}"):
            function(value)  # type: ignore[arg-type]


def test_admin_levels_are_named() -> None:
    assert [(lv.label_zh, lv.label_en) for lv in AdminLevel] == [
        ("县级", "county level"),
        ("设区的市级", "city (with districts) level"),
        ("省级", "provincial level"),
        ("国务院", "State Council"),
    ]


def test_investigating_authorities_by_name() -> None:
    assert accident.investigating_authority("serious").label_zh == "事故发生地省级人民政府负责调查"
    assert "State Council" in accident.investigating_authority(ES).label_en
    assert accident.investigating_authority(RS).label_en.startswith("the city (with districts)")
    assert "entrust the unit" in accident.investigating_authority("ordinary").label_en


# --- periods ------------------------------------------------------------------------------------


def test_supplementary_window_for_both_kinds() -> None:
    day = datetime.date(2024, 2, 1)
    assert accident.supplementary_report_until(day) == datetime.date(2024, 3, 2)
    assert accident.supplementary_report_until(day, road_traffic_or_fire=True) == datetime.date(
        2024, 2, 8
    )
    assert accident.supplementary_report_days(road_traffic_or_fire=False) == 30
    with pytest.raises(ValueError, match="^occurred_on / 事故发生日期: expected a date"):
        accident.supplementary_report_until(datetime.datetime(2024, 2, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("extension", "appraisal", "due"),
    [
        (0, 0, datetime.date(2024, 3, 1)),
        (59, 0, datetime.date(2024, 4, 29)),
        (60, 0, datetime.date(2024, 4, 30)),  # the longest extension
        (60, 5, datetime.date(2024, 5, 5)),
        (0, 1, datetime.date(2024, 3, 2)),
    ],
)
def test_investigation_deadline(extension: int, appraisal: int, due: datetime.date) -> None:
    day = datetime.date(2024, 1, 1)
    assert (
        accident.investigation_deadline(day, extension_days=extension, appraisal_days=appraisal)
        == due
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"extension_days": 61},
            "^extension_days: at most 60, got 61 / 调查期限延长最长不超过 60 日",
        ),
        ({"extension_days": -1}, "^extension_days / 延长天数: must be at least 0"),
        ({"appraisal_days": -1}, "^appraisal_days / 技术鉴定天数: must be at least 0"),
    ],
)
def test_investigation_deadline_refusals(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        accident.investigation_deadline(datetime.date(2024, 1, 1), **kwargs)


@pytest.mark.parametrize("value", [datetime.datetime(2024, 1, 1), "2024-01-01"])  # noqa: DTZ001
def test_periods_need_a_date(value: object) -> None:
    message = "^occurred_on / 事故发生日期: expected a date, got"
    with pytest.raises(ValueError, match=message):
        accident.investigation_deadline(value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        accident.supplementary_report_until(value)  # type: ignore[arg-type]


def test_approval_days_by_grade_name() -> None:
    assert accident.approval_days("extraordinarily_serious") == 30
    assert [accident.approval_days(g.value) for g in (S, RS, O)] == [15, 15, 15]
