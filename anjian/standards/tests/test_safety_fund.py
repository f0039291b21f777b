"""财资〔2022〕136号: regressive brackets, the 2012 worked example, overrides, rounding."""

from decimal import Decimal

import pytest

from anjian.standards import Status, safety_fund


def test_every_industry_has_a_chinese_name_and_schedule() -> None:
    assert set(safety_fund.INDUSTRIES) == set(safety_fund.SCHEDULES)
    assert safety_fund.INDUSTRIES["fireworks"] == "烟花爆竹生产企业"
    assert safety_fund.INDUSTRIES["construction_mining"] == "建设工程施工—矿山工程"
    for rules in safety_fund.SCHEDULES.values():
        assert rules.brackets[-1].upper_yuan is None


def test_machinery_worked_example_2012_rules() -> None:
    # 2012 exam question: 1.5 billion revenue → 20 + 90 + 180 + 50 = 340 (万元)
    rules = safety_fund.HISTORICAL_2012["machinery"]
    assert safety_fund.amount(rules, Decimal("1500000000")) == Decimal("3400000.00")


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("0", "0.00"),
        ("10000000", "400000.00"),  # 1000万 × 4%, the bound itself is in the first bracket
        ("10000000.01", "400000.00"),  # + 0.01 × 3% = 0.0003 → rounds to the fen
        ("10000001", "400000.03"),
        ("20000000", "700000.00"),  # + 1000万 × 3%
        ("30000000", "950000.00"),  # + 1000万 × 2.5%
    ],
)
def test_fireworks_brackets(base: str, expected: str) -> None:
    assert safety_fund.required("fireworks", Decimal(base)) == Decimal(expected)


def test_regressive_amount_is_continuous_at_bounds() -> None:
    for key, rules in safety_fund.SCHEDULES.items():
        for bracket in rules.brackets[:-1]:
            upper = bracket.upper_yuan
            assert upper is not None
            below = safety_fund.required(key, upper - Decimal("0.01"))
            at = safety_fund.required(key, upper)
            above = safety_fund.required(key, upper + Decimal("0.01"))
            assert below <= at <= above
            assert above - below <= Decimal("0.01")


@pytest.mark.parametrize(
    ("industry", "base", "expected"),
    [
        ("construction_housing", "100000000", "3000000.00"),
        ("construction_mining", "100000000", "3500000.00"),
        ("construction_highway", "12345678.91", "185185.18"),
        ("weapons_ships", "2000000000", "250000+1575000+7200000+4000000"),
        ("metallurgy", "6000000000", "300000+1350000+4500000+8000000+1000000"),
    ],
)
def test_spot_values(industry: str, base: str, expected: str) -> None:
    total = sum((Decimal(part) for part in expected.split("+")), Decimal(0))
    assert safety_fund.required(industry, base) == total.quantize(Decimal("0.01"))


def test_result_is_rounded_half_up_to_the_fen() -> None:
    # 0.5 fen: 16.67 × 3% = 0.5001 … use a base giving exactly x.xx5
    assert safety_fund.required("construction_housing", "0.5") == Decimal("0.02")  # 0.015
    assert safety_fund.required("construction_municipal", "1") == Decimal("0.02")  # 0.015


def test_unchecked_rates_say_so() -> None:
    assert safety_fund.SCHEDULES["machinery"].status is Status.UNCHECKED
    assert "未核对" in safety_fund.SCHEDULES["machinery"].citation
    assert safety_fund.SCHEDULES["fireworks"].status is Status.CHECKED


def test_overrides_replace_brackets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(safety_fund.RATES_ENV, raising=False)
    overrides = {"machinery": [["10000000", "0.02"], [None, "0.01"]]}
    assert safety_fund.required("machinery", "20000000", overrides) == Decimal("300000.00")
    monkeypatch.setenv(safety_fund.RATES_ENV, '{"machinery": [[null, "0.01"]]}')
    assert safety_fund.required("machinery", "100") == Decimal("1.00")
    assert safety_fund.schedule("machinery").status is Status.CHECKED


@pytest.mark.parametrize(
    "setting",
    [
        "{",
        "[]",
        '{"nope": [[null, "0.01"]]}',
        '{"machinery": []}',
        '{"machinery": [["100", "0.01"]]}',
        '{"machinery": [["200", "0.01"], ["100", "0.01"], [null, "0.01"]]}',
        '{"machinery": [[null, "-0.01"]]}',
    ],
)
def test_bad_overrides_fail_loudly(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    monkeypatch.setenv(safety_fund.RATES_ENV, setting)
    with pytest.raises(ValueError):
        safety_fund.required("machinery", "100")


def test_invalid_input() -> None:
    with pytest.raises(ValueError, match="unknown industry"):
        safety_fund.required("bakery", Decimal(1))
    with pytest.raises(ValueError, match="negative"):
        safety_fund.required("fireworks", Decimal(-1))


def test_output_based_industries() -> None:
    assert safety_fund.required_by_output("coal_outburst", "1000") == Decimal("50000.00")
    assert safety_fund.required_by_output("nonmetal_underground", 5000) == Decimal("40000.00")
    assert safety_fund.required_by_output("gas", "3", yuan_per_unit="8") == Decimal("24.00")
    assert set(safety_fund.OUTPUT_INDUSTRIES) == set(safety_fund.OUTPUT_RATES)
    with pytest.raises(ValueError, match="unknown output-based industry"):
        safety_fund.required_by_output("fireworks", 1)


def test_extraction_pauses_at_three_times_last_year() -> None:
    assert safety_fund.extraction_suspended(300, 100)
    assert not safety_fund.extraction_suspended("299.99", 100)
    assert not safety_fund.extraction_suspended(0, 0)
