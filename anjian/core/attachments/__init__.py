"""Attachments: photos and documents on any registered object, and on its transition records.

Public interface::

    from anjian.core.attachments import store, BadFile
    store(obj, uploaded_file, *, actor, transition=None) -> Attachment

The content decides the type (:mod:`anjian.core.attachments.sniff`), against an allow-list;
the stored name is random (``attachments/2026/12/<hex>.jpg``), the original (Chinese) name is
kept for the download. Photos keep their capture time and location as data; a thumbnail and a
copy without EXIF are built in the background (:func:`build_derivatives`). Files are read only
through :mod:`anjian.core.attachments.views`, which checks that the user may see the object.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import uuid
from functools import partial
from pathlib import PurePath
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.utils import timezone

from anjian.core import audit
from anjian.core.attachments.sniff import BadFile, sniff, strip_metadata, thumbnail
from anjian.core.lifecycle_models import Attachment, Transition

__all__ = ["BadFile", "build_derivatives", "read_for", "safe_original_name", "store"]


def safe_original_name(name: str) -> str:
    """The uploaded name without any path or control characters (kept for the download)."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return cleaned[:200] or "file"


def _stored_name(extension: str, suffix: str = "") -> str:
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}{extension}"


@transaction.atomic
def store(
    obj: models.Model, uploaded: Any, *, actor: Any, transition: Transition | None = None
) -> Attachment:
    """Attach an uploaded file to ``obj`` (and to ``transition``), after judging its content.

    Raises :class:`BadFile` (nothing stored) for a type outside the allow-list, a damaged or
    truncated file, one over ``ATTACHMENT_MAX_BYTES`` or an image over ``ATTACHMENT_MAX_PIXELS``.
    The file reaches the storage only once the transaction commits, so a refused transition
    leaves no orphan behind.
    """
    uploaded.seek(0)
    sniffed, content = sniff(uploaded, int(uploaded.size))
    name = _stored_name(sniffed.extension)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        transition=transition,
        file=name,
        original_name=safe_original_name(getattr(uploaded, "name", "") or "file"),
        mime_type=sniffed.mime_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        width=sniffed.width,
        height=sniffed.height,
        taken_at=(timezone.make_aware(sniffed.taken_at) if sniffed.taken_at is not None else None),
        latitude=sniffed.latitude,
        longitude=sniffed.longitude,
        uploaded_by=actor,
    )
    attachment.save()
    audit.record(
        "attach",
        actor=actor,
        obj=obj,
        after={
            "attachment": attachment.pk,
            "name": attachment.original_name,
            "sha256": attachment.sha256,
            "type": attachment.mime_type,
        },
    )
    transaction.on_commit(partial(_save_and_queue, name, content, attachment.pk))
    return attachment


def _save_and_queue(name: str, content: bytes, attachment_id: int) -> None:
    default_storage.save(name, ContentFile(content))
    from anjian.core.tasks import build_attachment_derivatives

    if Attachment.objects.filter(pk=attachment_id, mime_type__startswith="image/").exists():
        build_attachment_derivatives.delay(attachment_id)


def build_derivatives(attachment_id: int) -> bool:
    """Build the thumbnail and the EXIF-free copy of a photo; False when not an image."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or not attachment.is_image:
        return False
    with default_storage.open(attachment.file.name, "rb") as handle:
        content = handle.read()
    clean, _mime = strip_metadata(content)
    clean_name = default_storage.save(
        _stored_name(
            ".jpg"
            if attachment.mime_type == "image/heic"
            else PurePath(attachment.file.name).suffix,
            "-clean",
        ),
        ContentFile(clean),
    )
    thumb_name = default_storage.save(
        _stored_name(".jpg", "-thumb"), ContentFile(thumbnail(content))
    )
    Attachment.objects.filter(pk=attachment_id).update(clean_file=clean_name, thumbnail=thumb_name)
    return True


def read_for(attachment: Attachment, user: Any) -> tuple[io.BytesIO, str, str]:
    """The bytes to serve ``user``, their content type and the download name.

    The uploader gets the original; anyone else gets a photo without its EXIF metadata (the
    clean copy once built, stripped on the fly until then). Location and time stay readable as
    the attachment's data for those who may see the object.
    """
    with default_storage.open(attachment.file.name, "rb") as handle:
        content = handle.read()
    mime = attachment.mime_type
    name = attachment.original_name
    if attachment.is_image and attachment.uploaded_by_id != getattr(user, "pk", None):
        if attachment.clean_file:
            with default_storage.open(attachment.clean_file.name, "rb") as handle:
                content = handle.read()
            mime = "image/jpeg" if mime == "image/heic" else mime
        else:
            content, mime = strip_metadata(content)
        if mime == "image/jpeg" and PurePath(name).suffix.lower() in {".heic", ".heif"}:
            name = f"{PurePath(name).stem}.jpg"
    return io.BytesIO(content), mime, name
