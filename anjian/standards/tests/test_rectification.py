"""The five implementations (五落实) of a major hidden danger's rectification plan: each one
missing alone, blank text, and funds at zero, just below and just above it."""

from datetime import date
from decimal import Decimal

import pytest

from anjian.standards import rectification
from anjian.standards.rectification import FIVE_IMPLEMENTATIONS, missing_implementations

COMPLETE = {
    "owner": "王工",
    "measures": "更换配电柜",
    "funds": Decimal("12000"),
    "deadline": date(2026, 12, 31),
    "contingency_plan": "停电检修期间设警戒区",
}


def test_the_five_implementations_and_their_order() -> None:
    assert FIVE_IMPLEMENTATIONS == (
        ("owner", "责任落实", "responsible person"),
        ("measures", "措施落实", "measures"),
        ("funds", "资金落实", "funds"),
        ("deadline", "时限落实", "deadline"),
        ("contingency_plan", "预案落实", "contingency plan"),
    )
    assert rectification.CITATION == (
        "《安全生产事故隐患排查治理暂行规定》（国家安全生产监督管理总局令第16号）第十五条"
    )


def test_a_complete_plan_lacks_nothing() -> None:
    assert missing_implementations(**COMPLETE) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("owner", ""),
        ("owner", "  \t"),
        ("measures", ""),
        ("measures", " "),
        ("funds", None),
        ("funds", Decimal("-0.01")),
        ("deadline", None),
        ("contingency_plan", ""),
        ("contingency_plan", "\n"),
    ],
)
def test_each_implementation_missing_alone_is_named(key: str, value: object) -> None:
    assert missing_implementations(**{**COMPLETE, key: value}) == [key]


@pytest.mark.parametrize("funds", [Decimal(0), Decimal("0.01"), Decimal(1)])
def test_funds_of_zero_or_more_are_stated(funds: Decimal) -> None:
    assert missing_implementations(**{**COMPLETE, "funds": funds}) == []


def test_text_with_content_around_blanks_counts() -> None:
    plan = {**COMPLETE, "owner": " 王 ", "measures": "x", "contingency_plan": " y"}
    assert missing_implementations(**plan) == []


def test_everything_missing_is_named_in_the_order_of_the_five() -> None:
    assert missing_implementations(
        owner="", measures="", funds=None, deadline=None, contingency_plan=""
    ) == ["owner", "measures", "funds", "deadline", "contingency_plan"]
