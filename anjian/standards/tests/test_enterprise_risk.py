"""The enterprise level: highest point, raised by each rule at its boundaries, configurable."""

import pytest

from anjian.standards import enterprise_risk
from anjian.standards.enterprise_risk import RAISING_RULES_ENV, derive, raising_rules
from anjian.standards.risk import RiskLevel

LOW, MODERATE, HIGH, MAJOR = RiskLevel.LOW, RiskLevel.MODERATE, RiskLevel.HIGH, RiskLevel.MAJOR


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RAISING_RULES_ENV, raising=False)


def test_no_point_and_no_fact_is_unassessed() -> None:
    assert derive([]) == (None, None, ())


def test_the_highest_point_decides() -> None:
    assert derive([LOW, HIGH, MODERATE]).level is HIGH
    assert derive([LOW]).level is LOW


@pytest.mark.parametrize(
    ("grade", "expected"), [("1", MAJOR), ("2", MAJOR), ("3", HIGH), ("4", HIGH)]
)
def test_a_major_hazard_installation_raises_by_its_grade(grade: str, expected: RiskLevel) -> None:
    derived = derive([LOW], major_hazard_grade=grade)
    assert derived.level is expected
    assert derived.raised_by == (f"major_hazard:{grade}",)
    assert derived.highest_point is LOW


def test_a_raising_rule_never_lowers() -> None:
    derived = derive([MAJOR], major_hazard_grade="4")
    assert derived.level is MAJOR and derived.raised_by == ()
    assert derive([HIGH], major_hazard_grade="3").raised_by == ()  # equal: not raised


def test_an_open_major_danger_raises_to_major_from_one_on() -> None:
    assert derive([LOW], open_major_dangers=0).level is LOW
    derived = derive([LOW], open_major_dangers=1)
    assert derived.level is MAJOR and derived.raised_by == ("open_major_danger:1",)


def test_a_fact_alone_sets_the_level() -> None:
    assert derive([], major_hazard_grade="3").level is HIGH


def test_both_facts_name_both_reasons() -> None:
    derived = derive([MODERATE], major_hazard_grade="1", open_major_dangers=2)
    assert derived.raised_by == ("major_hazard:1", "open_major_danger:2")


def test_the_rules_are_configurable() -> None:
    rules = {"major_hazard": {"4": "moderate"}, "open_major_danger": None}
    assert derive([LOW], major_hazard_grade="4", rules=rules).level is MODERATE
    assert derive([LOW], major_hazard_grade="1", rules=rules).level is LOW  # grade not listed
    assert derive([LOW], open_major_dangers=3, rules=rules).level is LOW


def test_the_environment_sets_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RAISING_RULES_ENV, '{"open_major_danger": "high"}')
    assert derive([LOW], open_major_dangers=1).level is HIGH
    assert raising_rules().major_hazard["1"] is MAJOR  # the other key keeps its default


@pytest.mark.parametrize(
    "bad",
    ["not json", "[]", '{"other": 1}', '{"major_hazard": {"5": "major"}}',
     '{"open_major_danger": "red"}'],
)  # fmt: skip
def test_a_malformed_setting_raises(bad: str) -> None:
    with pytest.raises(ValueError, match="/"):
        raising_rules(bad)


def test_bad_facts_raise() -> None:
    with pytest.raises(ValueError):
        derive([], major_hazard_grade="0")
    with pytest.raises(ValueError):
        derive([], open_major_dangers=-1)


def test_the_defaults_say_they_are_unchecked() -> None:
    assert enterprise_risk.RAISING_RULES_STATUS.value == "unchecked"
    assert "未核对" in (enterprise_risk.__doc__ or "")
