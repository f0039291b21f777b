"""The demo's accidents: within the quotas, history closed and published, idempotent."""

from __future__ import annotations

from anjian.accidents import demo
from anjian.accidents.models import Accident, ControlQuota
from anjian.accidents.queries import quota_rows
from anjian.core.democity import DemoContext


def test_demo_history_stays_within_the_quotas_and_is_idempotent(cast):
    context = DemoContext(seed=7)
    summary = demo.build(context)
    assert "accidents over three years" in summary
    assert Accident.objects.exists()
    assert demo.build(context).startswith("0 ")
    years = sorted(set(ControlQuota.objects.values_list("year", flat=True)))
    assert len(years) == 3
    for year in years:
        for row in quota_rows(cast["city"], year, "town"):
            assert row.deaths <= row.quota.deaths_allowed
    closed = Accident.objects.filter(occurred_at__year=years[0])
    assert closed.exists()
    assert all(a.state == "closed" and a.published_at for a in closed)
