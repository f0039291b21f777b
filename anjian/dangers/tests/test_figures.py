"""The closed-loop figures against a hand-counted fixture."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from anjian.core.workflow import apply_transition
from anjian.dangers import queries
from anjian.dangers.tests.conftest import photo, report
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def local(*parts: int) -> datetime:
    """A time on the city's clock (Asia/Shanghai)."""
    return datetime(*parts, tzinfo=ZoneInfo("Asia/Shanghai"))


def _close(danger, people):
    apply_transition(danger, "assess", actor=people["town"])
    apply_transition(danger, "start_rectification", actor=people["enterprise"])
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    apply_transition(danger, "close_out", actor=people["town"])


@pytest.fixture
def fixture(works, other_works, people):
    """Town A: 4 dangers on 1 March 2026 (deadline 10 March): one closed on 5 March (4 days,
    on time), one closed on 13 March (12 days, late), one open (overdue from 11 March), one
    cancelled. Town B: 1 open major danger."""
    start = local(2026, 3, 1, 9, 0)
    with time_machine.travel(start, tick=False):
        deadline = start.date() + timedelta(days=9)
        a = [report(works, people["town"], deadline=deadline) for _ in range(4)]
        report(other_works, people["town_b"], deadline=deadline, criterion_code="HC2017-02")
        apply_transition(a[3], "cancel", actor=people["town"], comment="重复登记")
    with time_machine.travel(start + timedelta(days=4), tick=False):
        _close(a[0], people)
    with time_machine.travel(start + timedelta(days=12), tick=False):
        _close(a[1], people)
    return a


def test_totals_and_rates_by_town(fixture, people):
    with time_machine.travel(local(2026, 3, 20, 9, 0), tick=False):
        totals = queries.totals(people["city"])
        rows = {r["label"]: r for r in queries.figures(people["city"], "town")}
        town_only = queries.totals(people["town"])
    assert totals["found"] == 5 and totals["cancelled"] == 1 and totals["closed"] == 2
    assert totals["open"] == 2 and totals["overdue"] == 2 and totals["major_open"] == 1
    assert totals["rectification_rate"] == 50.0  # 2 of 4
    assert totals["on_time_rate"] == 50.0  # 1 of 2
    assert totals["average_days"] == 8.0  # (4 + 12) / 2
    a = next(r for r in rows.values() if r["found"] == 4)
    assert a["rectification_rate"] == round(100 * 2 / 3, 1)
    assert town_only["found"] == 4  # scoped
    by_month = queries.figures(people["city"], "month")
    assert [r["label"] for r in by_month] == ["2026-03"]


def test_figures_page_and_exports(fixture, people):
    client = Client()
    client.login(username="city", password=TEST_PASSWORD)
    page = client.get("/dangers/figures/?by=enterprise")
    assert page.status_code == 200 and "滕州市鑫源化工有限公司" in page.content.decode()
    sheet = client.get("/dangers/figures.xlsx?by=town")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd")
    ledger = client.get("/dangers/export.xlsx?status=open")
    assert ledger.status_code == 200
    home = client.get("/api/v1/dashboard").json()
    panel = next(p for p in home["panels"] if p["key"] == "dangers")
    assert panel["data"]["major_open"] == 1
