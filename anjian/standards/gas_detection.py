"""GB/T 50493-2019《石油化工可燃气体和有毒气体检测报警设计标准》: alarm set points of gas detectors.

The alarm set points (报警设定值) of §5.5.2 (clause number unchecked / 条号未核对; the values are
✅, two transcriptions agree, STANDARDS-FACTS.md §12):

- combustible gas (point type): level 1 ≤ 25 %LEL, level 2 ≤ 50 %LEL;
- toxic gas: level 1 ≤ 100 %OEL, level 2 ≤ 200 %OEL, the OEL (职业接触限值, GBZ 2.1) being the
  substance's MAC, PC-TWA or PC-STEL; when the detector's range cannot meet the measurement
  (当现有探测器的量程范围不能满足测量要求时) level 1 ≤ 5 %IDLH and level 2 ≤ 10 %IDLH;
- ambient oxygen: the over-oxygen alarm at 23.5 %VOL and the oxygen-deficiency alarm at
  19.5 %VOL ("宜为"): a higher over-oxygen or a lower deficiency set point is refused;
- line-type (open-path) combustible gas detectors: level 1 ≤ 1 LEL·m, level 2 ≤ 2 LEL·m.

Two readings are the project's (未核对 / unchecked): a toxic detector's range "cannot meet the
measurement" when its upper limit is below the OEL, the reading the programme's issue gives;
and level 1 must not be set beyond level 2 (for oxygen: the over-oxygen point must be above the
deficiency point), so that level 1 is the earlier warning.

Set points are given in the unit the rule is written in (%LEL, %VOL, LEL·m); a toxic detector's
set points, OEL, IDLH and range are in the same unit (ppm or mg/m³). A set point beyond the
standard raises :class:`SetPointRefused` naming the clause, in Chinese and English.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from anjian.standards._base import Number, Status, to_decimal

__all__ = [
    "CLAUSE",
    "COMBUSTIBLE_LEVEL1_PCT_LEL",
    "COMBUSTIBLE_LEVEL2_PCT_LEL",
    "LINE_LEVEL1_LEL_M",
    "LINE_LEVEL2_LEL_M",
    "OXYGEN_DEFICIENCY_PCT_VOL",
    "OXYGEN_OVER_PCT_VOL",
    "TOXIC_LEVEL1_PCT_IDLH",
    "TOXIC_LEVEL1_PCT_OEL",
    "TOXIC_LEVEL2_PCT_IDLH",
    "TOXIC_LEVEL2_PCT_OEL",
    "Basis",
    "Detector",
    "SetPointCheck",
    "SetPointRefused",
    "check_set_points",
]

CITATION = "GB/T 50493-2019《石油化工可燃气体和有毒气体检测报警设计标准》"
CLAUSE = "GB/T 50493-2019 第5.5.2条（条号未核对）"
STATUS = Status.CHECKED  # the values; the clause number is unchecked

COMBUSTIBLE_LEVEL1_PCT_LEL = Decimal(25)
COMBUSTIBLE_LEVEL2_PCT_LEL = Decimal(50)
TOXIC_LEVEL1_PCT_OEL = Decimal(100)
TOXIC_LEVEL2_PCT_OEL = Decimal(200)
TOXIC_LEVEL1_PCT_IDLH = Decimal(5)
TOXIC_LEVEL2_PCT_IDLH = Decimal(10)
OXYGEN_OVER_PCT_VOL = Decimal("23.5")
OXYGEN_DEFICIENCY_PCT_VOL = Decimal("19.5")
LINE_LEVEL1_LEL_M = Decimal(1)
LINE_LEVEL2_LEL_M = Decimal(2)


class Detector(enum.Enum):
    """What a gas detector measures; values suit Django ``choices``."""

    COMBUSTIBLE = "combustible"
    TOXIC = "toxic"
    OXYGEN = "oxygen"
    LINE_COMBUSTIBLE = "line_combustible"

    @property
    def label_zh(self) -> str:
        """Chinese name."""
        return {
            "combustible": "可燃气体（点型）",
            "toxic": "有毒气体",
            "oxygen": "环境氧气",
            "line_combustible": "可燃气体（线型）",
        }[self.value]


class Basis(enum.Enum):
    """What a toxic detector's set points are set on: one of the three OELs, or IDLH."""

    MAC = "MAC"
    PC_TWA = "PC-TWA"
    PC_STEL = "PC-STEL"
    IDLH = "IDLH"

    @property
    def label_zh(self) -> str:
        """Chinese name."""
        return {
            "MAC": "最高容许浓度 MAC",
            "PC-TWA": "时间加权平均容许浓度 PC-TWA",
            "PC-STEL": "短时间接触容许浓度 PC-STEL",
            "IDLH": "立即威胁生命和健康浓度 IDLH",
        }[self.value]


class SetPointRefused(ValueError):
    """A set point the standard does not allow; ``clause`` names the rule."""

    def __init__(self, message: str, clause: str = CLAUSE) -> None:
        super().__init__(message)
        self.clause = clause


@dataclass(frozen=True)
class SetPointCheck:
    """An accepted pair of set points and the limits they were checked against."""

    detector: Detector
    level1: Decimal
    level2: Decimal
    limit1: Decimal
    limit2: Decimal
    unit: str
    basis: Basis | None
    clause: str


def _refuse(what_zh: str, what_en: str, value: Decimal, limit: Decimal, unit: str) -> None:
    raise SetPointRefused(
        f"{what_zh}{value} {unit}超过{CLAUSE}规定的上限{limit} {unit} / "
        f"{what_en} {value} {unit} exceeds the limit of {limit} {unit} "
        "(GB/T 50493-2019 §5.5.2, clause number unchecked)"
    )


def _at_most(levels: tuple[Decimal, Decimal], limits: tuple[Decimal, Decimal], unit: str) -> None:
    for number, value, limit in zip((1, 2), levels, limits, strict=True):
        if value > limit:
            _refuse(
                "一级报警设定值" if number == 1 else "二级报警设定值",
                f"level {number} set point",
                value,
                limit,
                unit,
            )
    if levels[0] > levels[1]:
        raise SetPointRefused(
            f"一级报警设定值{levels[0]}不得高于二级报警设定值{levels[1]}（{CLAUSE}；"
            "一级为先行预警，项目约定，未核对） / level 1 must not be above level 2"
        )


def _toxic(
    level1: Decimal,
    level2: Decimal,
    basis: Basis | None,
    oel: Number | None,
    idlh: Number | None,
    range_max: Number | None,
    unit: str,
) -> tuple[Decimal, Decimal, Basis]:
    if basis is None:
        raise SetPointRefused(
            f"有毒气体报警设定值须注明依据（MAC、PC-TWA、PC-STEL或IDLH，{CLAUSE}） / "
            "a toxic gas set point needs its basis: MAC, PC-TWA, PC-STEL or IDLH"
        )
    if oel is None:
        raise SetPointRefused(
            f"有毒气体须给出职业接触限值OEL（{CLAUSE}） / the OEL of the toxic gas is required"
        )
    oel_value = to_decimal(oel, "OEL / 职业接触限值")
    top = to_decimal(range_max, "range / 量程") if range_max is not None else None
    range_short = top is not None and top < oel_value
    if basis is Basis.IDLH:
        if not range_short:
            raise SetPointRefused(
                f"只有探测器量程不能满足测量要求（量程上限低于OEL {oel_value} {unit}）时，"
                f"报警设定值才可按IDLH设定（{CLAUSE}） / IDLH applies only when the detector's "
                "range cannot reach the OEL"
            )
        if idlh is None:
            raise SetPointRefused(
                f"按IDLH设定时须给出IDLH值（{CLAUSE}） / the IDLH value is required"
            )
        idlh_value = to_decimal(idlh, "IDLH")
        limits = (
            idlh_value * TOXIC_LEVEL1_PCT_IDLH / 100,
            idlh_value * TOXIC_LEVEL2_PCT_IDLH / 100,
        )
        _at_most((level1, level2), limits, f"{unit}（5 %/10 % IDLH）")
        return limits[0], limits[1], basis
    if range_short:
        raise SetPointRefused(
            f"探测器量程上限{top} {unit}低于OEL {oel_value} {unit}，应按IDLH设定"
            f"（一级≤5 %IDLH，二级≤10 %IDLH，{CLAUSE}） / the range cannot reach the OEL: "
            "set the points on IDLH"
        )
    limits = (
        oel_value * TOXIC_LEVEL1_PCT_OEL / 100,
        oel_value * TOXIC_LEVEL2_PCT_OEL / 100,
    )
    _at_most((level1, level2), limits, f"{unit}（100 %/200 % {basis.value}）")
    return limits[0], limits[1], basis


def check_set_points(
    detector: Detector,
    level1: Number,
    level2: Number,
    *,
    basis: Basis | None = None,
    oel: Number | None = None,
    idlh: Number | None = None,
    range_max: Number | None = None,
    unit: str = "ppm",
) -> SetPointCheck:
    """Check a gas detector's level 1 and level 2 set points (GB/T 50493-2019 §5.5.2).

    Combustible (%LEL): level 1 ≤ 25, level 2 ≤ 50. Line-type (LEL·m): ≤ 1, ≤ 2. Toxic (in
    ``unit``): with ``basis`` MAC, PC-TWA or PC-STEL and its value ``oel``, level 1 ≤ 100 % and
    level 2 ≤ 200 % of it; with ``basis`` IDLH (only when ``range_max`` is below the OEL) and
    ``idlh``, ≤ 5 % and ≤ 10 % of it. Oxygen (%VOL): ``level1`` is the over-oxygen point, at
    most 23.5, ``level2`` the deficiency point, at least 19.5. Raises :class:`SetPointRefused`
    (a ValueError) naming the clause when a set point is beyond the standard.
    """
    first = to_decimal(level1, "level 1 / 一级报警设定值")
    second = to_decimal(level2, "level 2 / 二级报警设定值")
    if detector is Detector.COMBUSTIBLE:
        limits = (COMBUSTIBLE_LEVEL1_PCT_LEL, COMBUSTIBLE_LEVEL2_PCT_LEL)
        _at_most((first, second), limits, "%LEL")
        return SetPointCheck(detector, first, second, *limits, "%LEL", None, CLAUSE)
    if detector is Detector.LINE_COMBUSTIBLE:
        limits = (LINE_LEVEL1_LEL_M, LINE_LEVEL2_LEL_M)
        _at_most((first, second), limits, "LEL·m")
        return SetPointCheck(detector, first, second, *limits, "LEL·m", None, CLAUSE)
    if detector is Detector.OXYGEN:
        if first > OXYGEN_OVER_PCT_VOL:
            _refuse("过氧报警设定值", "over-oxygen set point", first, OXYGEN_OVER_PCT_VOL, "%VOL")
        if second < OXYGEN_DEFICIENCY_PCT_VOL:
            raise SetPointRefused(
                f"欠氧报警设定值{second} %VOL低于{CLAUSE}规定的{OXYGEN_DEFICIENCY_PCT_VOL} %VOL / "
                f"oxygen-deficiency set point {second} %VOL is below "
                f"{OXYGEN_DEFICIENCY_PCT_VOL} %VOL (GB/T 50493-2019 §5.5.2)"
            )
        if first <= second:
            raise SetPointRefused(
                f"过氧报警设定值须高于欠氧报警设定值（{CLAUSE}） / the over-oxygen point must "
                "be above the deficiency point"
            )
        return SetPointCheck(
            detector,
            first,
            second,
            OXYGEN_OVER_PCT_VOL,
            OXYGEN_DEFICIENCY_PCT_VOL,
            "%VOL",
            None,
            CLAUSE,
        )
    if detector is Detector.TOXIC:
        limit1, limit2, used = _toxic(first, second, basis, oel, idlh, range_max, unit)
        return SetPointCheck(detector, first, second, limit1, limit2, unit, used, CLAUSE)
    raise ValueError(f"unknown detector {detector!r} / 未知的探测器类型")
