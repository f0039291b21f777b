"""LEC and LS risk evaluation: allowed values, bands and their boundaries, the LS setting."""

from decimal import Decimal

import pytest

from anjian.standards import risk
from anjian.standards.risk import Evaluation, RiskLevel


def test_risk_levels_are_short_lowercase_choices_with_labels_and_colours() -> None:
    assert [level.value for level in RiskLevel] == ["major", "high", "moderate", "low"]
    assert [level.label_zh for level in RiskLevel] == ["重大风险", "较大风险", "一般风险", "低风险"]
    assert [level.colour for level in RiskLevel] == ["red", "orange", "yellow", "blue"]
    assert RiskLevel.MAJOR.label_en == "major risk"
    assert RiskLevel.choices()[0] == ("major", "重大风险")
    assert RiskLevel.MAJOR.severity > RiskLevel.HIGH.severity > RiskLevel.LOW.severity


@pytest.mark.parametrize(
    ("lv", "e", "c", "score", "level"),
    [
        (10, 10, 100, "10000", RiskLevel.MAJOR),
        (6, 6, 15, "540", RiskLevel.MAJOR),
        (3, 6, 15, "270", RiskLevel.HIGH),
        (1, 10, 7, "70", RiskLevel.MODERATE),  # exactly at 70: moderate
        (10, 1, 7, "70", RiskLevel.MODERATE),
        (3, 3, 7, "63", RiskLevel.LOW),
        (6, 2, 7, "84", RiskLevel.MODERATE),
        ("0.5", 6, 40, "120", RiskLevel.MODERATE),
        (0.1, 0.5, 1, "0.05", RiskLevel.LOW),
        (Decimal("0.2"), 10, 100, "200", RiskLevel.HIGH),
    ],
)
def test_lec(lv: object, e: object, c: object, score: str, level: RiskLevel) -> None:
    assert risk.lec(lv, e, c) == Evaluation(Decimal(score), level)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("d", "level"),
    [
        ("320", RiskLevel.MAJOR),
        ("320.01", RiskLevel.MAJOR),
        ("319.99", RiskLevel.HIGH),
        ("160", RiskLevel.HIGH),
        ("159.99", RiskLevel.MODERATE),
        ("70", RiskLevel.MODERATE),
        ("69.99", RiskLevel.LOW),
        ("0", RiskLevel.LOW),
    ],
)
def test_lec_bands_include_their_lower_bound(d: str, level: RiskLevel) -> None:
    assert risk.lec_level(d) is level


@pytest.mark.parametrize(
    ("d", "danger"),
    [
        ("320", risk.LecDanger.EXTREME),
        ("160", risk.LecDanger.HIGH),
        ("70", risk.LecDanger.SIGNIFICANT),
        ("20", risk.LecDanger.GENERAL),
        ("19.99", risk.LecDanger.SLIGHT),
    ],
)
def test_lec_classic_danger_classes(d: str, danger: risk.LecDanger) -> None:
    assert risk.lec_danger(d) is danger


def test_lec_twenty_is_reachable_and_general() -> None:
    assert risk.lec(10, 2, 1).score == 20
    assert risk.lec_danger(risk.lec(10, 2, 1).score) is risk.LecDanger.GENERAL


def test_lec_reachable_scores_never_hit_160_or_320() -> None:
    scores = {lv * ev * cv for lv in risk.L_VALUES for ev in risk.E_VALUES for cv in risk.C_VALUES}
    assert 160 not in scores and 320 not in scores and 70 in scores


@pytest.mark.parametrize(
    ("lv", "e", "c", "name"),
    [(7, 6, 7, "L"), (10, 4, 7, "E"), (10, 6, 8, "C"), ("x", 6, 7, "L"), (True, 6, 7, "L")],
)
def test_lec_rejects_values_outside_the_tables(lv: object, e: object, c: object, name: str) -> None:
    with pytest.raises(ValueError, match=f"LEC {name} must be one of"):
        risk.lec(lv, e, c)  # type: ignore[arg-type]


def test_lec_accepts_equal_decimals_written_differently() -> None:
    assert risk.lec("0.50", "6.0", "40").score == 120


@pytest.mark.parametrize(
    ("lv", "s", "level"),
    [
        (4, 5, RiskLevel.MAJOR),  # 20: exactly at major
        (5, 5, RiskLevel.MAJOR),
        (4, 4, RiskLevel.HIGH),  # 16: just below major
        (3, 5, RiskLevel.HIGH),  # 15: exactly at high
        (3, 4, RiskLevel.MODERATE),  # 12: just below high
        (3, 3, RiskLevel.MODERATE),  # 9: exactly at moderate
        (2, 4, RiskLevel.LOW),  # 8: just below moderate
        (1, 1, RiskLevel.LOW),
    ],
)
def test_ls_default_shandong_bands(lv: int, s: int, level: RiskLevel) -> None:
    result = risk.ls(lv, s)
    assert result.score == lv * s and result.level is level


@pytest.mark.parametrize("value", [0, 6, -1, 2.5, "a", True])
def test_ls_rejects_values_outside_one_to_five(value: object) -> None:
    with pytest.raises(ValueError, match="1, 2, 3, 4, 5"):
        risk.ls(value, 3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1, 2, 3, 4, 5"):
        risk.ls(3, value)  # type: ignore[arg-type]


def test_ls_bands_parameter_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(risk.LS_BANDS_ENV, raising=False)
    assert risk.ls(3, 3, bands={"major": 20, "high": 9, "moderate": 4}).level is RiskLevel.HIGH
    assert risk.ls(2, 2, bands="four_band_9_16").level is RiskLevel.MODERATE
    assert risk.ls(3, 3).level is RiskLevel.MODERATE


def test_ls_bands_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(risk.LS_BANDS_ENV, '{"major": 17, "high": 10, "moderate": 5}')
    assert risk.ls_bands() == risk.LsBands(17, 10, 5)
    assert risk.ls(4, 5).level is RiskLevel.MAJOR
    assert risk.ls(4, 4).level is RiskLevel.HIGH  # 16 < 17
    assert risk.ls(2, 5).level is RiskLevel.HIGH
    assert risk.ls(1, 5).level is RiskLevel.MODERATE
    assert risk.ls(2, 2).level is RiskLevel.LOW
    monkeypatch.setenv(risk.LS_BANDS_ENV, "shandong")
    assert risk.ls_bands() == risk.LS_BANDS_DEFAULT


@pytest.mark.parametrize(
    "setting",
    [
        "not json",
        '{"major": 20, "high": 15}',
        '{"major": 10, "high": 15, "moderate": 9}',
        '{"major": 26, "high": 15, "moderate": 9}',
        '{"major": 20, "high": 15, "moderate": 1}',
        "[20, 15, 9]",
    ],
)
def test_bad_ls_setting_fails_loudly(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv(risk.LS_BANDS_ENV, setting)
    with pytest.raises(ValueError, match=risk.LS_BANDS_ENV):
        risk.ls(1, 1)


def test_ls_default_is_marked_unchecked() -> None:
    assert risk.LS_BANDS_STATUS.value == "unchecked"
