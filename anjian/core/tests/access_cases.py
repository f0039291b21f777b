"""Core's scoped models in the access test: jobs, notifications and the audit log."""

from __future__ import annotations

from anjian.accounts.choices import Role
from anjian.core import audit
from anjian.core.access_testing import AccessCase, World
from anjian.core.models import Job, Notification

EVERY_ROLE = frozenset(Role.values)


def cases(world: World) -> list[AccessCase]:
    def job(w: World) -> Job:
        return Job.objects.create(
            task_id=f"side-b-{w.serial()}", name="B秘密任务", owner=w.owner_b()
        )

    def notification(w: World) -> Notification:
        return Notification.objects.create(recipient=w.owner_b(), title="B秘密通知")

    def audit_record(w: World):  # type: ignore[no-untyped-def]
        actor = w.owner_b()
        return audit.record("update", actor=actor, obj=actor, detail="B秘密审计")

    return [
        AccessCase(
            "core.Job",
            job,
            {"core:job_detail": lambda j: {"pk": j.pk}},
            EVERY_ROLE - {Role.ADMIN},
        ),
        AccessCase(
            "core.Notification",
            notification,
            {"core:notification_read": lambda n: {"pk": n.pk}},
            EVERY_ROLE,
        ),
        AccessCase(
            "core.AuditLog",
            audit_record,
            {
                "core:audit_detail": lambda r: {"pk": r.pk},
                "GET /api/v1/audit/{seq}": lambda r: {"seq": r.seq},
            },
            EVERY_ROLE - {Role.AUDITOR},
        ),
    ]
