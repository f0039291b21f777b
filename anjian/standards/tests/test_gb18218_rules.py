"""GB 18218-2018 pinned against the published tables (shared/STANDARDS-FACTS.md §1): all 85 rows
of Table 1, Tables 2–5 value by value, the loaders that read them, lookups that match two rows,
the choice of the deciding category, and the record of where Q and β came from."""

from decimal import Decimal
from fractions import Fraction

import pytest

from anjian.standards import Status, gb18218
from anjian.standards.gb18218 import Item, assess

TABLE1_PUBLISHED = [
    (1, "氨", "10"),
    (2, "二氟化氧", "1"),
    (3, "二氧化氮", "1"),
    (4, "二氧化硫", "20"),
    (5, "氟", "1"),
    (6, "碳酰氯", "0.3"),
    (7, "环氧乙烷", "10"),
    (8, "甲醛(含量>90%)", "5"),
    (9, "磷化氢", "1"),
    (10, "硫化氢", "5"),
    (11, "氯化氢(无水)", "20"),
    (12, "氯", "5"),
    (13, "煤气(CO，CO和H₂、CH₄的混合物等)", "20"),
    (14, "砷化氢", "1"),
    (15, "锑化氢", "1"),
    (16, "硒化氢", "1"),
    (17, "溴甲烷", "10"),
    (18, "丙酮氰醇", "20"),
    (19, "丙烯醛", "20"),
    (20, "氟化氢", "1"),
    (21, "1-氯-2,3-环氧丙烷", "20"),
    (22, "3-溴-1,2-环氧丙烷", "20"),
    (23, "甲苯二异氰酸酯", "100"),
    (24, "一氯化硫", "1"),
    (25, "氰化氢", "1"),
    (26, "三氧化硫", "75"),
    (27, "3-氨基丙烯", "20"),
    (28, "溴", "20"),
    (29, "乙撑亚胺", "20"),
    (30, "异氰酸甲酯", "0.75"),
    (31, "叠氮化钡", "0.5"),
    (32, "叠氮化铅", "0.5"),
    (33, "雷汞", "0.5"),
    (34, "三硝基苯甲醚", "5"),
    (35, "2,4,6-三硝基甲苯", "5"),
    (36, "硝化甘油", "1"),
    (37, "硝化纤维素[干的或含水(或乙醇)<25%]", "1"),
    (38, "硝化纤维素(未改型的，或增塑的，含增塑剂<18%)", "1"),
    (39, "硝化纤维素(含乙醇≥25%)", "10"),
    (40, "硝化纤维素(含氮≤12.6%)", "50"),
    (41, "硝化纤维素(含水≥25%)", "50"),
    (42, "硝化纤维素溶液(含氮量≤12.6%，含硝化纤维素≤55%)", "50"),
    (43, "硝酸铵(含可燃物>0.2%，包括以碳计算的任何有机物，但不包括任何其他添加剂)", "5"),
    (44, "硝酸铵(含可燃物≤0.2%)", "50"),
    (45, "硝酸铵肥料(含可燃物≤0.4%)", "200"),
    (46, "硝酸钾", "1000"),
    (47, "1,3-丁二烯", "5"),
    (48, "二甲醚", "50"),
    (49, "甲烷，天然气", "50"),
    (50, "氯乙烯", "50"),
    (51, "氢", "5"),
    (52, "液化石油气(含丙烷、丁烷及其混合物)", "50"),
    (53, "一甲胺", "5"),
    (54, "乙炔", "1"),
    (55, "乙烯", "50"),
    (56, "氧(压缩的或液化的)", "200"),
    (57, "苯", "50"),
    (58, "苯乙烯", "500"),
    (59, "丙酮", "500"),
    (60, "2-丙烯腈", "50"),
    (61, "二硫化碳", "50"),
    (62, "环己烷", "500"),
    (63, "1,2-环氧丙烷", "10"),
    (64, "甲苯", "500"),
    (65, "甲醇", "500"),
    (66, "汽油(乙醇汽油、甲醇汽油)", "200"),
    (67, "乙醇", "500"),
    (68, "乙醚", "10"),
    (69, "乙酸乙酯", "500"),
    (70, "正己烷", "500"),
    (71, "过乙酸", "10"),
    (72, "过氧化甲基乙基酮(10%<有效氧含量≤10.7%，含A型稀释剂≥48%)", "10"),
    (73, "白磷", "50"),
    (74, "烷基铝", "1"),
    (75, "戊硼烷", "1"),
    (76, "过氧化钾", "20"),
    (77, "过氧化钠", "20"),
    (78, "氯酸钾", "100"),
    (79, "氯酸钠", "100"),
    (80, "发烟硝酸", "20"),
    (81, "硝酸(发红烟的除外，含硝酸>70%)", "100"),
    (82, "硝酸胍", "50"),
    (83, "碳化钙", "100"),
    (84, "钾", "1"),
    (85, "钠", "10"),
]

# code: (threshold Q in t, Table 4 β)
TABLE2_PUBLISHED = {
    "J1": ("5", "4"),
    "J2": ("50", "1"),
    "J3": ("50", "2"),
    "J4": ("50", "2"),
    "J5": ("500", "1"),
    "W1.1": ("1", "2"),
    "W1.2": ("10", "2"),
    "W1.3": ("50", "2"),
    "W2": ("10", "1.5"),
    "W3": ("150", "1"),
    "W4": ("50", "1"),
    "W5.1": ("10", "1.5"),
    "W5.2": ("50", "1"),
    "W5.3": ("1000", "1"),
    "W5.4": ("5000", "1"),
    "W6.1": ("10", "1.5"),
    "W6.2": ("50", "1"),
    "W7.1": ("10", "1.5"),
    "W7.2": ("50", "1"),
    "W8": ("50", "1"),
    "W9.1": ("50", "1"),
    "W9.2": ("200", "1"),
    "W10": ("200", "1"),
    "W11": ("200", "1"),
}

TABLE3_PUBLISHED = {
    "一氧化碳": "2",
    "二氧化硫": "2",
    "氨": "2",
    "环氧乙烷": "2",
    "氯化氢": "3",
    "溴甲烷": "3",
    "氯": "4",
    "硫化氢": "5",
    "氟化氢": "5",
    "二氧化氮": "10",
    "氰化氢": "10",
    "碳酰氯": "20",
    "磷化氢": "20",
    "异氰酸甲酯": "20",
}


def test_table1_is_the_published_table_row_by_row() -> None:
    assert [(row.no, row.name, row.threshold_t) for row in gb18218.TABLE1] == [
        (no, name, Decimal(q)) for no, name, q in TABLE1_PUBLISHED
    ]


def test_tables_2_and_4_are_the_published_ones() -> None:
    assert {code: (c.threshold_t, c.beta) for code, c in gb18218.TABLE2.items()} == {
        code: (Decimal(q), Decimal(beta)) for code, (q, beta) in TABLE2_PUBLISHED.items()
    }
    assert dict(gb18218.TABLE4) == {
        code: Decimal(beta) for code, (_q, beta) in TABLE2_PUBLISHED.items()
    }
    assert list(gb18218.TABLE2) == list(TABLE2_PUBLISHED)
    assert gb18218.TABLE2["W3"].hazard_class == "气溶胶"
    assert gb18218.TABLE2["J1"].description == "类别1，所有暴露途径，气体"


def test_table3_is_the_published_one() -> None:
    assert {gas.name: gas.beta for gas in gb18218.TABLE3.values()} == {
        name: Decimal(beta) for name, beta in TABLE3_PUBLISHED.items()
    }
    assert all(cas == gas.cas for cas, gas in gb18218.TABLE3.items())
    assert gb18218.TABLE3["7782-50-5"].name == "氯"


def test_table5_is_the_published_one() -> None:
    assert {(b.min_people, b.max_people, b.alpha) for b in gb18218.TABLE5} == {
        (100, None, Decimal("2.0")),
        (50, 99, Decimal("1.5")),
        (30, 49, Decimal("1.2")),
        (1, 29, Decimal("1.0")),
        (0, 0, Decimal("0.5")),
    }


def test_loading_the_tables_again_gives_the_same_rows() -> None:
    assert gb18218._load_table1() == gb18218.TABLE1
    assert gb18218._load_table2() == gb18218.TABLE2
    assert gb18218._index_names() == gb18218._BY_NAME
    assert gb18218._index_cas() == gb18218._BY_CAS


def test_a_row_as_written_and_as_looked_up() -> None:
    row = gb18218.substance("74-82-8")
    assert (row.no, row.name, row.lookup_names) == (49, "甲烷，天然气", ("甲烷", "天然气"))
    assert row.cas == ("74-82-8", "8006-14-2")
    assert row.cas_as_written == "74-82-8(甲烷);8006-14-2(天然气)"
    assert row.beta_category == "W2"
    assert gb18218.substance("天然气") is row
    assert gb18218.substance("液氨").aliases == ("液氨", "氨气")
    assert gb18218.substance("氨").beta_category is None  # β from Table 3
    assert gb18218.substance("二氟化氧").beta_category == "J1"


AMMONIUM_NITRATE_ROWS = (
    "43 硝酸铵(含可燃物>0.2%，包括以碳计算的任何有机物，但不包括任何其他添加剂); "
    "44 硝酸铵(含可燃物≤0.2%)"
)


@pytest.mark.parametrize("item", [Item(1, name="硝酸铵"), Item(1, cas="6484-52-2")])
def test_a_query_naming_exactly_two_rows_is_refused_with_both(item: Item) -> None:
    query = item.name or item.cas
    with pytest.raises(ValueError) as refused:
        gb18218.substance(query or "")
    assert str(refused.value).startswith(
        f"{query!r} matches several rows of Table 1, give the full name: {AMMONIUM_NITRATE_ROWS} /"
    )
    with pytest.raises(ValueError) as refused:
        assess([item], 0)
    assert f"give the full name: {AMMONIUM_NITRATE_ROWS} /" in str(refused.value)


def test_the_full_name_of_one_of_two_rows_is_found() -> None:
    assert gb18218.substance("硝酸铵(含可燃物≤0.2%)").no == 44
    assert assess([Item(50, name="硝酸铵(含可燃物≤0.2%)")], 0).lines[0].threshold_t == 50
    both = assess([Item(50, cas="6484-52-2", name="硝酸铵(含可燃物≤0.2%)")], 0)
    assert both.basis[0].substance is not None and both.basis[0].substance.no == 44


@pytest.mark.parametrize(
    ("cas", "message"),
    [
        (
            "7664-41-8",
            "^CAS number '7664-41-8' fails its check digit / CAS 号校验位错误：7664-41-8$",
        ),
        ("7664-41", "^malformed CAS number '7664-41' / CAS 号格式错误：7664-41$"),
        ("1-41-7", "^malformed CAS number"),
        ("12345678-41-7", "^malformed CAS number"),
    ],
)
def test_cas_numbers_are_checked(cas: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        assess([Item(1, cas=cas)], 0)


def test_cas_numbers_of_two_and_seven_leading_digits_are_well_formed() -> None:
    assert gb18218._check_cas(" 50-00-0 ") == "50-00-0"
    assert gb18218._check_cas("9004-70-0") == "9004-70-0"
    assert gb18218._check_cas("1234567-00-0") == "1234567-00-0"


def test_the_deciding_category_is_the_lowest_threshold_then_the_larger_beta() -> None:
    lowest = assess([Item(5, category="W5.3, J1")], 0)
    assert lowest.lines[0] == gb18218.Line(Decimal(5), Decimal(4), Decimal(1))
    assert lowest.basis[0].category is gb18218.TABLE2["J1"]
    tie = assess([Item(10, category="W2；W1.2")], 0)  # both Q = 10 t: β 2 beats 1.5
    assert tie.lines[0] == gb18218.Line(Decimal(10), Decimal(2), Decimal(1))
    assert tie.basis[0].threshold_source == "Table 2 W1.2 / 表2"
    assert tie.basis[0].beta_source == "Table 4 W1.2 / 表4"
    reversed_tie = assess([Item(10, category="W1.2、W2")], 0)
    assert reversed_tie.lines[0].beta == Decimal(2)


def test_where_q_and_beta_came_from_is_recorded() -> None:
    table1 = assess([Item(50, name="液化石油气")], 0).basis[0]
    assert table1.threshold_source == "Table 1 No. 52 / 表1第52项"
    assert table1.beta_source == "Table 4 W2, default category (unchecked) / 表4 默认类别（未核对）"
    assert (table1.beta_status, table1.label) == (
        Status.UNCHECKED,
        "液化石油气(含丙烷、丁烷及其混合物)",
    )
    assert table1.category is gb18218.TABLE2["W2"]
    toxic = assess([Item(5, name="氯")], 0).basis[0]
    assert (toxic.beta_source, toxic.beta_status) == ("Table 3 氯 / 表3", Status.CHECKED)
    assert toxic.category is None
    by_cas = assess([Item(5, cas="7782-50-5")], 0)
    assert by_cas.lines[0].beta == 4 and by_cas.basis[0].label == "氯"
    named_gas = assess([Item(10, name="一氧化碳", category="W2")], 0)
    assert named_gas.lines[0].beta == 2  # Table 3 found by the name alone


def test_items_are_trimmed_and_blank_fields_are_none() -> None:
    item = Item("1.5", cas=" 7664-41-7 ", name="  ", category="")
    assert (item.quantity_t, item.cas, item.name, item.category) == (
        Decimal("1.5"),
        "7664-41-7",
        None,
        None,
    )
    with pytest.raises(ValueError, match="须给出 CAS 号、名称或表2类别"):
        Item(1, cas=" ", name="", category="  ")


def test_assess_wants_a_sequence_of_items() -> None:
    with pytest.raises(ValueError, match="^items must be a sequence of Item"):
        assess(Item(1, name="氨"), 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^expected gb18218.Item, got"):
        assess([("氨", 1)], 0)  # type: ignore[list-item]


def test_an_assessment_in_full() -> None:
    result = assess([Item(5, name="氨"), Item(25, name="氯")], 50)
    # S = 5/10 + 25/5 = 5.5; R = 1.5 × (2 × 0.5 + 4 × 5) = 31.5 → level 3
    assert (result.s, result.s_exact, result.is_major) == (Decimal("5.5"), Fraction(11, 2), True)
    assert (result.r, result.r_exact, result.level) == (Decimal("31.5"), Fraction(63, 2), 3)
    assert (result.alpha, result.exposed_people) == (Decimal("1.5"), 50)
    assert result.lines == (
        gb18218.Line(Decimal(10), Decimal(2), Decimal("0.5")),
        gb18218.Line(Decimal(5), Decimal(4), Decimal(5)),
    )
    below = assess([Item("9.99", name="氨")], 0)
    assert (below.is_major, below.r, below.r_exact, below.level) == (False, None, None, None)
    assert below.s == Decimal("0.999")


@pytest.mark.parametrize(
    ("r", "level"),
    [
        (Fraction(100), 1),
        (Fraction(999_999, 10_000), 2),
        (Fraction(50), 2),
        (Fraction(4999, 100), 3),
        (Fraction(10), 3),
        (Fraction(999, 100), 4),
        ("100.0000000000000000000000000001", 1),
        ("99.99999999999999999999999999", 2),
    ],
)
def test_level_for_exact_values(r: object, level: int) -> None:
    assert gb18218.level_for(r) == level  # type: ignore[arg-type]


def test_category_codes_are_read_in_any_case() -> None:
    assert gb18218.category(" w5.1 ") is gb18218.TABLE2["W5.1"]
    with pytest.raises(
        ValueError, match="^unknown GB 18218-2018 Table 2 category 'W12'; allowed: J1, J2, J3, "
    ):
        gb18218.category("W12")


# --- What a wrong entry is told: each message names the field or the entry it is about ---


def test_a_bad_quantity_is_named_in_the_message() -> None:
    with pytest.raises(ValueError, match="^quantity_t / 实际存在量: not a number"):
        Item(name="氯", quantity_t="五吨")


def test_an_item_without_cas_name_or_category_is_told_what_it_needs() -> None:
    with pytest.raises(ValueError) as refused:
        Item(quantity_t=1)
    assert str(refused.value) == (
        "an item needs a CAS number, a name or a Table 2 category / 须给出 CAS 号、名称或表2类别"
    )


@pytest.mark.parametrize("people", ["许多", -1])
def test_a_bad_number_of_people_is_named_in_the_message(people: object) -> None:
    with pytest.raises(ValueError, match="^exposed_people / 暴露人数: "):
        gb18218.alpha(people)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^exposed_people / 暴露人数: "):
        assess([Item(name="氯", quantity_t=1)], people)  # type: ignore[arg-type]


def test_a_bad_r_is_named_in_the_message() -> None:
    with pytest.raises(ValueError, match="^R: not a number"):
        gb18218.level_for("很大")


def test_an_unknown_substance_is_named_in_the_message() -> None:
    with pytest.raises(ValueError) as refused:
        gb18218.substance("不存在的物质")
    assert str(refused.value) == (
        "'不存在的物质' is not in GB 18218-2018 Table 1 / 不存在的物质 不在 GB 18218-2018 表1 中"
    )


@pytest.mark.parametrize("written", ["液 氯", "液\u3000氯", " 液氯\t"])
def test_whitespace_inside_or_around_a_name_is_ignored(written: str) -> None:
    assert gb18218.substance(written).no == 12


def test_a_name_that_only_contains_a_table_1_name_is_not_that_substance() -> None:
    with pytest.raises(ValueError):
        gb18218.substance("液氯储罐区")


@pytest.mark.parametrize(
    ("item", "named"),
    [
        (Item(name="某未列名物质", quantity_t=1), "'某未列名物质' is not in GB 18218-2018 Table 1"),
        (Item(cas="7732-18-5", quantity_t=1), "'7732-18-5' is not in GB 18218-2018 Table 1"),
    ],
)
def test_an_entry_not_in_table_1_is_named_by_what_was_given(item: Item, named: str) -> None:
    with pytest.raises(ValueError, match=f"^{named}"):
        assess([item], 0)


def test_a_category_only_item_is_labelled_by_its_category() -> None:
    (basis,) = assess([Item(category="W5.3", quantity_t=1)], 0).basis
    assert basis.label == "W5.3" and basis.substance is None


def test_a_cas_outside_table_1_with_a_table_1_name_is_a_contradiction() -> None:
    """Water's CAS with chlorine's name: refused as two different substances, not guessed."""
    with pytest.raises(ValueError) as refused:
        assess([Item(cas="7732-18-5", name="氯", quantity_t=1)], 0)
    assert str(refused.value) == "CAS 7732-18-5 is not that of '氯' / CAS 号与名称不一致"


def test_a_table_1_cas_with_an_unlisted_name_goes_by_its_cas() -> None:
    """A trade name that Table 1 does not list does not hide the CAS number's row."""
    (basis,) = assess([Item(cas="7782-50-5", name="某厂液氯产品", quantity_t=1)], 0).basis
    assert basis.substance is not None and basis.substance.no == 12 and basis.label == "氯"
