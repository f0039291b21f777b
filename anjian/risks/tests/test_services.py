"""Evaluation through the standards module, point and enterprise levels, history, reviews."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from anjian.core import deadlines
from anjian.core.lifecycle_models import Deadline
from anjian.core.models import AuditLog, Notification
from anjian.enterprises import facts
from anjian.risks import services
from anjian.risks.models import EnterpriseRiskLevelChange, Hazard
from anjian.risks.tests.conftest import (
    LEC_HIGH,
    LEC_LOW,
    LEC_MAJOR,
    LEC_MODERATE,
    hazard,
    point_with,
)
from anjian.standards import risk

pytestmark = pytest.mark.django_db


def test_evaluation_goes_through_the_standards_module(pair: Any, city: Any) -> None:
    point = point_with(pair[0], city)
    with (
        mock.patch.object(risk, "lec", wraps=risk.lec) as lec,
        mock.patch.object(risk, "ls", wraps=risk.ls) as ls,
    ):
        services.add_hazard(point, hazard(**LEC_HIGH), actor=city)
        services.add_hazard(
            point, hazard(method="ls", l_value="4", s_value="5", residual_l="2", residual_s="5"),
            actor=city,
        )  # fmt: skip
    assert lec.call_count == 1 and ls.call_count == 2
    first, second = Hazard.objects.filter(risk_point=point).order_by("pk")
    assert (first.score, first.level, first.residual_level) == (252, "high", "high")
    assert (second.score, second.level, second.residual_score, second.residual_level) == (
        20, "major", 10, "moderate",
    )  # fmt: skip
    assert second.criteria == "LS 20/15/9" and first.criteria == "LEC"


def test_the_lec_boundary_d_70_is_moderate(pair: Any, city: Any) -> None:
    point = point_with(pair[0], city, LEC_MODERATE)
    assert point.level == "moderate"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"method": "lec", "l_value": "4", "e_value": "6", "c_value": "7"}, "l_value"),
        ({"method": "ls", "l_value": "6", "s_value": "1"}, "l_value"),
        ({"method": "xyz", "l_value": "1"}, "method"),
        ({**LEC_LOW, "residual_l": "10", "residual_e": "10", "residual_c": "100"}, "residual_l"),
    ],
)
def test_values_outside_the_method_are_refused(
    pair: Any, city: Any, values: dict[str, Any], field: str
) -> None:
    point = point_with(pair[0], city)
    with pytest.raises(ValidationError) as refused:
        services.add_hazard(point, hazard(**values), actor=city)
    assert field in refused.value.message_dict
    assert not Hazard.objects.filter(risk_point=point).exists()


def test_unknown_factor_and_accident_codes_are_refused(pair: Any, city: Any) -> None:
    point = point_with(pair[0], city)
    with pytest.raises(ValidationError) as refused:
        services.add_hazard(
            point, {**hazard(), "factor_code": "77", "accident_types": ["WSA19999"]}, actor=city
        )
    assert set(refused.value.message_dict) == {"factor_code", "accident_types"}


def test_the_point_takes_its_highest_residual_level(pair: Any, city: Any) -> None:
    point = point_with(pair[0], city, LEC_LOW, LEC_HIGH)
    assert point.level == "high"
    pair[0].refresh_from_db()
    assert pair[0].risk_level == "high"
    services.update_hazard(
        point.hazards.get(level="high"),
        {"residual_l": "1", "residual_e": "6", "residual_c": "7"},
        actor=city,
    )
    point.refresh_from_db()
    assert point.level == "low"  # 42 after measures


def test_the_enterprise_level_has_its_history(pair: Any, city: Any) -> None:
    enterprise = pair[0]
    assert enterprise.risk_level == "unassessed"
    point = point_with(enterprise, city, LEC_MODERATE)
    services.add_hazard(point, hazard(**LEC_MAJOR), actor=city)
    services.delete_hazard(point.hazards.get(level="major"), actor=city)
    history = list(
        EnterpriseRiskLevelChange.objects.filter(enterprise=enterprise)
        .order_by("pk")
        .values_list("before", "after")
    )
    assert history == [("unassessed", "moderate"), ("moderate", "major"), ("major", "moderate")]
    assert AuditLog.objects.filter(action="risk_level", object_id=str(enterprise.pk)).count() == 3


@pytest.mark.parametrize(
    ("grade", "expected"), [("1", "major"), ("2", "major"), ("3", "high"), ("4", "high")]
)
def test_a_major_hazard_installation_raises_the_enterprise(
    pair: Any, city: Any, providers: Any, grade: str, expected: str
) -> None:
    enterprise = pair[0]
    point_with(enterprise, city, LEC_LOW)
    providers[facts.MAJOR_HAZARD_INSTALLATION][enterprise.pk] = grade
    facts.facts_changed.send(
        sender=None, enterprise_ids=[enterprise.pk], fact=facts.MAJOR_HAZARD_INSTALLATION
    )
    enterprise.refresh_from_db()
    assert enterprise.risk_level == expected
    change = EnterpriseRiskLevelChange.objects.filter(enterprise=enterprise).latest("pk")
    assert change.raised_by == [f"major_hazard:{grade}"] and change.highest_point == "low"


def test_an_open_major_danger_raises_and_its_closing_lowers(
    pair: Any, city: Any, providers: Any
) -> None:
    enterprise = pair[0]
    point_with(enterprise, city, LEC_MODERATE)
    providers[facts.OPEN_MAJOR_DANGER][enterprise.pk] = "1"
    facts.facts_changed.send(sender=None, enterprise_ids=[enterprise.pk], fact="open_major_danger")
    enterprise.refresh_from_db()
    assert enterprise.risk_level == "major"
    del providers[facts.OPEN_MAJOR_DANGER][enterprise.pk]
    facts.facts_changed.send(sender=None, enterprise_ids=[enterprise.pk], fact="open_major_danger")
    enterprise.refresh_from_db()
    assert enterprise.risk_level == "moderate"


def test_a_fact_raises_an_enterprise_without_points(pair: Any, providers: Any) -> None:
    providers[facts.MAJOR_HAZARD_INSTALLATION][pair[1].pk] = "3"
    services.refresh_enterprise_levels([pair[1].pk])
    pair[1].refresh_from_db()
    assert pair[1].risk_level == "high"


def test_only_editors_of_the_enterprise_write(pair: Any, town_a: Any, manager_a: Any) -> None:
    point = point_with(pair[0], manager_a, LEC_LOW)
    with pytest.raises(PermissionDenied):
        services.create_point(pair[1], {"name": "外企风险点"}, actor=manager_a)
    with pytest.raises(PermissionDenied):
        services.create_point(pair[1], {"name": "外镇风险点"}, actor=town_a)
    services.update_point(point, {"location": "东厂区"}, actor=town_a)


def test_reviews_are_due_a_year_on_and_remind_with_a_frozen_clock(
    pair: Any, city: Any, manager_a: Any, towns: Any
) -> None:
    from conftest import make_user

    town_user = make_user("risk_town_reviewer", ("town", towns[0].code))
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        point = point_with(pair[0], city, LEC_LOW)
        assert str(point.review_due) == "2027-03-02"
        deadline = deadlines.current_deadline(point, "review")
        assert deadline is not None
    with time_machine.travel(start + timedelta(days=300), tick=False):
        assert deadlines.run_due() == 0
    with time_machine.travel(start + timedelta(days=336), tick=False):
        assert deadlines.run_due() == 1
        assert Notification.objects.filter(recipient=manager_a).count() == 1
        assert not Notification.objects.filter(recipient=town_user).exists()
        assert deadlines.run_due() == 0  # sent once
    with time_machine.travel(start + timedelta(days=366), tick=False):
        assert deadlines.run_due() == 1
        assert Notification.objects.filter(recipient=town_user).count() == 1


def test_a_re_evaluation_moves_the_deadline_and_an_event_brings_it_forward(
    pair: Any, city: Any
) -> None:
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        point = point_with(pair[0], city, LEC_LOW)
    with time_machine.travel(start + timedelta(days=100), tick=False):
        services.require_review(point, "accident", actor=city)
        point.refresh_from_db()
        assert str(point.review_due) == "2026-07-10" and point.review_reason == "accident"
        with pytest.raises(ValidationError):
            services.require_review(point, "periodic", actor=city)
        services.update_hazard(point.hazards.get(), LEC_MODERATE, actor=city)
        point.refresh_from_db()
        assert str(point.review_due) == "2027-06-10" and point.review_reason == "periodic"
    assert Deadline.objects.of(point).open().count() == 1
    assert Deadline.objects.of(point).count() == 3


def test_card_confirmations_are_counted_once_per_worker(
    pair: Any, city: Any, manager_a: Any
) -> None:
    point = point_with(pair[0], city, LEC_LOW)
    services.add_card_confirmation(point, actor=manager_a)
    services.add_card_confirmation(point, actor=manager_a)
    assert point.confirmations.count() == 1
    with pytest.raises(PermissionDenied):
        services.add_card_confirmation(point, actor=city)
