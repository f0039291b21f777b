"""The statistics against hand-counted fixtures: by town, industry section and division, type
and grade, each beside the year before; the quotas with their consumption; the user's scope;
the export in the same figures."""

from __future__ import annotations

import io

import pytest
import time_machine
from openpyxl import load_workbook

from anjian.accidents import services
from anjian.accidents.queries import statistics
from anjian.accidents.tests.conftest import at, report


@pytest.fixture
def history(cast):
    """2025: town A one accident (1 death, 2614, 1986 type 2, 车辆伤害). 2026: town A 3
    deaths (2614, 较大) and 0 deaths (no unit, no industry); town B 1 death (2710, WSA10002).
    Town A's 2026 quota: 4 deaths."""
    a, b = cast["towns"]
    ent_a, ent_b = cast["enterprise_a_obj"].credit_code, cast["enterprise_b_obj"].credit_code
    with time_machine.travel(at(2025, 12, 1, 9, 0), tick=False):
        report(cast["city"], a, occurred_at=at(2025, 3, 2, 9, 0), type="2", deaths=1,
               enterprise=ent_a)  # fmt: skip
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        report(cast["city"], a, occurred_at=at(2026, 8, 2, 9, 0), type="WSA10009", deaths=3,
               enterprise=ent_a)  # fmt: skip
        report(cast["city"], a, occurred_at=at(2026, 9, 2, 9, 0), type="WSA10009", deaths=0)
        report(cast["city"], b, occurred_at=at(2026, 10, 2, 9, 0), type="WSA10002", deaths=1,
               enterprise=ent_b)  # fmt: skip
        services.set_quota(
            {"year": 2026, "kind": "town", "town": a.code, "deaths_allowed": 4},
            actor=cast["city"],
        )
    return a, b


def _row(rows, label):
    [row] = [r for r in rows if r["label"] == label]
    return (row["accidents"], row["deaths"], row["accidents_before"], row["deaths_before"],
            row["accidents_change"], row["deaths_change"])  # fmt: skip


def test_every_breakdown_beside_the_year_before(cast, history):
    a, b = history
    stats = statistics(cast["city"], 2026)
    assert stats["totals"]["accidents"] == 3 and stats["totals"]["deaths"] == 4
    assert stats["previous"] == {"accidents": 1, "deaths": 1}
    assert _row(stats["towns"], a.name) == (2, 3, 1, 1, 1, 2)
    assert _row(stats["towns"], b.name) == (1, 1, 0, 0, 1, 1)
    assert _row(stats["sections"], "C") == (2, 4, 1, 1, 1, 3)
    assert _row(stats["sections"], "未填行业") == (1, 0, 0, 0, 1, 0)
    assert _row(stats["divisions"], "26 化学原料和化学制品制造业") == (1, 3, 1, 1, 0, 2)
    assert _row(stats["divisions"], "27 医药制造业") == (1, 1, 0, 0, 1, 1)
    assert [r["label"] for r in stats["grades"]] == [
        "特别重大事故",
        "重大事故",
        "较大事故",
        "一般事故",
    ]
    assert _row(stats["grades"], "较大事故") == (1, 3, 0, 0, 1, 3)
    assert _row(stats["grades"], "一般事故") == (2, 1, 1, 1, 1, 0)
    assert _row(stats["types"], "火灾") == (2, 3, 0, 0, 2, 3)
    assert _row(stats["types"], "厂（场）内车辆致害") == (1, 1, 0, 0, 1, 1)
    assert _row(stats["types"], "车辆伤害") == (0, 0, 1, 1, -1, -1)  # 1986 type 2, last year
    assert not stats["mixed_editions"]  # this year is coded with one list
    [quota] = stats["quotas"]
    assert (quota.quota.deaths_allowed, quota.accidents, quota.deaths, quota.percent) == (
        4, 2, 3, 75)  # fmt: skip


def test_a_town_counts_its_own_accidents_only(cast, history):
    a, _b = history
    stats = statistics(cast["town_a"], 2026)
    assert stats["totals"]["accidents"] == 2 and stats["totals"]["deaths"] == 3
    assert [r["label"] for r in stats["towns"]] == [a.name]
    assert [r["label"] for r in stats["divisions"]] == ["26 化学原料和化学制品制造业", "未填行业"]
    assert stats["previous"] == {"accidents": 1, "deaths": 1}


def test_the_page_and_the_export_show_the_same_figures(client, cast, history):
    a, _b = history
    client.force_login(cast["city"])
    page = client.get("/accidents/statistics/?year=2026").content.decode()
    for table in ("towns", "sections", "divisions", "types", "grades", "quotas"):
        assert f'id="statistics-{table}"' in page
    book = load_workbook(io.BytesIO(client.get("/accidents/statistics.xlsx?year=2026").content))
    assert book.sheetnames == ["月报", "按镇街", "按行业门类", "按行业大类", "按事故类型",
                               "按等级", "控制指标"]  # fmt: skip
    towns = {row[0]: row[1:] for row in book["按镇街"].iter_rows(min_row=3, values_only=True)}
    assert towns[a.name] == (2, 3, 1, 1, 1, 2)
    quotas = list(book["控制指标"].iter_rows(min_row=3, values_only=True))
    assert quotas == [("镇街", a.name, 4, 2, 3, 75)]
