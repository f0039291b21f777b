"""The dangers module in the access test: side B's hidden danger (town B's enterprise), its
extension request, its listing and a self-inspection task must answer as missing ones do for
every side-A role but the city office."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from anjian.core.access_testing import AccessCase, World
from anjian.core.roles import Role
from anjian.dangers.models import (
    Checklist,
    ExtensionRequest,
    HiddenDanger,
    InspectionPlan,
    InspectionTask,
    ListedSupervision,
)
from anjian.enterprises.demo import demo_credit_code
from anjian.enterprises.models import Enterprise
from anjian.enterprises.services import DepartmentIndex
from anjian.orgs.models import Industry

EVERY_ROLE = frozenset(Role.values)
NOT_CITY = EVERY_ROLE - {Role.CITY}


def _enterprise(world: World) -> Enterprise:
    industry = Industry.objects.get(code="2710")
    enterprise = Enterprise.objects.create(
        credit_code=demo_credit_code(random.Random(f"dangers:b:{world.serial()}")),
        name=f"B侧秘密隐患企业{world.serial()}",
        town=world.town_b,
        grid=world.grid_b,
        industry=industry,
    )
    enterprise.departments.set(DepartmentIndex().for_industry(industry.code, industry.section))
    return enterprise


def _danger(world: World) -> HiddenDanger:
    enterprise = _enterprise(world)
    return HiddenDanger.objects.create(
        enterprise=enterprise,
        town=enterprise.town,
        source="grid_patrol",
        place="B秘密部位",
        description="B秘密隐患",
        is_major=True,
        deadline=timezone.localdate() + timedelta(days=7),
    )


def cases(world: World) -> list[AccessCase]:
    def extension(w: World) -> ExtensionRequest:
        danger = _danger(w)
        return ExtensionRequest.objects.create(
            danger=danger,
            previous_deadline=danger.deadline,
            requested_deadline=danger.deadline + timedelta(days=5),
            reason="B秘密理由",
        )

    def listing(w: World) -> ListedSupervision:
        return ListedSupervision.objects.create(
            danger=_danger(w), level="city", deadline=timezone.localdate()
        )

    def task(w: World) -> InspectionTask:
        enterprise = _enterprise(w)
        checklist = Checklist.objects.order_by("pk").first()
        plan = InspectionPlan.objects.create(
            enterprise=enterprise, checklist=checklist, name="B秘密计划", frequency="daily"
        )
        return InspectionTask.objects.create(
            plan=plan,
            enterprise=enterprise,
            checklist=checklist,
            period=f"B{w.serial()}",
            due_on=timezone.localdate(),
        )

    by_id: Any = lambda x: {"id": x.pk}  # noqa: E731
    by_pk: Any = lambda x: {"pk": x.pk}  # noqa: E731

    def by_owner(label: str) -> Any:
        return lambda x: {"owner": label, "object_id": x.pk}

    return [
        AccessCase(
            "dangers.HiddenDanger",
            _danger,
            {
                "dangers:detail": by_pk,
                "dangers:notice_pdf": by_pk,
                "dangers:closing_pdf": by_pk,
                "dangers:plan": by_pk,
                "dangers:extension": by_pk,
                "dangers:listing": by_pk,
                "GET /api/v1/hidden-dangers/{id}": by_id,
                "POST /api/v1/hidden-dangers/{id}/plan": by_id,
                "POST /api/v1/hidden-dangers/{id}/extensions": by_id,
                "POST /api/v1/hidden-dangers/{id}/listing": by_id,
                "GET /api/v1/hidden-dangers/{id}/transitions": by_id,
                "POST /api/v1/hidden-dangers/{id}/transitions": by_id,
                "GET /api/v1/attachments/{owner}/{object_id}": by_owner("dangers.hiddendanger"),
                "POST /api/v1/attachments/{owner}/{object_id}": by_owner("dangers.hiddendanger"),
                "core:transition": by_owner("dangers.hiddendanger"),
                "core:transition_history": by_owner("dangers.hiddendanger"),
                "core:attachment_upload": by_owner("dangers.hiddendanger"),
            },
            NOT_CITY,
        ),
        AccessCase(
            "dangers.ExtensionRequest",
            extension,
            {
                "GET /api/v1/danger-extensions/{id}/transitions": by_id,
                "POST /api/v1/danger-extensions/{id}/transitions": by_id,
            },
            NOT_CITY,
        ),
        AccessCase(
            "dangers.ListedSupervision",
            listing,
            {
                "dangers:report": by_pk,
                "POST /api/v1/danger-listings/{id}/reports": by_id,
                "GET /api/v1/danger-listings/{id}/transitions": by_id,
                "POST /api/v1/danger-listings/{id}/transitions": by_id,
            },
            NOT_CITY,
        ),
        AccessCase(
            "dangers.InspectionTask",
            task,
            {
                "dangers:task": by_pk,
                "GET /api/v1/inspection-tasks/{id}": by_id,
                "POST /api/v1/inspection-tasks/{id}/complete": by_id,
            },
            NOT_CITY,
        ),
    ]


EXEMPT = {
    "GET /api/v1/danger-checklists/{key}": "checklist templates are reference data for everyone",
}
