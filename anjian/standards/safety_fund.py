"""《企业安全生产费用提取和使用管理办法》(财资〔2022〕136号): the safety fund (安全生产费用).

Most industries extract on the previous year's operating revenue (上一年度营业收入) by regressive
brackets (超额累退): each slice of revenue is charged at its own rate, so the amount is continuous
at the bracket boundaries ("不超过1000万元" includes 10 million). Construction extracts a flat rate
of the construction and installation cost (建筑安装工程造价, art. 17). Coal and non-coal mines
extract per tonne of output (see :func:`required_by_output`).

Check status per industry is in :data:`SCHEDULES` (``Schedule.status``); rates marked 未核对 /
unchecked are the researcher's best knowledge and must be confirmed against the published text.
Every schedule may be replaced without a code change: pass ``overrides`` or set the environment
variable ``ANJIAN_SAFETY_FUND_RATES`` (see :func:`schedule`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import NamedTuple

from anjian.standards._base import Number, Status, to_decimal

__all__ = [
    "HISTORICAL_2012",
    "INDUSTRIES",
    "OUTPUT_INDUSTRIES",
    "OUTPUT_RATES",
    "RATES_ENV",
    "SCHEDULES",
    "SUSPEND_MULTIPLE",
    "Bracket",
    "OutputRate",
    "Schedule",
    "amount",
    "extraction_suspended",
    "required",
    "required_by_output",
    "schedule",
]

CITATION = "《企业安全生产费用提取和使用管理办法》（财资〔2022〕136号）"
FEN = Decimal("0.01")
REVENUE = "上一年度营业收入"
CONSTRUCTION_COST = "建筑安装工程造价"


class Bracket(NamedTuple):
    """A slice of the base up to ``upper_yuan`` (inclusive; None: no limit) and its rate."""

    upper_yuan: Decimal | None
    rate: Decimal


@dataclass(frozen=True)
class Schedule:
    """An industry's extraction base and its brackets, with the clause and check status."""

    key: str
    name_zh: str
    base_zh: str
    brackets: tuple[Bracket, ...]
    citation: str
    status: Status


_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


def _b(*pairs: tuple[str | None, str]) -> tuple[Bracket, ...]:
    """Brackets from (upper bound in 万元 or None, rate in percent)."""
    return tuple(
        Bracket(None if upper is None else Decimal(upper) * _WAN, Decimal(rate) / 100)
        for upper, rate in pairs
    )


def _flat(key: str, name: str, rate: str, citation: str, status: Status, base: str) -> Schedule:
    return Schedule(key, name, base, _b((None, rate)), citation, status)


_C, _U, _P = Status.CHECKED, Status.UNCHECKED, Status.PARTLY
_CONSTRUCTION = "财资〔2022〕136号 第十七条"
_WEAPONS = "财资〔2022〕136号 武器装备研制生产与试验企业"

_ALL: tuple[Schedule, ...] = (
    _flat(
        "construction_mining", "建设工程施工—矿山工程", "3.5", _CONSTRUCTION, _C, CONSTRUCTION_COST
    ),
    _flat(
        "construction_railway", "建设工程施工—铁路工程", "3", _CONSTRUCTION, _C, CONSTRUCTION_COST
    ),
    _flat(
        "construction_housing",
        "建设工程施工—房屋建筑工程",
        "3",
        _CONSTRUCTION,
        _C,
        CONSTRUCTION_COST,
    ),
    _flat(
        "construction_urban_rail",
        "建设工程施工—城市轨道交通工程",
        "3",
        _CONSTRUCTION,
        _C,
        CONSTRUCTION_COST,
    ),
    _flat(
        "construction_water_power",
        "建设工程施工—水利水电工程",
        "2.5",
        _CONSTRUCTION,
        _C,
        CONSTRUCTION_COST,
    ),
    _flat(
        "construction_power", "建设工程施工—电力工程", "2.5", _CONSTRUCTION, _C, CONSTRUCTION_COST
    ),
    _flat(
        "construction_smelting", "建设工程施工—冶炼工程", "2", _CONSTRUCTION, _C, CONSTRUCTION_COST
    ),
    _flat(
        "construction_electromechanical",
        "建设工程施工—机电安装工程",
        "2",
        _CONSTRUCTION,
        _C,
        CONSTRUCTION_COST,
    ),
    _flat(
        "construction_chemical_petroleum",
        "建设工程施工—化工石油工程",
        "2",
        _CONSTRUCTION,
        _C,
        CONSTRUCTION_COST,
    ),
    _flat(
        "construction_telecom", "建设工程施工—通信工程", "2", _CONSTRUCTION, _C, CONSTRUCTION_COST
    ),
    _flat(
        "construction_municipal",
        "建设工程施工—市政公用工程",
        "1.5",
        _CONSTRUCTION,
        _C,
        CONSTRUCTION_COST,
    ),
    _flat(
        "construction_port_waterway",
        "建设工程施工—港口与航道工程",
        "1.5",
        _CONSTRUCTION,
        _C,
        CONSTRUCTION_COST,
    ),
    _flat(
        "construction_highway", "建设工程施工—公路工程", "1.5", _CONSTRUCTION, _C, CONSTRUCTION_COST
    ),
    Schedule(
        "fireworks",
        "烟花爆竹生产企业",
        REVENUE,
        _b(("1000", "4"), ("2000", "3"), (None, "2.5")),
        "财资〔2022〕136号 第三十三条",
        _C,
    ),
    Schedule(
        "dangerous_goods",
        "危险品生产与储存企业",
        REVENUE,
        _b(("1000", "4.5"), ("10000", "2.25"), ("100000", "0.55"), (None, "0.2")),
        "财资〔2022〕136号 危险品生产与储存企业（未核对）",
        _U,
    ),
    _flat(
        "transport_freight",
        "交通运输企业—普通货运业务",
        "1",
        "财资〔2022〕136号 交通运输企业",
        _P,
        REVENUE,
    ),
    _flat(
        "transport_special",
        "交通运输企业—客运业务、管道运输、危险品等特殊货运业务",
        "1.5",
        "财资〔2022〕136号 交通运输企业",
        _P,
        REVENUE,
    ),
    Schedule(
        "metallurgy",
        "冶金企业",
        REVENUE,
        _b(
            ("1000", "3"),
            ("10000", "1.5"),
            ("100000", "0.5"),
            ("500000", "0.2"),
            ("1000000", "0.1"),
            (None, "0.05"),
        ),
        "财资〔2022〕136号 冶金企业（与2012版相同，2022版未核对）",
        _P,
    ),
    Schedule(
        "machinery",
        "机械制造企业",
        REVENUE,
        _b(
            ("1000", "2.35"),
            ("10000", "1.25"),
            ("100000", "0.25"),
            ("500000", "0.1"),
            (None, "0.05"),
        ),
        "财资〔2022〕136号 机械制造企业（未核对）",
        _U,
    ),
    Schedule(
        "power_generation",
        "电力生产与供应企业—电力生产",
        REVENUE,
        _b(
            ("1000", "3"),
            ("10000", "1.5"),
            ("100000", "1"),
            ("500000", "0.8"),
            ("1000000", "0.6"),
            (None, "0.2"),
        ),
        "财资〔2022〕136号 电力生产与供应企业（未核对，可信度低）",
        _U,
    ),
    Schedule(
        "power_supply",
        "电力生产与供应企业—电力供应",
        REVENUE,
        _b(("5000000", "0.5"), ("10000000", "0.4"), ("20000000", "0.3"), (None, "0.2")),
        "财资〔2022〕136号 电力生产与供应企业（未核对，可信度低）",
        _U,
    ),
    Schedule(
        "weapons_ships",
        "武器装备研制生产与试验企业—军用舰船（含修理）",
        REVENUE,
        _b(("1000", "2.5"), ("10000", "1.75"), ("100000", "0.8"), (None, "0.4")),
        _WEAPONS,
        _C,
    ),
    Schedule(
        "weapons_aerospace",
        "武器装备研制生产与试验企业—飞船、卫星、军用飞机、坦克车辆、火炮、轻武器、大型天线等产品",
        REVENUE,
        _b(("1000", "2"), ("10000", "1.5"), ("100000", "0.5"), ("1000000", "0.2"), (None, "0.1")),
        _WEAPONS,
        _C,
    ),
    Schedule(
        "weapons_other_dangerous",
        "武器装备研制生产与试验企业—其他军用危险品",
        REVENUE,
        _b(("1000", "4"), ("10000", "2"), ("100000", "0.5"), (None, "0.2")),
        _WEAPONS,
        _C,
    ),
    Schedule(
        "weapons_explosives",
        "武器装备研制生产与试验企业—火炸药",
        REVENUE,
        _b(("1000", "5"), ("10000", "3"), ("100000", "1"), (None, "0.5")),
        _WEAPONS + "（未核对）",
        _U,
    ),
    Schedule(
        "weapons_nuclear_equipment",
        "武器装备研制生产与试验企业—核装备及核燃料",
        REVENUE,
        _b(("1000", "3"), ("10000", "2"), ("100000", "0.5"), (None, "0.2")),
        _WEAPONS + "（未核对）",
        _U,
    ),
    _flat(
        "nuclear_engineering",
        "武器装备研制生产与试验企业—核工程",
        "3",
        "财资〔2022〕136号 第四十条",
        _C,
        "工程造价",
    ),
)

SCHEDULES: Mapping[str, Schedule] = MappingProxyType({s.key: s for s in _ALL})
"""Every yuan-based schedule by industry key, in force since 财资〔2022〕136号."""

INDUSTRIES: Mapping[str, str] = MappingProxyType({s.key: s.name_zh for s in _ALL})
"""Industry key → Chinese name as the rules write it, for every yuan-based schedule."""

HISTORICAL_2012: Mapping[str, Schedule] = MappingProxyType(
    {
        "machinery": Schedule(
            "machinery",
            "机械制造企业",
            REVENUE,
            _b(("1000", "2"), ("10000", "1"), ("100000", "0.2"), ("500000", "0.1"), (None, "0.05")),
            "财企〔2012〕16号（已废止）",
            _C,
        ),
        "metallurgy": Schedule(
            "metallurgy",
            "冶金企业",
            REVENUE,
            SCHEDULES["metallurgy"].brackets,
            "财企〔2012〕16号 第十条（已废止）",
            _C,
        ),
        "dangerous_goods": Schedule(
            "dangerous_goods",
            "危险品生产与储存企业",
            REVENUE,
            _b(("1000", "4"), ("10000", "2"), ("100000", "0.5"), (None, "0.2")),
            "财企〔2012〕16号（已废止）",
            _C,
        ),
    }
)
"""Schedules of the repealed 2012 rules (财企〔2012〕16号, ✅ [S24]), for recomputing old years."""

RATES_ENV = "ANJIAN_SAFETY_FUND_RATES"
"""Environment variable: JSON ``{"machinery": [["10000000", "0.0235"], …, [null, "0.0005"]]}``,
upper bounds in yuan and rates as fractions; replaces the brackets of the named industries."""


def _parse_brackets(key: str, raw: object, source: str) -> tuple[Bracket, ...]:
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise ValueError(f"{source}: brackets of {key!r} must be a non-empty list / 分段须为列表")
    brackets: list[Bracket] = []
    for entry in raw:
        if not isinstance(entry, Sequence) or isinstance(entry, str) or len(entry) != 2:
            raise ValueError(f"{source}: each bracket of {key!r} is [upper_yuan or null, rate]")
        upper = None if entry[0] is None else to_decimal(entry[0], f"{source} {key} upper")
        brackets.append(Bracket(upper, to_decimal(entry[1], f"{source} {key} rate")))
    uppers = [b.upper_yuan for b in brackets]
    if uppers[-1] is not None or None in uppers[:-1]:
        raise ValueError(
            f"{source}: only the last bracket of {key!r} is open (null) / 仅末段无上限"
        )
    bounded = [u for u in uppers if u is not None]
    if any(a >= b for a, b in zip(bounded, bounded[1:], strict=False)) or (
        bounded and bounded[0] <= 0
    ):
        raise ValueError(f"{source}: bracket bounds of {key!r} must increase / 分段上限须递增")
    return tuple(brackets)


def schedule(industry: str, overrides: Mapping[str, object] | None = None) -> Schedule:
    """Return the schedule in force for an industry key (财资〔2022〕136号).

    ``overrides`` (or, when it is None, the JSON in ``$ANJIAN_SAFETY_FUND_RATES``) maps industry
    keys to replacement brackets ``[[upper_yuan | null, rate], …]``; a replaced schedule is
    marked as checked by whoever configured it (``Status.CHECKED``).
    """
    if industry not in SCHEDULES:
        raise ValueError(
            f"unknown industry {industry!r}; allowed: {', '.join(SCHEDULES)} / 未知的行业"
        )
    source = "overrides"
    if overrides is None:
        env = os.environ.get(RATES_ENV, "").strip()
        try:
            loaded = json.loads(env) if env else {}
        except json.JSONDecodeError:
            raise ValueError(f"{RATES_ENV}: not valid JSON / 设置不是合法 JSON") from None
        if not isinstance(loaded, Mapping):
            raise ValueError(f"{RATES_ENV}: must be a JSON object / 应为 JSON 对象")
        overrides, source = loaded, RATES_ENV
    unknown = set(overrides) - set(SCHEDULES)
    if unknown:
        raise ValueError(f"{source}: unknown industries {sorted(unknown)} / 未知的行业")
    base = SCHEDULES[industry]
    if industry in overrides:
        brackets = _parse_brackets(industry, overrides[industry], source)
        return replace(base, brackets=brackets, citation=f"{base.citation}（{source}）", status=_C)
    return base


def amount(rules: Schedule, base_yuan: Decimal | Number) -> Decimal:
    """Compute the regressive (超额累退) amount of a schedule on a base, rounded to the fen.

    Each slice of the base between consecutive bracket bounds is charged at that bracket's
    rate; the sum is rounded half up to 0.01 yuan.
    """
    base = to_decimal(base_yuan, "base_yuan / 计提依据")
    total = Decimal(0)
    lower = Decimal(0)
    for upper, rate in rules.brackets:
        top = base if upper is None else min(base, upper)
        if top > lower:
            total += (top - lower) * rate
        if upper is None or base <= upper:
            break
        lower = upper
    return total.quantize(FEN, rounding=ROUND_HALF_UP)


def required(
    industry: str, base_yuan: Decimal | Number, overrides: Mapping[str, object] | None = None
) -> Decimal:
    """Return the annual safety fund an enterprise must extract, in yuan to the fen.

    财资〔2022〕136号: ``base_yuan`` is the previous year's operating revenue for the regressive
    industries, the construction and installation cost for construction (art. 17). The
    industry key is one of :data:`INDUSTRIES`. Negative bases raise ValueError.
    """
    return amount(schedule(industry, overrides), base_yuan)


SUSPEND_MULTIPLE = 3
"""Extraction pauses while the month's opening balance is at least 3 times last year's
required amount (未核对 / unchecked)."""


def extraction_suspended(
    opening_balance_yuan: Decimal | Number,
    last_year_required_yuan: Decimal | Number,
    multiple: int = SUSPEND_MULTIPLE,
) -> bool:
    """Whether monthly extraction pauses (财资〔2022〕136号, 未核对 / unchecked rule).

    True when the balance at the start of the month is at least ``multiple`` (default 3) times
    the amount that should have been extracted in the previous year.
    """
    balance = to_decimal(
        opening_balance_yuan, "opening_balance_yuan / 月初结余", allow_negative=True
    )
    last = to_decimal(last_year_required_yuan, "last_year_required_yuan / 上年应计提金额")
    return last > 0 and balance >= last * multiple


class OutputRate(NamedTuple):
    """A per-unit rate for industries that extract on output."""

    name_zh: str
    unit_zh: str
    yuan_per_unit: Decimal
    status: Status


OUTPUT_RATES: Mapping[str, OutputRate] = MappingProxyType(
    {
        "coal_outburst": OutputRate(
            "煤炭生产—煤与瓦斯突出矿井、冲击地压矿井", "吨原煤", Decimal(50), _U
        ),
        "coal_high_risk": OutputRate(
            "煤炭生产—高瓦斯矿井，水文地质类型复杂、极复杂矿井，容易自燃煤层矿井",
            "吨原煤",
            Decimal(30),
            _U,
        ),
        "coal_other_underground": OutputRate("煤炭生产—其他井工矿", "吨原煤", Decimal(15), _U),
        "coal_open_pit": OutputRate("煤炭生产—露天矿", "吨原煤", Decimal(5), _U),
        "oil": OutputRate("非煤矿山开采—石油", "吨原油", Decimal(20), _U),
        "gas": OutputRate(
            "非煤矿山开采—天然气、煤层气（地面开采）", "千立方米", Decimal("7.5"), _U
        ),
        "metal_open_pit": OutputRate("非煤矿山开采—金属矿山（露天）", "吨原矿", Decimal(5), _U),
        "metal_underground": OutputRate("非煤矿山开采—金属矿山（地下）", "吨原矿", Decimal(15), _U),
        "nuclear_mine": OutputRate("非煤矿山开采—核工业矿山", "吨原矿", Decimal(25), _U),
        "nonmetal_open_pit": OutputRate(
            "非煤矿山开采—非金属矿山（露天）", "吨原矿", Decimal(3), _U
        ),
        "nonmetal_underground": OutputRate(
            "非煤矿山开采—非金属矿山（地下）", "吨原矿", Decimal(8), _U
        ),
        "small_quarry": OutputRate(
            "非煤矿山开采—小型露天采石场（年产量不超过50万吨）", "吨原矿", Decimal(2), _U
        ),
        "tailings_grade_1_to_3": OutputRate("尾矿库—三等及三等以上", "吨入库尾矿", Decimal(4), _U),
        "tailings_grade_4_5": OutputRate("尾矿库—四等及五等", "吨入库尾矿", Decimal(5), _U),
    }
)
"""Per-unit rates for coal and non-coal mining (all 未核对 / unchecked)."""

OUTPUT_INDUSTRIES: Mapping[str, str] = MappingProxyType(
    {key: rate.name_zh for key, rate in OUTPUT_RATES.items()}
)
"""Output-based industry key → Chinese name."""


def required_by_output(
    industry: str,
    quantity: Decimal | Number,
    yuan_per_unit: Decimal | Number | None = None,
) -> Decimal:
    """Return the month's extraction for an output-based industry, in yuan to the fen.

    财资〔2022〕136号 (coal: 当月原煤产量; non-coal: 当月原矿产量; rates 未核对 / unchecked):
    ``quantity`` in the unit of :data:`OUTPUT_RATES`; ``yuan_per_unit`` overrides the rate.
    """
    if industry not in OUTPUT_RATES:
        raise ValueError(
            f"unknown output-based industry {industry!r}; allowed: {', '.join(OUTPUT_RATES)} / "
            f"未知的行业"
        )
    rate = (
        OUTPUT_RATES[industry].yuan_per_unit
        if yuan_per_unit is None
        else to_decimal(yuan_per_unit, "yuan_per_unit / 单位计提标准")
    )
    produced = to_decimal(quantity, "quantity / 产量")
    return (produced * rate).quantize(FEN, rounding=ROUND_HALF_UP)
