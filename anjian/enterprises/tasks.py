"""Background work of the registry: the dossier ZIP of a filtered list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from celery import shared_task
from django.conf import settings
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
