"""Risk evaluation for graded risk control (风险分级管控): the LEC method and the LS matrix.

Both methods end in the four risk levels of the dual-prevention mechanism (双重预防机制):
重大风险 red, 较大风险 orange, 一般风险 yellow, 低风险 blue (✅ colours agree across the
provincial rules and central-enterprise regulations consulted, [S12]).

LEC (作业条件危险性分析法, ✅ value tables [S8][S9]): D = L × E × C with L, E and C taken from the
method's tables. Bands, each including its lower bound (a project convention, the classic table's
ranges overlap at their ends): D ≥ 320 major, 160 ≤ D < 320 high, 70 ≤ D < 160 moderate,
D < 70 low. Since L, E and C are discrete, D = 160 and D = 320 cannot occur; D = 70 and D = 20 can.

LS (风险矩阵法): R = L × S with L and S from 1 to 5. The bands differ between provinces and are a
setting (:data:`LS_BANDS_DEFAULT`, the environment variable ``ANJIAN_LS_BANDS``, or the
``bands`` argument). The default follows the Shandong dual-prevention rules (DB37/T 2882-2016 and
DB37/T 2883-2016 with their industry rules): 20–25 major, 15–16 high, 9–12 moderate, 1–8 low —
未核对 / unchecked: the matrix thresholds were not found in a published text.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import NamedTuple

from anjian.standards._base import Status, to_decimal, to_int

__all__ = [
    "C_VALUES",
    "E_VALUES",
    "LS_BANDS_DEFAULT",
    "LS_BANDS_ENV",
    "LS_BANDS_PRESETS",
    "LS_BANDS_STATUS",
    "L_VALUES",
    "Evaluation",
    "LecDanger",
    "LsBands",
    "RiskLevel",
    "lec",
    "lec_danger",
    "lec_level",
    "ls",
    "ls_bands",
    "ls_level",
]


class RiskLevel(enum.Enum):
    """The four risk levels (四级风险) with their colours; values suit Django ``choices``."""

    MAJOR = "major"
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"

    @property
    def label_zh(self) -> str:
        """Chinese name: 重大风险 / 较大风险 / 一般风险 / 低风险."""
        return _RISK_ZH[self]

    @property
    def label_en(self) -> str:
        """English name: major / high / moderate / low risk."""
        return f"{self.value} risk"

    @property
    def colour(self) -> str:
        """Colour of the four-colour map: red / orange / yellow / blue."""
        return _RISK_COLOUR[self]

    @property
    def colour_zh(self) -> str:
        """Chinese colour name: 红 / 橙 / 黄 / 蓝."""
        return _RISK_COLOUR_ZH[self]

    @property
    def severity(self) -> int:
        """4 for major down to 1 for low, for ordering levels."""
        return _RISK_SEVERITY[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label_zh)`` pairs, most severe first, for Django ``choices``."""
        return [(member.value, member.label_zh) for member in cls]


_RISK_ZH = {
    RiskLevel.MAJOR: "重大风险",
    RiskLevel.HIGH: "较大风险",
    RiskLevel.MODERATE: "一般风险",
    RiskLevel.LOW: "低风险",
}
_RISK_COLOUR = {
    RiskLevel.MAJOR: "red",
    RiskLevel.HIGH: "orange",
    RiskLevel.MODERATE: "yellow",
    RiskLevel.LOW: "blue",
}
_RISK_COLOUR_ZH = {
    RiskLevel.MAJOR: "红",
    RiskLevel.HIGH: "橙",
    RiskLevel.MODERATE: "黄",
    RiskLevel.LOW: "蓝",
}
_RISK_SEVERITY = {RiskLevel.MAJOR: 4, RiskLevel.HIGH: 3, RiskLevel.MODERATE: 2, RiskLevel.LOW: 1}


class Evaluation(NamedTuple):
    """A risk score and its level."""

    score: Decimal
    level: RiskLevel


L_VALUES: Mapping[Decimal, str] = MappingProxyType(
    {
        Decimal("10"): "完全可以预料",
        Decimal("6"): "相当可能",
        Decimal("3"): "可能，但不经常",
        Decimal("1"): "可能性小，完全意外",
        Decimal("0.5"): "很不可能，可以设想",
        Decimal("0.2"): "极不可能",
        Decimal("0.1"): "实际不可能",
    }
)
"""LEC: allowed values of L (likelihood of an accident) with their meaning (✅ [S8])."""

E_VALUES: Mapping[Decimal, str] = MappingProxyType(
    {
        Decimal("10"): "连续暴露",
        Decimal("6"): "每天工作时间内暴露",
        Decimal("3"): "每周一次或偶然暴露",
        Decimal("2"): "每月一次暴露",
        Decimal("1"): "每年几次暴露",
        Decimal("0.5"): "非常罕见地暴露",
    }
)
"""LEC: allowed values of E (frequency of exposure) with their meaning (✅ [S8])."""

C_VALUES: Mapping[Decimal, str] = MappingProxyType(
    {
        Decimal("100"): "大灾难，许多人死亡",
        Decimal("40"): "灾难，数人死亡",
        Decimal("15"): "非常严重，一人死亡",
        Decimal("7"): "严重，重伤",
        Decimal("3"): "重大，致残",
        Decimal("1"): "引人注目，需要救护",
    }
)
"""LEC: allowed values of C (consequence) with their meaning (✅ [S8])."""


def _lec_value(value: object, name: str, allowed: Mapping[Decimal, str]) -> Decimal:
    allowed_text = ", ".join(str(v) for v in allowed)
    try:
        number = to_decimal(value, name)
    except ValueError:
        number = None
    if number is None or number not in allowed:
        raise ValueError(
            f"LEC {name} must be one of {allowed_text}, got {value!r} / "
            f"LEC 法 {name} 只能取 {allowed_text}"
        )
    return number


class LecDanger(enum.Enum):
    """The classic five danger classes of the LEC method (危险程度, ✅ [S8])."""

    EXTREME = "extreme"
    HIGH = "high"
    SIGNIFICANT = "significant"
    GENERAL = "general"
    SLIGHT = "slight"

    @property
    def label_zh(self) -> str:
        """Chinese wording of the classic table."""
        return {
            "extreme": "极其危险，不能继续作业",
            "high": "高度危险，要立即整改",
            "significant": "显著危险，需要整改",
            "general": "一般危险，需要注意",
            "slight": "稍有危险，可以接受",
        }[self.value]

    @property
    def label_en(self) -> str:
        """English wording."""
        return {
            "extreme": "extremely dangerous, stop work",
            "high": "highly dangerous, rectify at once",
            "significant": "significantly dangerous, rectify",
            "general": "dangerous, take care",
            "slight": "slightly dangerous, acceptable",
        }[self.value]


def lec_danger(d: Decimal | int | float | str) -> LecDanger:
    """Return the classic LEC danger class of D, each band including its lower bound.

    D ≥ 320 extreme; 160 ≤ D < 320 high; 70 ≤ D < 160 significant; 20 ≤ D < 70 general;
    D < 20 slight (LEC method, [S8]; lower-bound-inclusive convention of this project).
    """
    score = to_decimal(d, "D")
    if score >= 320:
        return LecDanger.EXTREME
    if score >= 160:
        return LecDanger.HIGH
    if score >= 70:
        return LecDanger.SIGNIFICANT
    if score >= 20:
        return LecDanger.GENERAL
    return LecDanger.SLIGHT


def lec_level(d: Decimal | int | float | str) -> RiskLevel:
    """Map an LEC score D to the four risk levels, each band including its lower bound.

    D ≥ 320 major (red); 160 ≤ D < 320 high (orange); 70 ≤ D < 160 moderate (yellow); D < 70 low
    (blue) — the four-level reading of the LEC table used by the Shandong rules (🟡).
    """
    return _LEC_LEVEL[lec_danger(d)]


# The four levels read the five classic classes: the two lowest are both low risk.
_LEC_LEVEL = {
    LecDanger.EXTREME: RiskLevel.MAJOR,
    LecDanger.HIGH: RiskLevel.HIGH,
    LecDanger.SIGNIFICANT: RiskLevel.MODERATE,
    LecDanger.GENERAL: RiskLevel.LOW,
    LecDanger.SLIGHT: RiskLevel.LOW,
}


def lec(
    l: Decimal | int | float | str,  # noqa: E741 - the method's own letter
    e: Decimal | int | float | str,
    c: Decimal | int | float | str,
) -> Evaluation:
    """Evaluate a hazard by the LEC method: D = L × E × C, then :func:`lec_level`.

    L ∈ {10, 6, 3, 1, 0.5, 0.2, 0.1}, E ∈ {10, 6, 3, 2, 1, 0.5}, C ∈ {100, 40, 15, 7, 3, 1};
    any other value raises ValueError naming the allowed values. D is exact (Decimal).
    """
    score = (
        _lec_value(l, "L", L_VALUES) * _lec_value(e, "E", E_VALUES) * _lec_value(c, "C", C_VALUES)
    )
    return Evaluation(score, lec_level(score))


class LsBands(NamedTuple):
    """Lowest R (inclusive) of the major, high and moderate levels of the LS matrix.

    Every R below ``moderate`` is low. Each must be an integer with
    1 < moderate < high < major ≤ 25.
    """

    major: int
    high: int
    moderate: int


LS_BANDS_DEFAULT = LsBands(major=20, high=15, moderate=9)
"""Shandong (DB37/T 2882/2883): 20–25 major, 15–16 high, 9–12 moderate, 1–8 low (未核对).

Unchecked: the matrix thresholds were not found in a published text."""

LS_BANDS_STATUS = Status.UNCHECKED
"""Check status of :data:`LS_BANDS_DEFAULT` (the Shandong matrix thresholds were not found)."""

LS_BANDS_PRESETS: Mapping[str, LsBands] = MappingProxyType(
    {
        "shandong": LS_BANDS_DEFAULT,
        "four_band_9_16": LsBands(major=20, high=9, moderate=4),
    }
)
"""Named alternatives: ``four_band_9_16`` is the table of [S11] (20–25, 9–16, 4–8, 1–3)."""

LS_BANDS_ENV = "ANJIAN_LS_BANDS"
"""Environment variable: a preset name, or JSON ``{"major": 20, "high": 15, "moderate": 9}``."""


def _validate_bands(bands: object, source: str) -> LsBands:
    if isinstance(bands, LsBands):
        values: Mapping[str, object] = bands._asdict()
    elif isinstance(bands, Mapping):
        values = bands
    else:
        raise ValueError(f"{source}: LS bands must be a mapping / LS 分级阈值应为映射")
    if set(values) != {"major", "high", "moderate"}:
        raise ValueError(
            f"{source}: LS bands need exactly the keys major, high, moderate, got "
            f"{sorted(values)} / LS 分级阈值须含 major、high、moderate"
        )
    result = LsBands(
        major=to_int(values["major"], f"{source} major", minimum=1),
        high=to_int(values["high"], f"{source} high", minimum=1),
        moderate=to_int(values["moderate"], f"{source} moderate", minimum=1),
    )
    if not 1 < result.moderate < result.high < result.major <= 25:
        raise ValueError(
            f"{source}: LS bands must satisfy 1 < moderate < high < major <= 25, got {result} / "
            f"LS 分级阈值须递增且不超过 25"
        )
    return result


def ls_bands(bands: LsBands | Mapping[str, object] | str | None = None) -> LsBands:
    """Return the LS bands in force: ``bands`` if given, else ``$ANJIAN_LS_BANDS``, else default.

    ``bands`` (and the environment variable) may be an :class:`LsBands`, a mapping with the keys
    ``major``, ``high`` and ``moderate``, a JSON object of that shape, or a preset name from
    :data:`LS_BANDS_PRESETS`. A malformed setting raises ValueError rather than falling back.
    """
    source = "bands"
    if bands is None:
        env = os.environ.get(LS_BANDS_ENV, "").strip()
        if not env:
            return LS_BANDS_DEFAULT
        bands, source = env, LS_BANDS_ENV
    if isinstance(bands, str):
        if bands in LS_BANDS_PRESETS:
            return LS_BANDS_PRESETS[bands]
        try:
            bands = json.loads(bands)
        except json.JSONDecodeError:
            raise ValueError(
                f"{source}: not a preset ({', '.join(LS_BANDS_PRESETS)}) nor JSON: {bands!r} / "
                f"LS 分级阈值设置无法解析"
            ) from None
    return _validate_bands(bands, source)


def ls_level(
    r: Decimal | int | float | str, bands: LsBands | Mapping[str, object] | str | None = None
) -> RiskLevel:
    """Map an LS score R = L × S to a risk level under the bands in force (see :func:`ls_bands`)."""
    score = to_decimal(r, "R")
    effective = ls_bands(bands)
    if score >= effective.major:
        return RiskLevel.MAJOR
    if score >= effective.high:
        return RiskLevel.HIGH
    if score >= effective.moderate:
        return RiskLevel.MODERATE
    return RiskLevel.LOW


def _ls_value(value: object, name: str) -> int:
    try:
        number = to_int(value, name, minimum=1)
    except ValueError:
        number = 0
    if not 1 <= number <= 5:
        raise ValueError(
            f"LS {name} must be one of 1, 2, 3, 4, 5, got {value!r} / LS 法 {name} 只能取 1–5"
        )
    return number


def ls(
    l: Decimal | int | float | str,  # noqa: E741 - the method's own letter
    s: Decimal | int | float | str,
    bands: LsBands | Mapping[str, object] | str | None = None,
) -> Evaluation:
    """Evaluate a hazard by the LS risk matrix: R = L × S with L, S ∈ {1, …, 5}.

    The level follows the LS bands in force (default Shandong DB37/T 2882/2883, 未核对 /
    unchecked; override with ``bands`` or ``$ANJIAN_LS_BANDS``). A value outside 1–5 raises
    ValueError naming the allowed values.
    """
    score = _ls_value(l, "L") * _ls_value(s, "S")
    return Evaluation(Decimal(score), ls_level(score, bands))
