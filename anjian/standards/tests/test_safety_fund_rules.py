"""财资〔2022〕136号 pinned: every schedule and output rate against the published table
(shared/STANDARDS-FACTS.md §6), the bracket arithmetic at each bound, the override checks and
the suspension rule at its threshold."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from anjian.standards import Status, safety_fund
from anjian.standards.safety_fund import Bracket

C, P, U = Status.CHECKED, Status.PARTLY, Status.UNCHECKED
WAN = 10_000

# key: (name, base, [(upper bound in 万元 or None, rate in %)], status) as §6 writes them.
PUBLISHED = {
    "construction_mining": ("建设工程施工—矿山工程", "建筑安装工程造价", [(None, "3.5")], C),
    "construction_railway": ("建设工程施工—铁路工程", "建筑安装工程造价", [(None, "3")], C),
    "construction_housing": ("建设工程施工—房屋建筑工程", "建筑安装工程造价", [(None, "3")], C),
    "construction_urban_rail": (
        "建设工程施工—城市轨道交通工程",
        "建筑安装工程造价",
        [(None, "3")],
        C,
    ),
    "construction_water_power": (
        "建设工程施工—水利水电工程",
        "建筑安装工程造价",
        [(None, "2.5")],
        C,
    ),
    "construction_power": ("建设工程施工—电力工程", "建筑安装工程造价", [(None, "2.5")], C),
    "construction_smelting": ("建设工程施工—冶炼工程", "建筑安装工程造价", [(None, "2")], C),
    "construction_electromechanical": (
        "建设工程施工—机电安装工程",
        "建筑安装工程造价",
        [(None, "2")],
        C,
    ),
    "construction_chemical_petroleum": (
        "建设工程施工—化工石油工程",
        "建筑安装工程造价",
        [(None, "2")],
        C,
    ),
    "construction_telecom": ("建设工程施工—通信工程", "建筑安装工程造价", [(None, "2")], C),
    "construction_municipal": (
        "建设工程施工—市政公用工程",
        "建筑安装工程造价",
        [(None, "1.5")],
        C,
    ),
    "construction_port_waterway": (
        "建设工程施工—港口与航道工程",
        "建筑安装工程造价",
        [(None, "1.5")],
        C,
    ),
    "construction_highway": ("建设工程施工—公路工程", "建筑安装工程造价", [(None, "1.5")], C),
    "fireworks": (
        "烟花爆竹生产企业",
        "上一年度营业收入",
        [(1000, "4"), (2000, "3"), (None, "2.5")],
        C,
    ),
    "dangerous_goods": (
        "危险品生产与储存企业",
        "上一年度营业收入",
        [(1000, "4.5"), (10000, "2.25"), (100000, "0.55"), (None, "0.2")],
        U,
    ),
    "transport_freight": ("交通运输企业—普通货运业务", "上一年度营业收入", [(None, "1")], P),
    "transport_special": (
        "交通运输企业—客运业务、管道运输、危险品等特殊货运业务",
        "上一年度营业收入",
        [(None, "1.5")],
        P,
    ),
    "metallurgy": (
        "冶金企业",
        "上一年度营业收入",
        [
            (1000, "3"),
            (10000, "1.5"),
            (100000, "0.5"),
            (500000, "0.2"),
            (1000000, "0.1"),
            (None, "0.05"),
        ],
        P,
    ),
    "machinery": (
        "机械制造企业",
        "上一年度营业收入",
        [(1000, "2.35"), (10000, "1.25"), (100000, "0.25"), (500000, "0.1"), (None, "0.05")],
        U,
    ),
    "power_generation": (
        "电力生产与供应企业—电力生产",
        "上一年度营业收入",
        [
            (1000, "3"),
            (10000, "1.5"),
            (100000, "1"),
            (500000, "0.8"),
            (1000000, "0.6"),
            (None, "0.2"),
        ],
        U,
    ),
    "power_supply": (
        "电力生产与供应企业—电力供应",
        "上一年度营业收入",
        [(5000000, "0.5"), (10000000, "0.4"), (20000000, "0.3"), (None, "0.2")],
        U,
    ),
    "weapons_ships": (
        "武器装备研制生产与试验企业—军用舰船（含修理）",
        "上一年度营业收入",
        [(1000, "2.5"), (10000, "1.75"), (100000, "0.8"), (None, "0.4")],
        C,
    ),
    "weapons_aerospace": (
        "武器装备研制生产与试验企业—飞船、卫星、军用飞机、坦克车辆、火炮、轻武器、大型天线等产品",
        "上一年度营业收入",
        [(1000, "2"), (10000, "1.5"), (100000, "0.5"), (1000000, "0.2"), (None, "0.1")],
        C,
    ),
    "weapons_other_dangerous": (
        "武器装备研制生产与试验企业—其他军用危险品",
        "上一年度营业收入",
        [(1000, "4"), (10000, "2"), (100000, "0.5"), (None, "0.2")],
        C,
    ),
    "weapons_explosives": (
        "武器装备研制生产与试验企业—火炸药",
        "上一年度营业收入",
        [(1000, "5"), (10000, "3"), (100000, "1"), (None, "0.5")],
        U,
    ),
    "weapons_nuclear_equipment": (
        "武器装备研制生产与试验企业—核装备及核燃料",
        "上一年度营业收入",
        [(1000, "3"), (10000, "2"), (100000, "0.5"), (None, "0.2")],
        U,
    ),
    "nuclear_engineering": ("武器装备研制生产与试验企业—核工程", "工程造价", [(None, "3")], C),
}

# key: (name, unit, yuan per unit) as §6 writes them; all unchecked.
PUBLISHED_OUTPUT = {
    "coal_outburst": ("煤炭生产—煤与瓦斯突出矿井、冲击地压矿井", "吨原煤", "50"),
    "coal_high_risk": (
        "煤炭生产—高瓦斯矿井，水文地质类型复杂、极复杂矿井，容易自燃煤层矿井",
        "吨原煤",
        "30",
    ),
    "coal_other_underground": ("煤炭生产—其他井工矿", "吨原煤", "15"),
    "coal_open_pit": ("煤炭生产—露天矿", "吨原煤", "5"),
    "oil": ("非煤矿山开采—石油", "吨原油", "20"),
    "gas": ("非煤矿山开采—天然气、煤层气（地面开采）", "千立方米", "7.5"),
    "metal_open_pit": ("非煤矿山开采—金属矿山（露天）", "吨原矿", "5"),
    "metal_underground": ("非煤矿山开采—金属矿山（地下）", "吨原矿", "15"),
    "nuclear_mine": ("非煤矿山开采—核工业矿山", "吨原矿", "25"),
    "nonmetal_open_pit": ("非煤矿山开采—非金属矿山（露天）", "吨原矿", "3"),
    "nonmetal_underground": ("非煤矿山开采—非金属矿山（地下）", "吨原矿", "8"),
    "small_quarry": ("非煤矿山开采—小型露天采石场（年产量不超过50万吨）", "吨原矿", "2"),
    "tailings_grade_1_to_3": ("尾矿库—三等及三等以上", "吨入库尾矿", "4"),
    "tailings_grade_4_5": ("尾矿库—四等及五等", "吨入库尾矿", "5"),
}


def _brackets(pairs: list[tuple[int | None, str]]) -> tuple[Bracket, ...]:
    return tuple(
        Bracket(None if upper is None else Decimal(upper * WAN), Decimal(rate) / 100)
        for upper, rate in pairs
    )


@pytest.fixture(autouse=True)
def _no_rate_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(safety_fund.RATES_ENV, raising=False)


@pytest.mark.parametrize("key", list(PUBLISHED))
def test_each_schedule_is_the_published_one(key: str) -> None:
    name, base, pairs, status = PUBLISHED[key]
    rules = safety_fund.schedule(key)
    assert rules is safety_fund.SCHEDULES[key]
    assert (rules.key, rules.name_zh, rules.base_zh, rules.status) == (key, name, base, status)
    assert rules.brackets == _brackets(pairs)
    assert safety_fund.INDUSTRIES[key] == name
    assert rules.citation.startswith("财资〔2022〕136号")
    assert ("未核对" in rules.citation) == (status is U or key == "metallurgy")


def test_no_schedule_beyond_the_published_ones() -> None:
    assert list(safety_fund.SCHEDULES) == list(PUBLISHED)
    assert safety_fund.SCHEDULES["construction_housing"].citation == "财资〔2022〕136号 第十七条"
    assert safety_fund.SCHEDULES["fireworks"].citation == "财资〔2022〕136号 第三十三条"
    assert safety_fund.SCHEDULES["nuclear_engineering"].citation == "财资〔2022〕136号 第四十条"


@pytest.mark.parametrize("key", list(PUBLISHED))
def test_each_schedule_charges_each_slice_at_its_rate(key: str) -> None:
    """At each bound, a fen below and a yuan above: the amount is the sum of the slices."""
    _name, _base, pairs, _status = PUBLISHED[key]

    def expected(base: Decimal) -> Decimal:
        total, lower = Decimal(0), Decimal(0)
        for upper, rate in pairs:
            top = base if upper is None else min(base, Decimal(upper * WAN))
            total += max(top - lower, Decimal(0)) * Decimal(rate) / 100
            lower = top if upper is None else Decimal(upper * WAN)
        return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    bounds = [Decimal(upper * WAN) for upper, _rate in pairs if upper is not None]
    for base in [Decimal(1_000_000)] + [b + d for b in bounds for d in (-1, 0, 1000)]:
        assert safety_fund.required(key, base) == expected(base), base
    top = bounds[-1] * 3 if bounds else Decimal(10**9)
    assert safety_fund.required(key, top) == expected(top)


def test_2012_schedules_are_the_repealed_ones() -> None:
    old = safety_fund.HISTORICAL_2012
    assert set(old) == {"machinery", "metallurgy", "dangerous_goods"}
    assert old["machinery"].brackets == _brackets(
        [(1000, "2"), (10000, "1"), (100000, "0.2"), (500000, "0.1"), (None, "0.05")]
    )
    assert old["dangerous_goods"].brackets == _brackets(
        [(1000, "4"), (10000, "2"), (100000, "0.5"), (None, "0.2")]
    )
    assert old["metallurgy"].brackets == safety_fund.SCHEDULES["metallurgy"].brackets
    assert all(s.status is C and "已废止" in s.citation for s in old.values())


@pytest.mark.parametrize("key", list(PUBLISHED_OUTPUT))
def test_each_output_rate_is_the_published_one(key: str) -> None:
    name, unit, rate = PUBLISHED_OUTPUT[key]
    published = safety_fund.OUTPUT_RATES[key]
    assert (published.name_zh, published.unit_zh, published.yuan_per_unit) == (
        name,
        unit,
        Decimal(rate),
    )
    assert published.status is U
    assert safety_fund.OUTPUT_INDUSTRIES[key] == name
    assert safety_fund.required_by_output(key, "1000") == Decimal(rate) * 1000
    assert safety_fund.required_by_output(key, "0.001") == (Decimal(rate) / 1000).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def test_no_output_rate_beyond_the_published_ones() -> None:
    assert list(safety_fund.OUTPUT_RATES) == list(PUBLISHED_OUTPUT)


def test_output_rate_override_and_refusals() -> None:
    assert safety_fund.required_by_output("oil", 10, yuan_per_unit="0") == Decimal("0.00")
    assert safety_fund.required_by_output("oil", 0) == Decimal("0.00")
    with pytest.raises(ValueError, match="^quantity / 产量: must not be negative"):
        safety_fund.required_by_output("oil", -1)
    with pytest.raises(ValueError, match="^yuan_per_unit / 单位计提标准: must not be negative"):
        safety_fund.required_by_output("oil", 1, yuan_per_unit=-1)
    with pytest.raises(ValueError, match="allowed: coal_outburst, coal_high_risk"):
        safety_fund.required_by_output("fireworks", 1)


# --- the bracket arithmetic ---------------------------------------------------------------------


def test_amount_of_a_schedule_at_and_around_its_bounds() -> None:
    rules = safety_fund.SCHEDULES["fireworks"]  # 4 % to 1000万, 3 % to 2000万, then 2.5 %
    assert safety_fund.amount(rules, 0) == Decimal("0.00")
    assert safety_fund.amount(rules, "9999999") == Decimal("399999.96")
    assert safety_fund.amount(rules, "10000000") == Decimal("400000.00")
    assert safety_fund.amount(rules, "10000100") == Decimal("400003.00")
    assert safety_fund.amount(rules, "19999900") == Decimal("699997.00")
    assert safety_fund.amount(rules, "20000000") == Decimal("700000.00")
    assert safety_fund.amount(rules, "20000100") == Decimal("700002.50")
    with pytest.raises(ValueError, match="^base_yuan / 计提依据: must not be negative"):
        safety_fund.amount(rules, "-0.01")


def test_amount_rounds_half_up_to_the_fen() -> None:
    flat = safety_fund.schedule("machinery", {"machinery": [[None, "0.5"]]})
    assert safety_fund.amount(flat, "0.01") == Decimal("0.01")  # 0.005 rounds up
    assert safety_fund.amount(flat, "0.02") == Decimal("0.01")
    assert safety_fund.amount(flat, "0.03") == Decimal("0.02")  # 0.015 rounds up
    assert safety_fund.amount(flat, "0.009") == Decimal("0.00")  # 0.0045 rounds down


# --- overrides ----------------------------------------------------------------------------------


def test_an_override_replaces_only_the_named_industry_and_says_so() -> None:
    overrides = {"machinery": [["1000", "0.1"], [None, "0.01"]]}
    replaced = safety_fund.schedule("machinery", overrides)
    assert replaced.brackets == (
        Bracket(Decimal(1000), Decimal("0.1")),
        Bracket(None, Decimal("0.01")),
    )
    assert replaced.status is C
    assert replaced.citation == safety_fund.SCHEDULES["machinery"].citation + "（overrides）"
    assert (replaced.key, replaced.name_zh) == ("machinery", "机械制造企业")
    assert safety_fund.schedule("fireworks", overrides) is safety_fund.SCHEDULES["fireworks"]
    assert safety_fund.required("machinery", 2000, overrides) == Decimal("110.00")


def test_the_environment_override_is_named_in_the_citation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(safety_fund.RATES_ENV, '{"fireworks": [[null, "0.02"]]}')
    rules = safety_fund.schedule("fireworks")
    assert rules.citation.endswith("（ANJIAN_SAFETY_FUND_RATES）")
    assert safety_fund.required("fireworks", 100) == Decimal("2.00")
    # an explicit mapping, even an empty one, wins over the environment
    assert safety_fund.schedule("fireworks", {}) is safety_fund.SCHEDULES["fireworks"]
    monkeypatch.setenv(safety_fund.RATES_ENV, "   ")
    assert safety_fund.schedule("fireworks") is safety_fund.SCHEDULES["fireworks"]


@pytest.mark.parametrize(
    ("brackets", "message"),
    [
        ([["100", "0.01"], ["100", "0.01"], [None, "0.01"]], "bounds of 'machinery' must increase"),
        ([["0", "0.01"], [None, "0.01"]], "bounds of 'machinery' must increase"),
        ([["-5", "0.01"], [None, "0.01"]], "machinery upper: must not be negative"),
        ([[None, "0.01"], ["100", "0.01"]], "only the last bracket of 'machinery' is open"),
        ([["100", "0.01"], [None, "0.01"], [None, "0.01"]], "only the last bracket"),
        ([["100", "0.01"]], "only the last bracket"),
        ([], "brackets of 'machinery' must be a non-empty list"),
        ("[[null, 0.01]]", "must be a non-empty list"),
        ([[None]], r"each bracket of 'machinery' is \[upper_yuan or null, rate\]"),
        ([[None, "0.01", "x"]], "each bracket"),
        (["ab"], "each bracket"),
        ([[None, "-0.01"]], "machinery rate: must not be negative"),
    ],
)
def test_bad_overridden_brackets_are_refused(brackets: object, message: str) -> None:
    with pytest.raises(ValueError, match=f"^overrides: .*{message}|^overrides {message}"):
        safety_fund.schedule("machinery", {"machinery": brackets})


def test_bounds_just_above_zero_and_strictly_increasing_are_accepted() -> None:
    rules = safety_fund.schedule(
        "machinery", {"machinery": [["0.01", "0.5"], ["0.02", "0.25"], [None, "0"]]}
    )
    assert [b.upper_yuan for b in rules.brackets] == [Decimal("0.01"), Decimal("0.02"), None]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("{", "^ANJIAN_SAFETY_FUND_RATES: not valid JSON"),
        ("[1]", "^ANJIAN_SAFETY_FUND_RATES: must be a JSON object"),
        ('{"bakery": []}', r"^ANJIAN_SAFETY_FUND_RATES: unknown industries \['bakery'\]"),
    ],
)
def test_a_bad_environment_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, setting: str, message: str
) -> None:
    monkeypatch.setenv(safety_fund.RATES_ENV, setting)
    with pytest.raises(ValueError, match=message):
        safety_fund.schedule("fireworks")


def test_unknown_industries_are_listed() -> None:
    with pytest.raises(
        ValueError,
        match="^unknown industry 'bakery'; allowed: construction_mining, construction_railway, ",
    ):
        safety_fund.schedule("bakery")
    with pytest.raises(ValueError, match=r"^overrides: unknown industries \['bakery'\]"):
        safety_fund.schedule("fireworks", {"bakery": [[None, "0.01"]]})


# --- suspension ---------------------------------------------------------------------------------


def test_the_suspension_multiple_is_three() -> None:
    assert safety_fund.SUSPEND_MULTIPLE == 3


@pytest.mark.parametrize(
    ("balance", "last_year", "suspended"),
    [
        ("300", "100", True),  # exactly three times
        ("300.01", "100", True),
        ("299.99", "100", False),
        ("1000000", "0", False),  # nothing was due last year: nothing to suspend
        ("-5", "100", False),  # a negative opening balance is allowed and never suspends
        ("0", "0.01", False),
        ("0.03", "0.01", True),
    ],
)
def test_extraction_pauses_at_three_times_last_year(
    balance: str, last_year: str, suspended: bool
) -> None:
    assert safety_fund.extraction_suspended(balance, last_year) is suspended


def test_the_suspension_multiple_is_a_parameter() -> None:
    assert safety_fund.extraction_suspended(200, 100, multiple=2)
    assert not safety_fund.extraction_suspended(199, 100, multiple=2)
    assert not safety_fund.extraction_suspended(299, 100, multiple=3)
    with pytest.raises(ValueError, match="^last_year_required_yuan / 上年应计提金额: must not be"):
        safety_fund.extraction_suspended(0, -1)
    with pytest.raises(ValueError, match="^opening_balance_yuan / 月初结余: not a number"):
        safety_fund.extraction_suspended("x", 1)


def test_the_table_helpers_build_schedules_as_written() -> None:
    """``_b`` and ``_flat`` turn the percentages and 万元 of the text into rates and yuan."""
    assert safety_fund._b(("1000", "4"), (None, "2.5")) == (
        Bracket(Decimal(10_000_000), Decimal("0.04")),
        Bracket(None, Decimal("0.025")),
    )
    assert safety_fund._flat("k", "名", "3.5", "条", C, "依据") == safety_fund.Schedule(
        "k", "名", "依据", (Bracket(None, Decimal("0.035")),), "条", C
    )
