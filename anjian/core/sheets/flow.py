"""The import of an upload from the page: check, show, confirm; in the background when large.

A module registers an :class:`Importer` (its sheets, how to check a workbook into a plan, how
to apply a plan, where its pages are) with :func:`register`, in ``AppConfig.ready``. Then:

1. :func:`check_upload` guards and opens the upload (:class:`~.reading.WorkbookError` when it
   is refused), stages it under a token, and checks it: in the request when it has at most
   ``SHEETS_BACKGROUND_ROWS`` rows, otherwise in a background job whose progress the job page
   shows and which then links to the review page. Either way the :class:`~.checking.Preview`
   (and, when there are errors, the annotated workbook) is kept beside the staged file.
2. The review page shows :func:`load_preview`: the errors (with the annotated workbook,
   :func:`annotated_path`) or the counts and the diffs, and a confirm button.
3. :func:`confirm` checks the staged file again (the database may have changed since) and,
   when it is still clean, applies it in one transaction: in the request or, when large, in
   a background job. A plan with any error writes nothing.

Staged files are the uploading user's own: the token is random and the path names the user.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import translation
from django.utils.functional import Promise

from anjian.core.jobs import enqueue, record_progress
from anjian.core.models import Job
from anjian.core.sheets.checking import Preview, Progress
from anjian.core.sheets.reading import Book, open_book
from anjian.core.sheets.writing import annotate

__all__ = [
    "Importer",
    "Upload",
    "annotated_path",
    "check_upload",
    "confirm",
    "load_preview",
    "register",
]


class Plan(Protocol):
    @property
    def ok(self) -> bool: ...

    def preview(self) -> Preview: ...


class Importer(Protocol):
    """What a module gives the kit for an import run from its pages.

    ``key`` names it (the staging folder, the background task's argument); ``sheets`` are the
    declared sheet names read from an upload (the first is the main sheet); ``title`` names its
    jobs. ``plan`` checks a workbook and writes nothing; ``apply`` writes a clean plan in one
    transaction and answers the message for the user; ``review_url`` is the page of a token's
    preview, ``done_url`` where the user goes after a background apply.
    """

    @property
    def key(self) -> str: ...

    @property
    def sheets(self) -> Sequence[str]: ...

    @property
    def title(self) -> str | Promise: ...

    def plan(self, book: Book, *, actor: Any, progress: Progress | None = None) -> Plan: ...

    def apply(self, plan: Any, *, actor: Any, progress: Progress | None = None) -> str: ...

    def review_url(self, token: str) -> str: ...

    def done_url(self) -> str: ...


_IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Make ``importer`` known by its key (call from ``AppConfig.ready``)."""
    _IMPORTERS[importer.key] = importer


def _staged(importer: Importer, user: Any, token: str, suffix: str) -> Path:
    if not token.isalnum():
        raise Http404
    folder = Path(settings.VAR_DIR) / "imports" / importer.key
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{user.pk}-{token}{suffix}"


def annotated_path(importer: Importer, user: Any, token: str) -> Path:
    """The annotated workbook of a staged upload with errors (may not exist)."""
    return _staged(importer, user, token, ".errors.xlsx")


def load_preview(importer: Importer, user: Any, token: str) -> Preview | None:
    """The preview of a staged upload, once its check has finished."""
    path = _staged(importer, user, token, ".preview.json")
    if not path.exists():
        return None
    return Preview.from_json(json.loads(path.read_text()))


@dataclass
class Upload:
    """The outcome of :func:`check_upload`: the token, and the preview, or the job checking
    it in the background."""

    token: str
    preview: Preview | None = None
    job: Job | None = None


def _check(
    importer: Importer, user: Any, token: str, book: Book, progress: Progress | None
) -> Preview:
    plan = importer.plan(book, actor=user, progress=progress)
    preview = plan.preview()
    if not preview.ok:
        _staged(importer, user, token, ".errors.xlsx").write_bytes(annotate(book, preview.errors))
    _staged(importer, user, token, ".preview.json").write_text(
        json.dumps(preview.to_json(), ensure_ascii=False)
    )
    return preview


def _large(book: Book) -> bool:
    return book.height > settings.SHEETS_BACKGROUND_ROWS


def check_upload(importer: Importer, data: bytes, filename: str, *, actor: Any) -> Upload:
    """Guard, stage and check an upload (see the module's description); raises
    :class:`~.reading.WorkbookError` for a file refused before its rows are read."""
    book = open_book(data, importer.sheets, filename=filename)
    token = uuid.uuid4().hex
    _staged(importer, actor, token, ".upload").write_bytes(data)
    if _large(book):
        job = enqueue(
            check_staged,
            importer.key,
            actor.pk,
            token,
            translation.get_language(),
            owner=actor,
            name=f"{importer.title}：{filename}",
        )
        return Upload(token, job=job)
    return Upload(token, preview=_check(importer, actor, token, book, None))


def confirm(importer: Importer, token: str, *, actor: Any) -> tuple[str | None, Job | None]:
    """Apply a checked upload: answers the message (``None`` when the file no longer checks
    clean: nothing written), or the background job applying it."""
    path = _staged(importer, actor, token, ".upload")
    if not path.exists():
        raise Http404
    book = open_book(path.read_bytes(), importer.sheets, filename=path.name)
    if _large(book):
        job = enqueue(
            apply_staged,
            importer.key,
            actor.pk,
            token,
            translation.get_language(),
            owner=actor,
            name=str(importer.title),
        )
        return None, job
    return _apply(importer, actor, token, book, None), None


def _apply(
    importer: Importer, user: Any, token: str, book: Book, progress: Progress | None
) -> str | None:
    plan = importer.plan(book, actor=user, progress=progress)
    if not plan.ok:
        return None
    message = importer.apply(plan, actor=user, progress=progress)
    for suffix in (".upload", ".preview.json", ".errors.xlsx"):
        _staged(importer, user, token, suffix).unlink(missing_ok=True)
    return message


def job_progress(task_id: str) -> Progress:
    """A ``progress(items, label)`` that records a job's progress through a list, each phase
    (the label) from 0 to 100 %, about every 5 %."""

    def progress(items: Iterable[Any], label: str) -> Iterable[Any]:
        listed = list(items)
        step = max(1, len(listed) // 20)
        for number, item in enumerate(listed, start=1):
            yield item
            if number % step == 0 or number == len(listed):
                percent = number * 100 // len(listed)
                record_progress(task_id, percent, f"{label} {number}/{len(listed)}")

    return progress


def _job(key: str, user_id: int) -> tuple[Importer, Any]:
    return _IMPORTERS[key], get_user_model().objects.get(pk=user_id)


@shared_task(name="anjian.core.sheets.check_staged", bind=True)
def check_staged(self: Any, key: str, user_id: int, token: str, language: str) -> dict[str, Any]:
    """Check a large staged upload in the background; the result links to its review page."""
    importer, user = _job(key, user_id)
    path = _staged(importer, user, token, ".upload")
    with translation.override(language):  # the reasons speak the uploading user's language
        book = open_book(path.read_bytes(), importer.sheets, filename=path.name)
        preview = _check(importer, user, token, book, job_progress(self.request.id))
    return {"next": importer.review_url(token), "errors": len(preview.errors)}


@shared_task(name="anjian.core.sheets.apply_staged", bind=True)
def apply_staged(self: Any, key: str, user_id: int, token: str, language: str) -> dict[str, Any]:
    """Check a large staged upload again and apply it, all or nothing."""
    importer, user = _job(key, user_id)
    path = _staged(importer, user, token, ".upload")
    with translation.override(language):
        book = open_book(path.read_bytes(), importer.sheets, filename=path.name)
        message = _apply(importer, user, token, book, job_progress(self.request.id))
        if message is None:
            raise RuntimeError(translation.gettext("数据已变化，请重新导入"))
    return {"next": importer.done_url(), "message": message}
