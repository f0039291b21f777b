"""Accidents in the access test: side B's accident is in town B, at side B's pharmaceutical
works (2710, supervised by 工信局 only); no side-A persona but the city office may reach it.
It happened in 2020, so that no quota of the current year counts it on anyone's home page.

Quotas are read by every official who is not a town (a town reads its own and the industries'):
side B's town quota is hidden from the side-A town only, and from those without the page.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from anjian.accidents.choices import GradeChoices, QuotaKind, ReportLevel
from anjian.accidents.models import Accident, ControlQuota, ReportStep
from anjian.core.access_testing import AccessCase, World
from anjian.core.roles import Role
from anjian.enterprises.models import Enterprise

EVERY_ROLE = frozenset(Role.values)
NOT_CITY = EVERY_ROLE - {Role.CITY}


def _accident(world: World) -> Accident:
    enterprise = Enterprise.objects.get(credit_code=world.enterprise_b)
    when = datetime(2020, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    accident = Accident(
        occurred_at=when,
        learnt_at=when,
        place=f"B侧秘密车间{world.serial()}",
        town=world.town_b,
        enterprise=enterprise,
        industry=enterprise.industry,
        type_code="3",
        deaths=1,
        serious_injuries=0,
        direct_loss_yuan=Decimal(1000),
        summary="B侧秘密经过",
    )
    accident.type_edition = "GB/T 6441-1986"
    accident.grade = GradeChoices.ORDINARY
    accident.save()
    accident.departments.set(enterprise.departments.all())
    ReportStep.objects.create(accident=accident, level=ReportLevel.COUNTY, order=0, due_at=when)
    accident.refresh_from_db()  # the values as stored (the test compares snapshots)
    return accident


def cases(world: World) -> list[AccessCase]:
    def quota(w: World) -> ControlQuota:
        return ControlQuota.objects.create(
            year=2000 + w.serial(), kind=QuotaKind.TOWN, town=w.town_b, deaths_allowed=3
        )

    def owner(a: Accident) -> dict[str, Any]:
        return {"owner": "accidents.accident", "object_id": a.pk}

    by_pk: dict[str, Any] = {
        "accidents:detail": lambda a: {"pk": a.pk},
        "accidents:supplement": lambda a: {"pk": a.pk},
        "accidents:publish": lambda a: {"pk": a.pk},
        "accidents:report_step": lambda a: {"pk": a.pk, "step_id": a.report_steps.get().pk},
        "GET /api/v1/accidents/{accident_id}": lambda a: {"accident_id": a.pk},
        "POST /api/v1/accidents/{accident_id}/supplementary-reports": lambda a: {
            "accident_id": a.pk
        },
        "POST /api/v1/accidents/{accident_id}/publication": lambda a: {"accident_id": a.pk},
        "POST /api/v1/accidents/{accident_id}/report-steps/{step_id}": lambda a: {
            "accident_id": a.pk,
            "step_id": a.report_steps.get().pk,
        },
        "GET /api/v1/accidents/{id}/transitions": lambda a: {"id": a.pk},
        "POST /api/v1/accidents/{id}/transitions": lambda a: {"id": a.pk},
        "core:transition": owner,
        "core:transition_history": owner,
    }
    return [
        AccessCase("accidents.Accident", _accident, by_pk, NOT_CITY),
        AccessCase(
            "accidents.ControlQuota",
            quota,
            {},
            frozenset({Role.TOWN, Role.ENTERPRISE, Role.EXPERT, Role.AUDITOR, Role.ADMIN}),
        ),
    ]
