"""The registry in the access test: enterprises, licences, change requests, dossier ZIPs.

Side A's enterprise is a chemical works (2614) in town A and grid A, supervised by department A
(应急局); side B's is a pharmaceutical works (2710) in town B and grid B, which only department B
(工信局) supervises. Every side-A persona but the city office must not reach side B's.
"""

from __future__ import annotations

from typing import Any

from anjian.core.access_testing import AccessCase, World
from anjian.core.models import Job
from anjian.core.roles import Role
from anjian.enterprises.choices import ChangeRequestState
from anjian.enterprises.demo import demo_credit_code
from anjian.enterprises.models import ChangeRequest, Enterprise, Licence
from anjian.enterprises.services import DepartmentIndex
from anjian.orgs.models import Industry

EVERY_ROLE = frozenset(Role.values)
NOT_CITY = EVERY_ROLE - {Role.CITY}

EXEMPT = {
    "enterprises:import_confirm": "the caller's own upload: the file is named by the caller's "
    "user id and a random token, another user's token answers 404",
    "enterprises:import_errors": "the caller's own annotated upload, as above",
    "enterprises:import_review": "the caller's own checked upload, as above",
}


def _enterprise(world: World, side: str) -> Enterprise:
    import random

    industry = Industry.objects.get(code="2614" if side == "a" else "2710")
    enterprise = Enterprise.objects.create(
        credit_code=demo_credit_code(random.Random(f"access:{side}:{world.serial()}")),
        name=f"{side.upper()}侧秘密企业{world.serial()}",
        town=getattr(world, f"town_{side}"),
        grid=getattr(world, f"grid_{side}"),
        industry=industry,
        longitude=117.165,
        latitude=35.084,
    )
    enterprise.departments.set(DepartmentIndex().for_industry(industry.code, industry.section))
    return enterprise


def setup(world: World) -> None:
    world.enterprise_a = _enterprise(world, "a").credit_code
    world.enterprise_b = _enterprise(world, "b").credit_code


def cases(world: World) -> list[AccessCase]:
    def enterprise(w: World) -> Enterprise:
        return _enterprise(w, "b")

    def licence(w: World) -> Licence:
        return Licence.objects.create(
            enterprise=_enterprise(w, "b"), kind="药品生产许可证", number=f"B{w.serial()}"
        )

    def change_request(w: World) -> ChangeRequest:
        return ChangeRequest.objects.create(
            enterprise=_enterprise(w, "b"),
            changes={"name": "B侧改名"},
            state=ChangeRequestState.PENDING,
        )

    def dossier_job(w: World) -> Job:
        return Job.objects.create(
            task_id=f"dossier-b-{w.serial()}", name="B一企一册", owner=w.owner_b()
        )

    by_pk: dict[str, Any] = {
        "enterprises:detail": lambda e: {"pk": e.pk},
        "enterprises:edit": lambda e: {"pk": e.pk},
        "enterprises:licence_add": lambda e: {"pk": e.pk},
        "enterprises:dossier": lambda e: {"pk": e.pk},
        "GET /api/v1/enterprises/{enterprise_id}": lambda e: {"enterprise_id": e.pk},
        "PATCH /api/v1/enterprises/{enterprise_id}": lambda e: {"enterprise_id": e.pk},
        # Side B's enterprises are in grid B: the grid actions name both.
        "enterprises:grid_assign": lambda e: {"code": e.grid.code},
        "enterprises:grid_remove": lambda e: {"code": e.grid.code, "pk": e.pk},
    }
    return [
        AccessCase("enterprises.Enterprise", enterprise, by_pk, NOT_CITY),
        AccessCase(
            "enterprises.Licence",
            licence,
            {
                "enterprises:licence_edit": lambda x: {"pk": x.pk},
                "enterprises:licence_delete": lambda x: {"pk": x.pk},
            },
            NOT_CITY,
        ),
        AccessCase(
            "enterprises.ChangeRequest",
            change_request,
            {"enterprises:change_request_decide": lambda c: {"pk": c.pk}},
            NOT_CITY,
        ),
        AccessCase(
            "enterprises dossier ZIP",
            dossier_job,
            {"enterprises:dossier_zip_download": lambda j: {"task_id": j.task_id}},
            EVERY_ROLE - {Role.ADMIN},  # the operator sees job records, never their files
        ),
    ]
