"""The enterprise level's raising rules at their edges: the grades accepted, the setting read
from the environment, the wording of a bad setting, and which facts are named as raising."""

from types import MappingProxyType

import pytest

from anjian.standards import enterprise_risk
from anjian.standards._base import Status
from anjian.standards.enterprise_risk import (
    RAISING_RULES_DEFAULT,
    RAISING_RULES_ENV,
    RaisingRules,
    derive,
    raising_rules,
)
from anjian.standards.risk import RiskLevel

LOW, MODERATE, HIGH, MAJOR = RiskLevel.LOW, RiskLevel.MODERATE, RiskLevel.HIGH, RiskLevel.MAJOR


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RAISING_RULES_ENV, raising=False)


def test_the_defaults_and_their_names() -> None:
    assert RAISING_RULES_ENV == "ANJIAN_ENTERPRISE_RISK_RULES"
    assert enterprise_risk.GRADES == ("1", "2", "3", "4")
    assert dict(RAISING_RULES_DEFAULT.major_hazard) == {
        "1": MAJOR,
        "2": MAJOR,
        "3": HIGH,
        "4": HIGH,
    }
    assert RAISING_RULES_DEFAULT.open_major_danger is MAJOR
    assert enterprise_risk.RAISING_RULES_STATUS is Status.UNCHECKED
    assert raising_rules() is RAISING_RULES_DEFAULT
    assert isinstance(raising_rules({}).major_hazard, MappingProxyType)


@pytest.mark.parametrize("env", ["", "   ", "\n"])
def test_an_empty_environment_setting_is_the_default(monkeypatch, env: str) -> None:
    monkeypatch.setenv(RAISING_RULES_ENV, env)
    assert raising_rules() is RAISING_RULES_DEFAULT


def test_a_padded_environment_setting_is_read(monkeypatch) -> None:
    monkeypatch.setenv(RAISING_RULES_ENV, '  {"open_major_danger": null}  ')
    assert raising_rules() == RaisingRules(RAISING_RULES_DEFAULT.major_hazard, None)


def test_given_rules_win_over_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(RAISING_RULES_ENV, '{"open_major_danger": "low"}')
    assert raising_rules('{"open_major_danger": "high"}').open_major_danger is HIGH
    given = RaisingRules(MappingProxyType({}), None)
    assert raising_rules(given) is given
    assert raising_rules().open_major_danger is LOW


def test_a_bad_environment_setting_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv(RAISING_RULES_ENV, "{oops")
    with pytest.raises(ValueError) as refused:
        raising_rules()
    assert str(refused.value) == (
        "ANJIAN_ENTERPRISE_RISK_RULES: not JSON: '{oops' / 企业风险升级规则无法解析"
    )


def test_the_wording_of_each_bad_setting() -> None:
    with pytest.raises(ValueError) as not_json:
        raising_rules("nope")
    assert str(not_json.value) == "rules: not JSON: 'nope' / 企业风险升级规则无法解析"
    with pytest.raises(ValueError) as shape:
        raising_rules({"major_hazard": {}, "other": 1})
    assert str(shape.value) == (
        "rules: expected an object with major_hazard and/or open_major_danger / "
        "企业风险升级规则应为含 major_hazard、open_major_danger 的对象"
    )
    with pytest.raises(ValueError, match="^rules: expected an object"):
        raising_rules("[1]")
    with pytest.raises(ValueError) as grades:
        raising_rules({"major_hazard": {"0": "major"}})
    assert (
        str(grades.value)
        == "rules: major_hazard maps grades 1–4 to levels / 重大危险源级别应为 1–4"
    )
    with pytest.raises(ValueError, match="^rules: major_hazard maps"):
        raising_rules({"major_hazard": ["1"]})
    with pytest.raises(ValueError) as level:
        raising_rules({"major_hazard": {"1": "red"}})
    assert str(level.value) == (
        "rules: risk level must be one of major, high, moderate, low, got 'red' / 风险等级取值无效"
    )
    with pytest.raises(ValueError, match="got 'amber'"):
        raising_rules({"open_major_danger": "amber"})


def test_a_partial_setting_keeps_the_other_default() -> None:
    only_danger = raising_rules({"open_major_danger": "moderate"})
    assert only_danger == RaisingRules(RAISING_RULES_DEFAULT.major_hazard, MODERATE)
    only_hazard = raising_rules({"major_hazard": {"1": "high", "4": "low"}})
    assert dict(only_hazard.major_hazard) == {"1": HIGH, "4": LOW}
    assert only_hazard.open_major_danger is MAJOR


@pytest.mark.parametrize("grade", ["0", "5", "", "一级", 1])
def test_a_grade_outside_one_to_four_is_refused(grade: object) -> None:
    with pytest.raises(ValueError) as refused:
        derive([], major_hazard_grade=grade)  # type: ignore[arg-type]
    assert str(refused.value) == (
        f"major hazard grade must be 1–4, got {grade!r} / 重大危险源级别应为 1–4"
    )


def test_a_negative_count_of_open_dangers_is_refused() -> None:
    with pytest.raises(ValueError) as refused:
        derive([], open_major_dangers=-1)
    assert (
        str(refused.value) == "open_major_dangers must not be negative / 未销号重大隐患数不得为负"
    )
    assert derive([], open_major_dangers=0) == (None, None, ())


@pytest.mark.parametrize(
    "points",
    [[LOW, MODERATE, HIGH, MAJOR], [MAJOR, HIGH, MODERATE, LOW], [HIGH, MAJOR, LOW]],
)
def test_the_highest_point_is_the_most_severe_in_any_order(points) -> None:
    derived = derive(points)
    assert derived == (MAJOR, MAJOR, ())


def test_the_levels_as_an_order() -> None:
    for lower, higher in [(LOW, MODERATE), (MODERATE, HIGH), (HIGH, MAJOR)]:
        assert derive([lower, higher]).level is higher
        assert derive([higher, lower]).level is higher
        assert (
            derive([lower], rules={"open_major_danger": higher.value}, open_major_dangers=1)[0]
            is higher
        )
        assert (
            derive([higher], rules={"open_major_danger": lower.value}, open_major_dangers=1)[0]
            is higher
        )


def test_only_the_fact_that_set_the_level_is_named() -> None:
    derived = derive([LOW], major_hazard_grade="3", open_major_dangers=1)
    assert derived == (MAJOR, LOW, ("open_major_danger:1",))
    derived = derive([MODERATE], major_hazard_grade="2", open_major_dangers=0)
    assert derived == (MAJOR, MODERATE, ("major_hazard:2",))


def test_a_fact_alone_is_named_even_at_the_lowest_level() -> None:
    derived = derive([], major_hazard_grade="4", rules={"major_hazard": {"4": "low"}})
    assert derived == (LOW, None, ("major_hazard:4",))
    derived = derive([], open_major_dangers=2, rules={"open_major_danger": "low"})
    assert derived == (LOW, None, ("open_major_danger:2",))


def test_a_grade_the_rules_do_not_list_raises_nothing() -> None:
    rules = {"major_hazard": {"1": "major"}}
    assert derive([MODERATE], major_hazard_grade="2", rules=rules) == (MODERATE, MODERATE, ())
    assert derive([], major_hazard_grade="2", rules=rules) == (None, None, ())


def test_a_setting_may_give_all_four_grades() -> None:
    rules = raising_rules(
        {"major_hazard": {"1": "major", "2": "high", "3": "moderate", "4": "low"}}
    )
    assert dict(rules.major_hazard) == {"1": MAJOR, "2": HIGH, "3": MODERATE, "4": LOW}


def test_a_bad_danger_level_names_where_it_was_set(monkeypatch) -> None:
    with pytest.raises(ValueError) as given:
        raising_rules({"open_major_danger": "amber"})
    assert str(given.value) == (
        "rules: risk level must be one of major, high, moderate, low, got 'amber'"
        " / 风险等级取值无效"
    )
    monkeypatch.setenv(RAISING_RULES_ENV, '{"major_hazard": {"2": "amber"}}')
    with pytest.raises(ValueError, match="^ANJIAN_ENTERPRISE_RISK_RULES: risk level must be"):
        raising_rules()
    monkeypatch.setenv(RAISING_RULES_ENV, '{"open_major_danger": "amber"}')
    with pytest.raises(ValueError, match="^ANJIAN_ENTERPRISE_RISK_RULES: risk level must be"):
        raising_rules()
