"""Supplementary reports (补报, art. 13): regraded inside the window, recorded outside it.

The window ends 30 days after the day of the accident (7 for road traffic and fire), the day of
the accident not counted (anjian.standards.accident.supplementary_report_until)."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError

from anjian.accidents import services
from anjian.accidents.models import Accident
from anjian.accidents.tests.conftest import at, report
from anjian.core.models import AuditLog
from anjian.standards.accident import supplementary_report_until


def _supplement(accident: Accident, actor, deaths: int, **fields):
    data = {
        "deaths": deaths,
        "missing": 0,
        "serious_injuries": 0,
        "direct_loss_yuan": "0",
        "note": "医院救治无效死亡",
        **fields,
    }
    return services.add_supplementary_report(accident, data, actor=actor)


def _accident(cast, **fields) -> Accident:
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        return report(cast["city"], cast["towns"][0], deaths=2, **fields)


@pytest.mark.parametrize(
    ("fields", "last_day"),
    [
        ({}, at(2026, 12, 31, 23, 59)),
        ({"type": "WSA10009"}, at(2026, 12, 8, 23, 59)),  # fire
        ({"road_traffic": True, "type": "WSA10003"}, at(2026, 12, 8, 23, 59)),
    ],
)
def test_regraded_on_the_last_day_of_the_window(cast, fields, last_day):
    accident = _accident(cast, **fields)
    assert accident.supplementary_until == last_day.date()
    assert accident.supplementary_until == supplementary_report_until(
        accident.occurred_on, road_traffic_or_fire=bool(fields)
    )
    with time_machine.travel(last_day, tick=False):
        supplementary = _supplement(accident, cast["town_a"], deaths=3)
    accident.refresh_from_db()
    assert supplementary.within_window
    assert (supplementary.grade_before, supplementary.grade_after) == (
        "ordinary",
        "relatively_serious",
    )
    assert accident.grade == "relatively_serious"
    assert accident.deaths == 3
    # the chain now reaches the province, 5 hours after the head learnt of it (08:00)
    province = accident.report_steps.get(level="province")
    assert province.due_at == at(2026, 12, 1, 13, 0)


@pytest.mark.parametrize(
    ("fields", "day_after"),
    [
        ({}, at(2027, 1, 1, 0, 0)),
        ({"type": "WSA10009"}, at(2026, 12, 9, 0, 0)),
        ({"road_traffic": True, "type": "WSA10003"}, at(2026, 12, 9, 0, 0)),
    ],
)
def test_outside_the_window_counts_are_recorded_and_the_grade_stays(cast, fields, day_after):
    accident = _accident(cast, **fields)
    with time_machine.travel(day_after, tick=False):
        supplementary = _supplement(accident, cast["city"], deaths=5)
    accident.refresh_from_db()
    assert not supplementary.within_window
    assert supplementary.grade_after == supplementary.grade_before == "ordinary"
    assert accident.deaths == 5
    assert accident.grade == "ordinary"
    assert not accident.vetoes.exists()


def test_regrade_downward_inside_the_window_lifts_the_veto(cast):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        accident = report(cast["city"], cast["towns"][0], deaths=0, missing=3, serious_injuries=10)
    assert accident.grade == "relatively_serious"
    assert accident.vetoes.filter(town=cast["towns"][0]).exists()
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        _supplement(accident, cast["city"], deaths=0, serious_injuries=4)
    accident.refresh_from_db()
    assert accident.grade == "ordinary"
    assert not accident.vetoes.exists()


def test_supplementary_report_is_audited_and_refused_out_of_scope(cast):
    accident = _accident(cast)
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        _supplement(accident, cast["town_a"], deaths=2, serious_injuries=1)
        assert AuditLog.objects.filter(action="supplementary_report").count() == 1
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            _supplement(accident, cast["town_b"], deaths=9)
    accident.refresh_from_db()
    assert accident.deaths == 2


@pytest.mark.parametrize(
    "bad",
    [{"deaths": -1}, {"deaths": "x"}, {"direct_loss_yuan": "NaN"}, {"note": ""}, {"note": "a\x00"}],
)
def test_bad_supplementary_input_changes_nothing(cast, bad):
    accident = _accident(cast)
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False), pytest.raises(ValidationError):
        _supplement(accident, cast["city"], **{"deaths": 4, **bad})
    accident.refresh_from_db()
    assert accident.deaths == 2
    assert not accident.supplementary_reports.exists()
