"""The demo's accidents: within the quotas, history closed and published, idempotent."""

from __future__ import annotations

from django.utils import timezone

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


def test_demo_on_time_rate_means_something(cast):
    """Mostly on time, some late, one in a while extended: neither 0 % nor 100 % in a past
    year; this year has open investigations."""
    from anjian.accidents.queries import statistics

    demo.build(DemoContext(seed=7))
    submitted = list(Accident.objects.exclude(report_submitted_at=None))
    on_time = sum(1 for a in submitted if a.on_time)
    assert 0.6 < on_time / len(submitted) < 1
    assert Accident.objects.filter(extension_days=60).exists()
    year = timezone.localdate().year
    rates = [statistics(cast["city"], past)["on_time_rate"] for past in (year - 2, year - 1)]
    assert all(0 < rate < 100 for rate in rates), rates
    assert Accident.objects.open_investigations().filter(occurred_at__year=year).exists()
