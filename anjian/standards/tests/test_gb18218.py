"""GB 18218-2018: tables row by row, identification, grading and their boundaries."""

from decimal import Decimal
from fractions import Fraction

import pytest

from anjian.standards import Status, gb18218
from anjian.standards.gb18218 import Item, assess
from anjian.standards.tests.test_gb18218_rules import TABLE2_PUBLISHED


def test_table1_has_all_85_rows_in_order() -> None:
    assert len(gb18218.TABLE1) == 85
    assert [row.no for row in gb18218.TABLE1] == list(range(1, 86))


@pytest.mark.parametrize(
    ("query", "no", "threshold"),
    [
        ("液氨", 1, "10"),
        ("7664-41-7", 1, "10"),
        ("二氟化氧", 2, "1"),
        ("光气", 6, "0.3"),
        ("甲醛", 8, "5"),
        ("氯", 12, "5"),
        ("煤气", 13, "20"),
        ("TDI", 23, "100"),
        ("异氰酸甲酯", 30, "0.75"),
        ("叠氮化铅", 32, "0.5"),
        ("硝化纤维素(含乙醇≥25%)", 39, "10"),
        ("硝酸铵(含可燃物≤0.2%)", 44, "50"),
        ("硝酸铵肥料", 45, "200"),
        ("硝酸钾", 46, "1000"),
        ("天然气", 49, "50"),
        ("8006-14-2", 49, "50"),
        ("氢", 51, "5"),
        ("1333-74-0", 51, "5"),
        ("液化石油气", 52, "50"),
        ("74-98-6", 52, "50"),
        ("氧", 56, "200"),
        ("7782-44-7", 56, "200"),
        ("苯", 57, "50"),
        ("甲醇", 65, "500"),
        ("汽油", 66, "200"),
        ("乙醇", 67, "500"),
        ("硝酸胍", 82, "50"),
        ("电石", 83, "100"),
        ("钠", 85, "10"),
    ],
)
def test_table1_spot_values(query: str, no: int, threshold: str) -> None:
    row = gb18218.substance(query)
    assert row.no == no
    assert row.threshold_t == Decimal(threshold)


def test_table1_names_of_rows_that_a_bad_source_got_wrong() -> None:
    by_no = {row.no: row for row in gb18218.TABLE1}
    assert by_no[2].name == "二氟化氧"
    assert by_no[8].name.startswith("甲醛")
    assert (by_no[51].name, by_no[51].cas) == ("氢", ("1333-74-0",))
    assert by_no[56].name.startswith("氧")


def test_every_table1_cas_number_has_a_valid_check_digit() -> None:
    for row in gb18218.TABLE1:
        for cas in row.cas:
            assert gb18218._check_cas(cas) == cas


def test_full_width_parentheses_are_accepted_in_names() -> None:
    assert gb18218.substance("硝酸铵（含可燃物≤0.2%）").no == 44


@pytest.mark.parametrize("query", ["硝化棉", "9004-70-0", "硝酸铵", "6484-52-2"])
def test_ambiguous_queries_name_the_candidates(query: str) -> None:
    with pytest.raises(ValueError, match="several rows"):
        gb18218.substance(query)


def test_table2_has_24_categories_with_thresholds_and_table4_beta() -> None:
    assert len(gb18218.TABLE2) == 24
    expected = TABLE2_PUBLISHED
    actual = {code: (str(c.threshold_t), str(c.beta)) for code, c in gb18218.TABLE2.items()}
    assert actual == expected
    assert {code: Decimal(beta) for code, (_, beta) in expected.items()} == gb18218.TABLE4


def test_table3_toxic_gas_betas() -> None:
    betas = {gas.name: gas.beta for gas in gb18218.TABLE3.values()}
    assert betas == {
        "一氧化碳": 2,
        "二氧化硫": 2,
        "氨": 2,
        "环氧乙烷": 2,
        "氯化氢": 3,
        "溴甲烷": 3,
        "氯": 4,
        "硫化氢": 5,
        "氟化氢": 5,
        "二氧化氮": 10,
        "氰化氢": 10,
        "碳酰氯": 20,
        "磷化氢": 20,
        "异氰酸甲酯": 20,
    }


def test_every_table1_row_has_a_beta() -> None:
    for row in gb18218.TABLE1:
        in_table3 = any(cas in gb18218.TABLE3 for cas in row.cas)
        assert in_table3 != (row.beta_category is not None), row.name
        if row.beta_category is not None:
            assert row.beta_category in gb18218.TABLE2


@pytest.mark.parametrize(
    ("people", "alpha"),
    [
        (0, "0.5"),
        (1, "1.0"),
        (29, "1.0"),
        (30, "1.2"),
        (49, "1.2"),
        (50, "1.5"),
        (99, "1.5"),
        (100, "2.0"),
        (101, "2.0"),
        (100_000, "2.0"),
    ],
)
def test_table5_alpha_at_and_around_every_boundary(people: int, alpha: str) -> None:
    assert gb18218.alpha(people) == Decimal(alpha)


@pytest.mark.parametrize(
    ("r", "level"),
    [
        ("100", 1),
        ("100.0001", 1),
        ("99.9999", 2),
        ("50", 2),
        ("49.9999", 3),
        ("10", 3),
        ("9.9999", 4),
        ("0", 4),
    ],
)
def test_table6_levels_at_and_around_every_boundary(r: str, level: int) -> None:
    assert gb18218.level_for(Decimal(r)) == level


def test_single_substance_exactly_at_threshold_is_major() -> None:
    result = assess([Item(10, cas="7664-41-7")], 0)
    assert result.s == 1 and result.is_major
    assert result.lines == (gb18218.Line(Decimal(10), Decimal(2), Decimal(1)),)
    threshold, beta, ratio = result.lines[0]
    assert (threshold, beta, ratio) == (Decimal(10), Decimal(2), Decimal(1))
    # R = 0.5 × 2 × 1 = 1 → level 4
    assert result.alpha == Decimal("0.5") and result.r == 1 and result.level == 4


@pytest.mark.parametrize(("quantity", "major"), [("9.999", False), ("10", True), ("10.001", True)])
def test_single_substance_boundary(quantity: str, major: bool) -> None:
    result = assess([Item(quantity, name="液氨")], 10)
    assert result.is_major is major
    assert (result.r is None) is not major and (result.level is None) is not major


def test_not_major_has_no_grade() -> None:
    result = assess([Item(100, name="甲醇")], 500)
    assert result.s == Decimal("0.2")
    assert (result.is_major, result.r, result.level) == (False, None, None)


def test_float_sums_that_are_exactly_one_on_paper_are_major() -> None:
    # in binary floating point 0.1/10 + 0.2/10 + 9.7/10 is 0.9999999999999999 in some orders
    items = [Item(0.1, category="W5.1"), Item(0.2, category="W5.1"), Item(9.7, category="W5.1")]
    result = assess(items, 0)
    assert result.s_exact == 1 and result.is_major


def test_worked_example_ammonia_and_chlorine_with_people() -> None:
    # q/Q: 液氨 8/10 = 0.8 (β 2), 氯 2.5/5 = 0.5 (β 4); S = 1.3; R = 2.0 × (1.6 + 2.0) = 7.2
    result = assess([Item(8, name="液氨"), Item("2.5", name="氯")], 120)
    assert result.s == Decimal("1.3")
    assert result.r == Decimal("7.2") and result.level == 4


def test_worked_example_sulphur_dioxide_200_t() -> None:
    # SO₂ 200 t: S = 200/20 = 10; β = 2 (Table 3); with α = 1.0, R = 20 → level 3
    result = assess([Item(200, cas="7446-09-5")], 10)
    assert result.s == 10 and result.r == 20 and result.level == 3


def test_r_exactly_at_100_is_level_one() -> None:
    # 氯 125 t: ratio 25, β 4 → 100; α 1.0 (1–29 people)
    result = assess([Item(125, name="氯")], 1)
    assert result.r == 100 and result.level == 1
    result = assess([Item("124.99", name="氯")], 1)
    assert result.level == 2


def test_r_exactly_at_50_and_10() -> None:
    assert assess([Item(25, name="液氨")], 50).r == Decimal("7.5")
    fifty = assess([Item("62.5", name="氯")], 5)  # 12.5 × 4 × 1.0
    assert fifty.r == 50 and fifty.level == 2
    ten = assess([Item(50, name="液氨")], 5)  # 5 × 2 × 1.0
    assert ten.r == 10 and ten.level == 3


def test_thirds_are_exact() -> None:
    # three items of 0.1 t phosgene (Q 0.3): each ratio 1/3, S exactly 1
    result = assess([Item("0.1", name="光气")] * 3, 0)
    assert result.s_exact == Fraction(1) and result.is_major and result.s == 1


def test_table1_substance_not_in_table3_uses_its_category_beta() -> None:
    result = assess([Item(50, name="液化石油气")], 0)
    assert result.lines[0].beta == Decimal("1.5")
    assert result.basis[0].beta_status is Status.UNCHECKED


def test_category_overrides_default_beta_of_table1_substance() -> None:
    result = assess([Item(500, name="甲醇", category="W5.1")], 0)
    assert result.lines[0].threshold_t == 500  # Q still from Table 1
    assert result.lines[0].beta == Decimal("1.5")
    assert result.basis[0].beta_status is Status.CHECKED


def test_table3_beta_wins_over_category() -> None:
    result = assess([Item(10, name="氨", category="W2")], 0)
    assert result.lines[0].beta == 2


def test_category_only_item() -> None:
    result = assess([Item(1000, category="W5.3")], 0)
    assert result.lines[0] == gb18218.Line(Decimal(1000), Decimal(1), Decimal(1))


def test_several_hazards_take_the_lowest_threshold() -> None:
    result = assess([Item(10, category="J3, W2")], 0)
    assert result.lines[0].threshold_t == 10 and result.lines[0].beta == Decimal("1.5")


def test_carbon_monoxide_needs_a_category_and_takes_table3_beta() -> None:
    with pytest.raises(ValueError, match="Table 2"):
        assess([Item(10, cas="630-08-0")], 0)
    result = assess([Item(10, cas="630-08-0", category="W2")], 0)
    assert result.lines[0] == gb18218.Line(Decimal(10), Decimal(2), Decimal(1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quantity_t": -1, "name": "氨"}, "negative"),
        ({"quantity_t": "abc", "name": "氨"}, "not a number"),
        ({"quantity_t": float("nan"), "name": "氨"}, "finite"),
        ({"quantity_t": True, "name": "氨"}, "expected a number"),
        ({"quantity_t": 1}, "CAS number, a name or a Table 2 category"),
    ],
)
def test_invalid_items(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Item(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (Item(1, cas="50-00-1"), "check digit"),
        (Item(1, cas="7664417"), "malformed"),
        (Item(1, cas="64-19-7"), "not in GB 18218-2018 Table 1"),
        (Item(1, name="不存在的物质"), "not in GB 18218-2018 Table 1"),
        (Item(1, category="W12"), "unknown GB 18218-2018 Table 2 category"),
        (Item(1, cas="7664-41-7", name="氯"), "different substances"),
        (Item(1, cas="67-56-1", name="氯"), "different substances"),
        (Item(1, name="硝化棉"), "several rows"),
    ],
)
def test_invalid_substances(item: Item, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        assess([item], 0)


def test_negative_people_rejected() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        assess([Item(1, name="氨")], -1)


def test_empty_unit_is_not_major() -> None:
    result = assess([], 0)
    assert result.s == 0 and not result.is_major


def test_cas_and_name_that_agree() -> None:
    result = assess([Item(5, cas="1333-74-0", name="氢气")], 0)
    assert result.basis[0].substance is not None and result.basis[0].substance.no == 51
