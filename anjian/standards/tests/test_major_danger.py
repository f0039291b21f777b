"""Major-hidden-danger criteria: counts, stable codes, scopes, citations, lookup."""

import re

import pytest

from anjian.standards import Status, major_danger


def test_item_counts_per_document_and_scope() -> None:
    assert len(major_danger.criteria(document="HC2017")) == 20
    assert len(major_danger.criteria("dust_explosion")) == 10
    assert len(major_danger.criteria("ammonia_refrigeration")) == 2
    assert len(major_danger.criteria("confined_space")) == 2
    assert len(major_danger.criteria("industry_trade")) == 3
    assert len(major_danger.criteria(document="GM2017", in_force_only=False)) == 14
    assert major_danger.criteria(document="GM2017") == ()


def test_codes_are_unique_and_well_formed() -> None:
    pattern = re.compile(r"^(GM2023-\d{2}-\d{2}|HC2017-\d{2}|GM2017-(DUST|NH3|CS)-\d{2})$")
    assert all(pattern.match(code) for code in major_danger.CRITERIA)
    assert len(major_danger.CRITERIA) == 51


def test_lookup_and_citation() -> None:
    item = major_danger.criterion("gm2023-11-03")
    assert item.text.startswith("干式除尘系统未采取泄爆")
    assert (
        item.citation == "《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第十一条第（三）项"
    )
    assert item.status is Status.PARTLY
    assert major_danger.criterion("HC2017-05").citation.endswith("第5项")
    assert "一级、二级重大危险源" in major_danger.criterion("HC2017-05").text
    assert major_danger.criterion("GM2023-12-02").status is Status.UNCHECKED


def test_missing_articles_are_declared() -> None:
    assert "第四条至第十条" in major_danger.DOCUMENTS["GM2023"].missing_zh


def test_unknown_keys() -> None:
    with pytest.raises(ValueError):
        major_danger.criterion("XX-01")
    with pytest.raises(ValueError, match="allowed"):
        major_danger.criteria("mining")
    with pytest.raises(ValueError, match="allowed"):
        major_danger.criteria(document="GB")
