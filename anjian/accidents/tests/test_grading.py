"""The grade comes from anjian.standards.accident (国务院令第493号 art. 3), at every boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from anjian.accidents.tests.conftest import at, report
from anjian.standards import accident as rules

CASES = [
    # deaths, serious injuries, loss in yuan, grade
    (2, 0, "0", "ordinary"),
    (3, 0, "0", "relatively_serious"),
    (9, 0, "0", "relatively_serious"),
    (10, 0, "0", "serious"),
    (29, 0, "0", "serious"),
    (30, 0, "0", "extraordinarily_serious"),
    (0, 9, "0", "ordinary"),
    (0, 10, "0", "relatively_serious"),
    (0, 49, "0", "relatively_serious"),
    (0, 50, "0", "serious"),
    (0, 99, "0", "serious"),
    (0, 100, "0", "extraordinarily_serious"),
    (0, 0, "9999999.99", "ordinary"),
    (0, 0, "10000000", "relatively_serious"),
    (0, 0, "49999999.99", "relatively_serious"),
    (0, 0, "50000000", "serious"),
    (0, 0, "99999999.99", "serious"),
    (0, 0, "100000000", "extraordinarily_serious"),
    (2, 9, "9999999.99", "ordinary"),
    (1, 60, "0", "serious"),  # the gravest measure decides
]


@pytest.mark.parametrize(("deaths", "injuries", "loss", "expected"), CASES)
def test_quick_report_is_graded_by_the_standards_module(cast, deaths, injuries, loss, expected):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        accident = report(
            cast["city"],
            cast["towns"][0],
            deaths=deaths,
            serious_injuries=injuries,
            direct_loss_yuan=loss,
        )
    assert accident.grade == expected
    assert accident.grade == rules.grade(deaths, injuries, Decimal(loss)).value


def test_reporting_chain_reaches_the_level_of_the_grade(cast):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        ordinary = report(cast["city"], cast["towns"][0], deaths=1)
        relatively = report(cast["city"], cast["towns"][0], deaths=3)
        serious = report(cast["city"], cast["towns"][0], deaths=10)
    assert list(ordinary.report_steps.values_list("level", flat=True)) == ["county", "city"]
    assert list(relatively.report_steps.values_list("level", flat=True)) == [
        "county",
        "city",
        "province",
    ]
    assert serious.report_steps.count() == 4
