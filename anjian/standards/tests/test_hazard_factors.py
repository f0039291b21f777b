"""GB/T 13861-2022: only the levels STANDARDS-FACTS.md §11 checked are marked checked."""

import pytest

from anjian.standards import hazard_factors
from anjian.standards._base import Status
from anjian.standards.hazard_factors import EDITION_2022, Factor


def test_the_four_top_classes_are_checked() -> None:
    top = [f for f in hazard_factors.factors() if f.level == 1]
    assert [(f.code, f.name) for f in top] == [
        ("1", "人的因素"), ("2", "物的因素"), ("3", "环境因素"), ("4", "管理因素"),
    ]  # fmt: skip
    assert {f.status for f in top} == {Status.CHECKED}


def test_only_the_checked_second_level_is_marked_checked() -> None:
    status = {f.code: f.status for f in hazard_factors.factors() if f.level == 2}
    assert {code for code, s in status.items() if s is Status.CHECKED} == {"11", "12", "21"}
    assert status["22"] is Status.PARTLY and status["23"] is Status.PARTLY
    assert all(s is Status.UNCHECKED for code, s in status.items() if code[0] in "34")


def test_every_unchecked_row_says_why() -> None:
    assert all(f.note for f in hazard_factors.factors() if f.status is not Status.CHECKED)


def test_codes_nest_under_their_parent() -> None:
    codes = {f.code for f in hazard_factors.factors()}
    assert all(f.parent in codes for f in hazard_factors.factors() if f.parent)
    assert hazard_factors.top_class("21").name == "物的因素"
    assert str(hazard_factors.by_code("12")) == "12 行为性危险和有害因素"


def test_unknown_codes_and_editions_raise() -> None:
    with pytest.raises(ValueError, match="没有"):
        hazard_factors.by_code("5")
    with pytest.raises(ValueError):
        hazard_factors.factors("GB/T 13861-2009")
    assert hazard_factors.factors()[0].edition == EDITION_2022


def test_the_edition_and_its_published_name() -> None:
    assert EDITION_2022 == "GB/T 13861-2022"
    assert hazard_factors.EDITIONS == ("GB/T 13861-2022",)
    assert {f.edition for f in hazard_factors.factors()} == {"GB/T 13861-2022"}
    assert hazard_factors.factors(EDITION_2022) == hazard_factors.factors()


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [("1", 1, ""), ("12", 2, "1"), ("1201", 3, "12"), ("120102", 4, "1201")],
)
def test_the_four_levels_of_a_code(code: str, level: int, parent: str) -> None:
    factor = Factor(EDITION_2022, code, "x", Status.UNCHECKED, "")
    assert (factor.level, factor.parent) == (level, parent)


@pytest.mark.parametrize("code", ["123", "12345", "1234567"])
def test_a_code_of_another_length_has_no_level(code: str) -> None:
    factor = Factor(EDITION_2022, code, "x", Status.UNCHECKED, "")
    with pytest.raises(KeyError):
        _ = factor.level
    with pytest.raises(KeyError):
        _ = factor.parent


def test_the_listed_rows_in_code_order() -> None:
    rows = hazard_factors.factors()
    assert [f.code for f in rows] == sorted(f.code for f in rows)
    assert rows[:4] == (
        Factor(EDITION_2022, "1", "人的因素", Status.CHECKED, ""),
        Factor(EDITION_2022, "11", "心理、生理性危险和有害因素", Status.CHECKED, ""),
        Factor(EDITION_2022, "12", "行为性危险和有害因素", Status.CHECKED, ""),
        Factor(EDITION_2022, "2", "物的因素", Status.CHECKED, ""),
    )
    assert len(rows) == 19
    assert all(f.note for f in rows if f.code[0] in "34" and f.level == 2)


def test_lookups_by_code() -> None:
    assert hazard_factors.by_code("21", EDITION_2022).code == "21"
    assert hazard_factors.top_class("12") == hazard_factors.by_code("1")
    assert hazard_factors.top_class("4", EDITION_2022).name == "管理因素"
    assert hazard_factors.top_class("31").name == "环境因素"


def test_the_errors_name_the_code_and_the_edition_in_both_languages() -> None:
    with pytest.raises(ValueError) as unknown:
        hazard_factors.by_code("5")
    assert str(unknown.value) == (
        "no hazard factor '5' in GB/T 13861-2022 / GB/T 13861-2022 中没有代码为 5 的危险有害因素"
    )
    with pytest.raises(ValueError) as edition:
        hazard_factors.by_code("1", "GB/T 13861-2009")
    assert str(edition.value) == (
        "unknown edition 'GB/T 13861-2009' / 未知的危险有害因素分类版本：GB/T 13861-2009"
    )
    with pytest.raises(ValueError, match="未知"):
        hazard_factors.top_class("1", "GB/T 13861-2009")
