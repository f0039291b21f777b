"""Rectification of hidden dangers: general and major, and the five implementations (五落实).

- 《安全生产事故隐患排查治理暂行规定》(国家安全生产监督管理总局令第16号) 第三条: hidden dangers
  are general (一般事故隐患) or major (重大事故隐患) ✅ (STANDARDS-FACTS.md §13).
- 第十五条: a major hidden danger is rectified under a plan that settles the objective, the
  measures, the funds and materials, the people responsible, the time limit, and the safety
  measures and contingency plan; summarised as 五落实 — responsibility, measures, funds, time
  limit, contingency plan (责任、措施、资金、时限、预案) 🟡 (article number from memory:
  未核对 / unchecked). Which of the five are required is therefore this module's list, not a
  configurable threshold: it is what the summary names.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

__all__ = ["CITATION", "FIVE_IMPLEMENTATIONS", "missing_implementations"]

CITATION = "《安全生产事故隐患排查治理暂行规定》（国家安全生产监督管理总局令第16号）第十五条"

# key, Chinese label, English label
FIVE_IMPLEMENTATIONS: tuple[tuple[str, str, str], ...] = (
    ("owner", "责任落实", "responsible person"),
    ("measures", "措施落实", "measures"),
    ("funds", "资金落实", "funds"),
    ("deadline", "时限落实", "deadline"),
    ("contingency_plan", "预案落实", "contingency plan"),
)


def missing_implementations(
    *,
    owner: str,
    measures: str,
    funds: Decimal | None,
    deadline: date | None,
    contingency_plan: str,
) -> list[str]:
    """The keys of the five implementations a plan lacks (empty: it may start rectifying).

    Funds must be stated (zero is a statement: the work needs no money); text must not be blank.
    """
    values = {
        "owner": bool(owner.strip()),
        "measures": bool(measures.strip()),
        "funds": funds is not None and funds >= 0,
        "deadline": deadline is not None,
        "contingency_plan": bool(contingency_plan.strip()),
    }
    return [key for key, _zh, _en in FIVE_IMPLEMENTATIONS if not values[key]]
