"""The registry in the access test: enterprises, their change requests and dossier jobs.

Written by the accounts engineer as the registry's first entry in the access test; the
enterprises app owns it and extends it as its endpoints grow.
"""

from __future__ import annotations

import random

from anjian.accounts.choices import Role
from anjian.core.access_testing import AccessCase, World
from anjian.core.models import Job
from anjian.enterprises.demo import demo_credit_code
from anjian.enterprises.models import ChangeRequest, Enterprise
from anjian.orgs.models import Industry

EVERY_ROLE = frozenset(Role.values)
_codes = random.Random("access-test")


def _enterprise(world: World, side: str) -> Enterprise:
    number = world.serial()
    enterprise = Enterprise.objects.create(
        credit_code=demo_credit_code(_codes),
        name=f"{side.upper()}秘密企业{number}有限公司",
        town=getattr(world, f"town_{side}"),
        grid=getattr(world, f"grid_{side}"),
        industry=Industry.objects.get(code="2614"),
        longitude=117.165,
        latitude=35.084,
    )
    enterprise.departments.set([getattr(world, f"department_{side}")])
    return enterprise


def setup(world: World) -> None:
    """One enterprise on each side, for the enterprise and expert personas' jurisdictions."""
    world.enterprise_a = _enterprise(world, "a").credit_code
    world.enterprise_b = _enterprise(world, "b").credit_code


def cases(world: World) -> list[AccessCase]:
    def enterprise(w: World) -> Enterprise:
        return _enterprise(w, "b")

    def change_request(w: World) -> ChangeRequest:
        target = Enterprise.objects.get(credit_code=w.enterprise_b)
        return ChangeRequest.objects.create(
            enterprise=target, changes={"name": "B秘密变更"}, requested_by=w.owner_b()
        )

    def dossier_job(w: World) -> Job:
        return Job.objects.create(
            task_id=f"dossierb{w.serial()}", name="B一企一册", owner=w.owner_b()
        )

    return [
        AccessCase(
            "enterprises.Enterprise",
            enterprise,
            {
                "enterprises:detail": lambda e: {"pk": e.pk},
                "enterprises:edit": lambda e: {"pk": e.pk},
                "enterprises:dossier": lambda e: {"pk": e.pk},
                "GET /api/v1/enterprises/{enterprise_id}": lambda e: {"enterprise_id": e.pk},
                "PATCH /api/v1/enterprises/{enterprise_id}": lambda e: {"enterprise_id": e.pk},
            },
            EVERY_ROLE - {Role.CITY},
        ),
        AccessCase(
            "enterprises.ChangeRequest",
            change_request,
            {"enterprises:change_request_decide": lambda c: {"pk": c.pk}},
            EVERY_ROLE - {Role.CITY},
        ),
        AccessCase(
            "enterprises dossier job",
            dossier_job,
            {"enterprises:dossier_zip_download": lambda j: {"task_id": j.task_id}},
            EVERY_ROLE - {Role.ADMIN},
        ),
    ]


EXEMPT = {
    "enterprises:import_confirm": "the token names the caller's own upload: the file name "
    "includes the caller's user id, so another user's token is simply not found",
    "enterprises:import_errors": "as import_confirm: the caller's own upload only",
}
