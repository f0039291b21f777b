"""Control quotas: consumption, warnings at 80 % and 100 % (once each), and the veto."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.accidents import services, vetoes
from anjian.accidents.models import QuotaWarning
from anjian.accidents.queries import quota_rows
from anjian.accidents.tests.conftest import at, report
from anjian.core.models import Notification


def _quota(cast, **fields):
    data = {"year": 2026, "kind": "town", "town": cast["towns"][0].code, "deaths_allowed": 5}
    return services.set_quota({**data, **fields}, actor=cast["city"])


def test_warnings_at_80_and_100_percent_once_each(cast):
    quota = _quota(cast)
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        report(cast["city"], cast["towns"][0], deaths=2)
        assert not QuotaWarning.objects.exists()
        report(cast["city"], cast["towns"][0], deaths=2)  # 4 of 5: 80 %
        assert list(QuotaWarning.objects.values_list("percent", flat=True)) == [80]
        report(cast["town_a"], cast["towns"][0], deaths=0, serious_injuries=1)
        assert QuotaWarning.objects.count() == 1
        report(cast["city"], cast["towns"][0], deaths=1)  # 5 of 5
    assert sorted(QuotaWarning.objects.values_list("percent", flat=True)) == [80, 100]
    town_titles = list(
        Notification.objects.filter(recipient=cast["town_a"]).values_list("title", flat=True)
    )
    assert len(town_titles) == 2 and "100%" in town_titles[0] + town_titles[1]
    assert Notification.objects.filter(recipient=cast["city"], title__contains="80%").count() == 1
    assert not Notification.objects.filter(recipient=cast["town_b"]).exists()
    row = quota_rows(cast["city"], 2026)[0]
    assert (row.quota, row.deaths, row.accidents, row.percent, row.level) == (
        quota,
        5,
        4,
        100,
        "over",
    )


def test_industry_quota_counts_the_industry_and_below(cast):
    services.set_quota(
        {"year": 2026, "kind": "industry", "industry": "26", "deaths_allowed": 1},
        actor=cast["city"],
    )
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        report(
            cast["city"],
            cast["towns"][1],
            deaths=1,
            enterprise=cast["enterprise_a_obj"].credit_code,
        )
        report(cast["city"], cast["towns"][1], deaths=1, industry="2710")  # not chemicals
    row = quota_rows(cast["city"], 2026, "industry")[0]
    assert (row.deaths, row.level) == (1, "over")
    assert QuotaWarning.objects.filter(percent=100).count() == 1


def test_a_relatively_serious_accident_marks_the_veto_of_town_and_departments(cast):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        report(
            cast["city"],
            cast["towns"][0],
            deaths=2,
            enterprise=cast["enterprise_a_obj"].credit_code,
        )
        assert vetoes.vetoes_for(2026) == {"towns": {}, "departments": {}}
        grave = report(
            cast["city"],
            cast["towns"][0],
            deaths=3,
            enterprise=cast["enterprise_a_obj"].credit_code,
        )
    marks = vetoes.vetoes_for(2026)
    assert marks["towns"] == {cast["towns"][0].code: [grave.pk]}
    assert set(marks["departments"]) == {"yjglj", "gxj"}  # both supervise 2614
    assert vetoes.is_vetoed(2026, town=cast["towns"][0].code)
    assert not vetoes.is_vetoed(2026, town=cast["towns"][1].code)
    assert vetoes.is_vetoed(2026, department="gxj")
    assert not vetoes.is_vetoed(2025, department="gxj")


def test_only_the_city_office_sets_quotas_and_bad_values_are_refused(cast):
    with pytest.raises(PermissionDenied):
        services.set_quota(
            {"year": 2026, "kind": "town", "town": cast["towns"][0].code, "deaths_allowed": 1},
            actor=cast["town_a"],
        )
    for bad in ({"deaths_allowed": -1}, {"year": 1900}, {"kind": "x"}, {"town": "999"}):
        with pytest.raises(ValidationError):
            _quota(cast, **bad)
    quota = _quota(cast, deaths_allowed=3)
    assert _quota(cast, deaths_allowed=4).pk == quota.pk  # entered again: changed
    quota.refresh_from_db()
    assert quota.deaths_allowed == 4
