"""Risk rules pinned at every threshold: the published LEC tables, the order of the levels, the
LS bands (default and preset) at, below and above each bound, and the bands' validation."""

from decimal import Decimal

import pytest

from anjian.standards import risk
from anjian.standards.risk import Evaluation, LecDanger, LsBands, RiskLevel

MAJOR, HIGH, MODERATE, LOW = RiskLevel.MAJOR, RiskLevel.HIGH, RiskLevel.MODERATE, RiskLevel.LOW


@pytest.fixture(autouse=True)
def _no_ls_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(risk.LS_BANDS_ENV, raising=False)


# --- the levels and their order -----------------------------------------------------------------


def test_levels_are_strictly_ordered_by_severity() -> None:
    assert [level.severity for level in RiskLevel] == [4, 3, 2, 1]
    ordered = sorted(RiskLevel, key=lambda level: level.severity)
    assert ordered == [LOW, MODERATE, HIGH, MAJOR]
    assert len({level.severity for level in RiskLevel}) == 4  # no two levels tie


def test_every_level_has_its_names_and_colours() -> None:
    assert [(lv.label_en, lv.colour_zh) for lv in RiskLevel] == [
        ("major risk", "红"),
        ("high risk", "橙"),
        ("moderate risk", "黄"),
        ("low risk", "蓝"),
    ]
    assert RiskLevel.choices() == [
        ("major", "重大风险"),
        ("high", "较大风险"),
        ("moderate", "一般风险"),
        ("low", "低风险"),
    ]


# --- LEC: the published tables [S8] -------------------------------------------------------------


def test_lec_tables_hold_exactly_the_published_values() -> None:
    assert dict(risk.L_VALUES) == {
        Decimal("10"): "完全可以预料",
        Decimal("6"): "相当可能",
        Decimal("3"): "可能，但不经常",
        Decimal("1"): "可能性小，完全意外",
        Decimal("0.5"): "很不可能，可以设想",
        Decimal("0.2"): "极不可能",
        Decimal("0.1"): "实际不可能",
    }
    assert dict(risk.E_VALUES) == {
        Decimal("10"): "连续暴露",
        Decimal("6"): "每天工作时间内暴露",
        Decimal("3"): "每周一次或偶然暴露",
        Decimal("2"): "每月一次暴露",
        Decimal("1"): "每年几次暴露",
        Decimal("0.5"): "非常罕见地暴露",
    }
    assert dict(risk.C_VALUES) == {
        Decimal("100"): "大灾难，许多人死亡",
        Decimal("40"): "灾难，数人死亡",
        Decimal("15"): "非常严重，一人死亡",
        Decimal("7"): "严重，重伤",
        Decimal("3"): "重大，致残",
        Decimal("1"): "引人注目，需要救护",
    }


@pytest.mark.parametrize(
    ("d", "danger", "level"),
    [
        ("320.01", LecDanger.EXTREME, MAJOR),
        ("320", LecDanger.EXTREME, MAJOR),
        ("319.99", LecDanger.HIGH, HIGH),
        ("160.01", LecDanger.HIGH, HIGH),
        ("160", LecDanger.HIGH, HIGH),
        ("159.99", LecDanger.SIGNIFICANT, MODERATE),
        ("70.01", LecDanger.SIGNIFICANT, MODERATE),
        ("70", LecDanger.SIGNIFICANT, MODERATE),
        ("69.99", LecDanger.GENERAL, LOW),
        ("20.01", LecDanger.GENERAL, LOW),
        ("20", LecDanger.GENERAL, LOW),
        ("19.99", LecDanger.SLIGHT, LOW),
        ("0", LecDanger.SLIGHT, LOW),
    ],
)
def test_lec_classes_and_levels_at_below_and_above_each_bound(
    d: str, danger: LecDanger, level: RiskLevel
) -> None:
    assert risk.lec_danger(d) is danger
    assert risk.lec_level(Decimal(d)) is level


def test_lec_danger_classes_keep_the_classic_wording() -> None:
    assert [(c.label_zh, c.label_en) for c in LecDanger] == [
        ("极其危险，不能继续作业", "extremely dangerous, stop work"),
        ("高度危险，要立即整改", "highly dangerous, rectify at once"),
        ("显著危险，需要整改", "significantly dangerous, rectify"),
        ("一般危险，需要注意", "dangerous, take care"),
        ("稍有危险，可以接受", "slightly dangerous, acceptable"),
    ]


def test_lec_score_is_the_exact_product() -> None:
    assert risk.lec("0.1", "0.5", "3") == Evaluation(Decimal("0.15"), LOW)
    assert risk.lec(3, 2, 40) == Evaluation(Decimal("240"), HIGH)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        ((0.3, 6, 7), "L must be one of 10, 6, 3, 1, 0.5, 0.2, 0.1, got 0.3"),
        ((10, 4, 7), "E must be one of 10, 6, 3, 2, 1, 0.5, got 4"),
        ((10, 6, 8), "C must be one of 100, 40, 15, 7, 3, 1, got 8"),
        ((-1, 6, 7), "L must be one of"),
        (("abc", 6, 7), "L must be one of"),
    ],
)
def test_lec_refusals_name_the_factor_and_the_allowed_values(
    args: tuple[object, object, object], named: str
) -> None:
    with pytest.raises(ValueError, match=f"^LEC {named}"):
        risk.lec(*args)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="LEC 法 [LEC] 只能取"):
        risk.lec(*args)  # type: ignore[arg-type]


# --- LS: default and preset bands ---------------------------------------------------------------


def test_ls_default_and_presets_are_the_published_tables() -> None:
    assert LsBands(major=20, high=15, moderate=9) == risk.LS_BANDS_DEFAULT
    assert dict(risk.LS_BANDS_PRESETS) == {
        "shandong": LsBands(major=20, high=15, moderate=9),
        "four_band_9_16": LsBands(major=20, high=9, moderate=4),
    }
    assert risk.LS_BANDS_ENV == "ANJIAN_LS_BANDS"


@pytest.mark.parametrize(
    ("score", "shandong", "four_band"),
    [
        (25, MAJOR, MAJOR),
        (20, MAJOR, MAJOR),
        (16, HIGH, HIGH),
        (15, HIGH, HIGH),
        (12, MODERATE, HIGH),
        (10, MODERATE, HIGH),
        (9, MODERATE, HIGH),
        (8, LOW, MODERATE),
        (5, LOW, MODERATE),
        (4, LOW, MODERATE),
        (3, LOW, LOW),
        (1, LOW, LOW),
    ],
)
def test_every_reachable_ls_score_under_both_tables(
    score: int, shandong: RiskLevel, four_band: RiskLevel
) -> None:
    assert risk.ls_level(score) is shandong
    assert risk.ls_level(score, "shandong") is shandong
    assert risk.ls_level(score, "four_band_9_16") is four_band


@pytest.mark.parametrize(
    ("score", "level"),
    [
        ("19.99", HIGH),
        ("20", MAJOR),
        ("14.99", MODERATE),
        ("15", HIGH),
        ("8.99", LOW),
        ("9", MODERATE),
    ],
)
def test_ls_level_at_and_just_below_each_default_bound(score: str, level: RiskLevel) -> None:
    assert risk.ls_level(score) is level


@pytest.mark.parametrize(
    ("lv", "s", "score", "level"),
    [(1, 1, 1, LOW), (1, 5, 5, LOW), (5, 1, 5, LOW), (2, 5, 10, MODERATE), (5, 5, 25, MAJOR)],
)
def test_ls_takes_one_to_five_and_multiplies(lv: int, s: int, score: int, level: RiskLevel) -> None:
    result = risk.ls(lv, s)
    assert result == Evaluation(Decimal(score), level)
    assert isinstance(result.score, Decimal)


def test_ls_passes_its_bands_on() -> None:
    assert risk.ls(2, 2, "four_band_9_16").level is MODERATE
    assert risk.ls(2, 2, LsBands(major=5, high=4, moderate=3)).level is HIGH


@pytest.mark.parametrize(("value", "name"), [(0, "L"), (6, "L"), ("x", "L")])
def test_ls_refusals_name_the_factor(value: object, name: str) -> None:
    with pytest.raises(ValueError, match=f"^LS {name} must be one of 1, 2, 3, 4, 5, got"):
        risk.ls(value, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^LS S must be one of 1, 2, 3, 4, 5, got"):
        risk.ls(1, value)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="LS 法 [LS] 只能取 1–5"):
        risk.ls(value, 1)  # type: ignore[arg-type]


# --- LS bands: the setting and its validation ---------------------------------------------------


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        ({"major": 25, "high": 24, "moderate": 23}, LsBands(25, 24, 23)),  # 25 is allowed
        ({"major": 4, "high": 3, "moderate": 2}, LsBands(4, 3, 2)),  # the lowest: 1 < 2 < 3 < 4
        ({"major": "20", "high": "15", "moderate": "9"}, LsBands(20, 15, 9)),
        (LsBands(major=21, high=11, moderate=3), LsBands(21, 11, 3)),
        ('{"major": 18, "high": 12, "moderate": 6}', LsBands(18, 12, 6)),
    ],
)
def test_valid_bands_are_accepted_as_given(bands: object, expected: LsBands) -> None:
    assert risk.ls_bands(bands) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bands",
    [
        {"major": 26, "high": 15, "moderate": 9},  # above 25
        {"major": 20, "high": 15, "moderate": 1},  # moderate must exceed 1
        {"major": 20, "high": 9, "moderate": 9},  # moderate < high, not equal
        {"major": 15, "high": 15, "moderate": 9},  # high < major, not equal
        {"major": 20, "high": 8, "moderate": 9},
        {"major": 14, "high": 15, "moderate": 9},
    ],
)
def test_bands_out_of_order_or_range_are_refused(bands: dict[str, int]) -> None:
    with pytest.raises(ValueError, match=r"^bands: LS bands must satisfy 1 < moderate"):
        risk.ls_bands(bands)


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            {"major": 20, "high": 15},
            r"^bands: LS bands need exactly the keys .*\['high', 'major'\]",
        ),
        ({"major": 20, "high": 15, "moderate": 9, "low": 1}, "^bands: LS bands need exactly"),
        ([20, 15, 9], "^bands: LS bands must be a mapping"),
        ('{"major": 20, "high": 15, "moderate": "x"}', "^bands moderate: not a number"),
        ('{"major": 20, "high": 0, "moderate": 9}', "^bands high: must be at least 1"),
        ('{"major": 0, "high": 15, "moderate": 9}', "^bands major: must be at least 1, got 0"),
        ('{"major": 20, "high": 15, "moderate": 0}', "^bands moderate: must be at least 1, got"),
        ('{"major": 1, "high": 15, "moderate": 9}', "^bands: LS bands must satisfy"),
        ('{"major": 20, "high": 15, "moderate": 1}', "^bands: LS bands must satisfy"),
        ('{"major": 20, "high": 1, "moderate": 9}', "^bands: LS bands must satisfy"),
        ('{"major": 2.5, "high": 2, "moderate": 1}', "^bands major: expected an integer"),
        ("nonsense", r"^bands: not a preset \(shandong, four_band_9_16\) nor JSON: 'nonsense'"),
    ],
)
def test_malformed_bands_say_what_is_wrong(bands: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        risk.ls_bands(bands)  # type: ignore[arg-type]


def test_the_environment_setting_is_used_and_named_in_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert risk.ls_bands() is risk.LS_BANDS_DEFAULT
    monkeypatch.setenv(risk.LS_BANDS_ENV, "   ")
    assert risk.ls_bands() is risk.LS_BANDS_DEFAULT
    monkeypatch.setenv(risk.LS_BANDS_ENV, " four_band_9_16 ")
    assert risk.ls_bands() == LsBands(major=20, high=9, moderate=4)
    assert risk.ls(3, 3).level is HIGH
    monkeypatch.setenv(risk.LS_BANDS_ENV, '{"major": 20, "high": 15, "moderate": 15}')
    with pytest.raises(ValueError, match="^ANJIAN_LS_BANDS: LS bands must satisfy"):
        risk.ls_bands()
    monkeypatch.setenv(risk.LS_BANDS_ENV, "nonsense")
    with pytest.raises(ValueError, match="^ANJIAN_LS_BANDS: not a preset"):
        risk.ls_bands()
    # an explicit argument wins over the environment
    assert risk.ls_bands("shandong") is risk.LS_BANDS_DEFAULT


def test_bad_scores_are_named() -> None:
    with pytest.raises(ValueError, match="^D: not a number"):
        risk.lec_danger("x")
    with pytest.raises(ValueError, match="^R: must not be negative"):
        risk.ls_level(-1)
