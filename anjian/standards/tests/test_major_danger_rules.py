"""Major-hidden-danger criteria pinned: the documents as published, citations of items 1–20
(item numbers of 10 and above included), lookup by any spelling of a code, and the filters."""

import pytest

from anjian.standards import Status, major_danger
from anjian.standards.major_danger import _chinese_number


def test_documents_as_published() -> None:
    gm2023 = major_danger.DOCUMENTS["GM2023"]
    assert (gm2023.title, gm2023.number, gm2023.number_status) == (
        "工贸企业重大事故隐患判定标准",
        "应急管理部令第10号",
        Status.CHECKED,
    )
    assert (gm2023.effective, gm2023.in_force, gm2023.key) == ("2023-05-15", True, "GM2023")
    assert gm2023.missing_en.startswith("Articles 4-10")
    hc2017 = major_danger.DOCUMENTS["HC2017"]
    assert (hc2017.number, hc2017.number_status, hc2017.effective, hc2017.in_force) == (
        "安监总管三〔2017〕121号",
        Status.UNCHECKED,
        None,
        True,
    )
    assert (hc2017.missing_zh, hc2017.missing_en) == ("", "")
    gm2017 = major_danger.DOCUMENTS["GM2017"]
    assert (gm2017.number, gm2017.in_force) == ("安监总管四〔2017〕129号", False)
    assert list(major_danger.DOCUMENTS) == ["GM2023", "HC2017", "GM2017"]


def test_scopes_are_named() -> None:
    assert {key: (s.key, s.label_zh) for key, s in major_danger.SCOPES.items()} == {
        "industry_trade": ("industry_trade", "所有工贸企业"),
        "dust_explosion": ("dust_explosion", "存在粉尘爆炸危险的工贸企业"),
        "ammonia_refrigeration": ("ammonia_refrigeration", "使用液氨制冷的工贸企业"),
        "confined_space": (
            "confined_space",
            "存在硫化氢、一氧化碳等中毒风险的有限空间作业的工贸企业",
        ),
        "chemical": ("chemical", "化工和危险化学品生产经营单位"),
    }
    assert major_danger.SCOPES["chemical"].label_en.startswith("chemical and hazardous")


@pytest.mark.parametrize(
    ("n", "written"),
    [
        (1, "一"),
        (3, "三"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (13, "十三"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (30, "三十"),
        (99, "九十九"),
    ],
)
def test_item_numbers_are_written_in_chinese(n: int, written: str) -> None:
    assert _chinese_number(n) == written


def test_citations_of_items_ten_and_above() -> None:
    assert major_danger.criterion("GM2023-11-10").citation == (
        "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第十一条第（十）项"
    )
    assert major_danger.criterion("GM2023-11-09").citation.endswith("第十一条第（九）项")
    assert major_danger.criterion("GM2023-03-01").citation.endswith("第三条第（一）项")
    assert major_danger.criterion("HC2017-20").citation == (
        "《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》"
        "（安监总管三〔2017〕121号）第20项"
    )
    assert major_danger.criterion("GM2017-DUST-10").citation.endswith("行业领域第（十）项")


def test_a_criterion_carries_its_fields() -> None:
    item = major_danger.criterion("HC2017-20")
    assert (item.code, item.document.key, item.scope.key, item.article, item.item) == (
        "HC2017-20",
        "HC2017",
        "chemical",
        "",
        20,
    )
    assert item.text.startswith("未按国家标准分区分类储存危险化学品")
    assert (item.status, item.note) == (Status.CHECKED, "")
    assert "researcher" in major_danger.criterion("GM2023-11-10").note


@pytest.mark.parametrize("spelling", ["HC2017-05", "hc2017-05", "  HC2017-05 ", "Hc2017-05\n"])
def test_codes_are_found_whatever_their_case_and_spacing(spelling: str) -> None:
    assert major_danger.criterion(spelling).code == "HC2017-05"


def test_an_unknown_code_is_named() -> None:
    with pytest.raises(ValueError, match="^unknown major-hidden-danger criterion 'XX-01'"):
        major_danger.criterion("XX-01")


def test_filters_combine() -> None:
    dust_2023 = major_danger.criteria("dust_explosion", "GM2023")
    assert [c.code for c in dust_2023] == [f"GM2023-11-{n:02d}" for n in range(1, 11)]
    dust_all = major_danger.criteria("dust_explosion", in_force_only=False)
    assert len(dust_all) == 20
    assert {c.document.key for c in dust_all} == {"GM2023", "GM2017"}
    assert len(major_danger.criteria()) == 37  # 51 less the 14 superseded GM2017 items
    assert len(major_danger.criteria(in_force_only=False)) == 51
    assert major_danger.criteria("chemical", "GM2023") == ()
    assert all(c.document.in_force for c in major_danger.criteria())
    assert list(major_danger.criteria(in_force_only=False)) == list(major_danger.CRITERIA.values())


def test_unknown_filters_list_the_allowed_keys() -> None:
    with pytest.raises(ValueError, match="^unknown scope 'mining'; allowed: industry_trade, "):
        major_danger.criteria("mining")
    with pytest.raises(ValueError, match="^unknown document 'GB'; allowed: GM2023, HC2017, GM2017"):
        major_danger.criteria(document="GB")


def test_loading_the_data_again_gives_the_same_tables() -> None:
    documents, scopes, criteria = major_danger._load()
    assert documents == major_danger.DOCUMENTS
    assert scopes == major_danger.SCOPES
    assert criteria == major_danger.CRITERIA
    assert list(criteria) == list(major_danger.CRITERIA)
