"""GB/T 13861-2022: only the levels STANDARDS-FACTS.md §11 checked are marked checked."""

import pytest

from anjian.standards import hazard_factors
from anjian.standards._base import Status
from anjian.standards.hazard_factors import EDITION_2022


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
