"""Background work of the registry: the dossier ZIP of a filtered list, and the daily licence
expiry reminders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse

from anjian.core.jobs import record_progress

ZIP_DIR = "dossiers"


def zip_path(task_id: str) -> Path:
    return Path(settings.MEDIA_ROOT) / ZIP_DIR / f"{task_id}.zip"


@shared_task(name="anjian.enterprises.tasks.build_dossier_zip", bind=True)
def build_dossier_zip(self: Any, user_id: int, params: dict[str, str]) -> dict[str, Any]:
    """Dossiers of the enterprises the user sees under ``params`` (the list's filters)."""
    from anjian.accounts.models import User
    from anjian.enterprises.dossier import build_zip
    from anjian.enterprises.filters import EnterpriseFilter
    from anjian.enterprises.models import Enterprise

    task_id: str = self.request.id
    user = User.objects.get(pk=user_id)
    enterprises = (
        EnterpriseFilter.from_params(params)
        .apply(Enterprise.objects.visible_to(user))
        .select_related("town", "grid", "industry")
        .prefetch_related("departments", "categories", "licences")
    )
    total = enterprises.count()
    step = max(1, total // 20)

    def progress(number: int, count: int) -> None:
        if number % step == 0 or number == count:
            record_progress(task_id, number * 100 // max(count, 1), f"{number}/{count}")

    data, failed = build_zip(enterprises.iterator(chunk_size=100), progress=progress, total=total)
    path = zip_path(task_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    download = reverse("enterprises:dossier_zip_download", args=[task_id])
    return {"download": download, "count": total, "failed": failed}


@shared_task(name="anjian.enterprises.tasks.send_licence_reminders")
def send_licence_reminders() -> int:
    """Remind once of each licence entering the warning window (``LICENCE_EXPIRY_WARNING_DAYS``)
    and once more when it has expired; run daily by Celery beat. Returns how many reminders
    went out.

    Each reminder is claimed by inserting its :class:`LicenceReminder` row in the transaction
    that sends it: the unique constraint lets exactly one of two workers through (the other's
    insert waits for the first to commit, then fails), and a failure rolls the claim back so
    the next run tries again. A licence first seen already expired gets the expired reminder
    only. Licences of closed enterprises are left alone. Kept small and self-contained so that
    it can move onto the deadline engine of ``anjian.core`` once that exists.
    """
    from anjian.enterprises import notices
    from anjian.enterprises.choices import EnterpriseStatus, ReminderKind
    from anjian.enterprises.models import Licence, LicenceReminder

    licences = Licence.objects.exclude(enterprise__status=EnterpriseStatus.CLOSED).filter(
        expires_on__isnull=False
    )
    sent = 0
    for kind, due in (
        (ReminderKind.EXPIRED, licences.expired()),
        (ReminderKind.EXPIRING, licences.expiring()),
    ):
        already = LicenceReminder.objects.filter(
            licence=OuterRef("pk"), kind=kind, expires_on=OuterRef("expires_on")
        )
        pending = due.filter(~Exists(already)).select_related("enterprise__town")
        for licence in list(pending):  # read first: the loop writes between rows
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        LicenceReminder.objects.create(
                            licence=licence,
                            kind=kind,
                            expires_on=licence.expires_on,  # type: ignore[misc]  # never None: filtered
                        )
                except IntegrityError:
                    continue  # claimed by another worker meanwhile
                notices.licence_reminder(licence, kind)
                sent += 1
    return sent
