"""GB 6441-2025 and GB/T 6441-1986 against their published tables (STANDARDS-FACTS.md §10):
count, order, codes and names; coding by date; the 1986→2025 aid never guesses."""

import datetime

import pytest

from anjian.standards import accident_types
from anjian.standards.accident_types import EDITION_1986, EDITION_2025

# Table 1 of GB 6441-2025 as published: (序号, code, name).
TABLE_2025 = [
    (1, "0001", "物体打击"), (2, "0002", "厂（场）内车辆致害"), (3, "0003", "道路（轨道）车辆致害"),
    (4, "0004", "机械致害"), (5, "0005", "起重致害"), (6, "0006", "触电"), (7, "0007", "淹溺"),
    (8, "0008", "灼烫"), (9, "0009", "火灾"), (10, "0010", "高处坠落"), (11, "0011", "跌落"),
    (12, "0012", "坍塌"), (13, "0013", "水害"), (14, "0014", "容器爆炸"), (15, "0015", "管道爆炸"),
    (16, "0016", "可燃气体爆炸"), (17, "0017", "可燃液体蒸气爆炸"), (18, "0018", "粉尘爆炸"),
    (19, "0019", "民用爆炸物品爆炸"), (20, "0020", "烟花爆竹爆炸"),
    (21, "0021", "其他可燃固体爆炸"), (22, "0022", "高温熔融物爆炸"), (23, "0023", "中毒"),
    (24, "0024", "窒息"), (25, "0025", "滑坡"), (26, "0026", "泄漏"), (27, "0099", "其他"),
]  # fmt: skip
TABLE_1986 = [
    "物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落",
    "坍塌", "冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸", "其他爆炸",
    "中毒和窒息", "其他伤害",
]  # fmt: skip


def test_the_2025_list_is_table_1_with_its_codes() -> None:
    listed = accident_types.types(EDITION_2025)
    assert [(t.number, t.code, t.name) for t in listed] == [
        (n, f"WSA1{code}", name) for n, code, name in TABLE_2025
    ]
    assert accident_types.by_code(EDITION_2025, "WSA10009").name == "火灾"  # the standard's example
    assert accident_types.by_code(EDITION_2025, "WSA10010").scope_note == "距坠落基准面 ≥ 2 m"


def test_the_1986_list_has_its_20_types_in_order() -> None:
    listed = accident_types.types(EDITION_1986)
    assert [(t.number, t.code, t.name) for t in listed] == [
        (n, str(n), name) for n, name in enumerate(TABLE_1986, start=1)
    ]


def test_an_unknown_edition_or_code_is_refused_in_both_languages() -> None:
    with pytest.raises(ValueError, match="未知的事故分类标准版本"):
        accident_types.types("GB 6441-2099")
    with pytest.raises(ValueError, match="没有代码为 WSA10027"):
        accident_types.by_code(EDITION_2025, "WSA10027")
    with pytest.raises(ValueError, match="没有代码为 0009"):
        accident_types.by_code(EDITION_1986, "0009")


def test_the_edition_follows_the_date_of_the_accident() -> None:
    switch = datetime.date(2026, 7, 1)
    assert accident_types.edition_for(datetime.date(2026, 6, 30), switch) == EDITION_1986
    assert accident_types.edition_for(switch, switch) == EDITION_2025
    assert accident_types.edition_for(datetime.date(2026, 7, 2), switch) == EDITION_2025


@pytest.mark.parametrize(
    ("code_1986", "name_2025"),
    [
        ("1", "物体打击"), ("3", "机械致害"), ("4", "起重致害"), ("5", "触电"), ("6", "淹溺"),
        ("7", "灼烫"), ("8", "火灾"), ("9", "高处坠落"), ("10", "坍塌"), ("17", "容器爆炸"),
        ("20", "其他"),
    ],
)  # fmt: skip
def test_a_type_that_continues_is_recoded(code_1986: str, name_2025: str) -> None:
    recoded = accident_types.recode(code_1986)
    assert recoded is not None and recoded.name == name_2025


@pytest.mark.parametrize("code_1986", ["2", "19", "11", "12", "13", "14", "15", "16", "18"])
def test_a_split_or_dropped_type_is_left_for_a_person(code_1986: str) -> None:
    assert accident_types.recode(code_1986) is None


def test_recoding_an_unknown_1986_code_is_refused() -> None:
    with pytest.raises(ValueError):
        accident_types.recode("21")
