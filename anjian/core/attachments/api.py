"""The attachments API: upload (multipart), list an object's attachments, download one."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from anjian.core.api import ApiError, ErrorOut
from anjian.core.attachments import BadFile, read_for, store
from anjian.core.attachments.views import owner_or_404
from anjian.core.lifecycle_models import Attachment
from anjian.core.scoping import get_visible_or_404

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    name: str
    mime_type: str
    size: int
    sha256: str
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    transition: int | None
    uploaded_at: datetime
    url: str


def attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        name=attachment.original_name,
        mime_type=attachment.mime_type,
        size=attachment.size,
        sha256=attachment.sha256,
        taken_at=attachment.taken_at,
        latitude=attachment.latitude,
        longitude=attachment.longitude,
        transition=attachment.transition_id,
        uploaded_at=attachment.uploaded_at,
        url=reverse("core:attachment_download", kwargs={"pk": attachment.pk}),
    )


@router.get(
    "/attachments/{owner}/{object_id}",
    response={200: list[AttachmentOut], 404: ErrorOut},
    operation_id="attachments_of_object",
)
def attachments_of(request: HttpRequest, owner: str, object_id: int) -> list[AttachmentOut]:
    """The attachments of an object the caller may see (``owner``: ``app_label.model``)."""
    obj = owner_or_404(owner, object_id, request.user, write=False)
    return [attachment_out(a) for a in Attachment.objects.of(obj)]


@router.post(
    "/attachments/{owner}/{object_id}",
    response={201: AttachmentOut, 404: ErrorOut, 422: ErrorOut},
    operation_id="attachment_upload",
)
def upload(
    request: HttpRequest,
    owner: str,
    object_id: int,
    file: UploadedFile | None = File(None),  # noqa: B008  (ninja's way to declare a file)
) -> Status[AttachmentOut]:
    """Attach a file (multipart field ``file``) to an object the caller may change."""
    obj = owner_or_404(owner, object_id, request.user, write=True)
    if file is None:
        raise ApiError(422, "invalid", "file: required")
    try:
        attachment = store(obj, file, actor=request.user)
    except BadFile as error:
        raise ApiError(422, "bad_file", str(error.message)) from error
    return Status(201, attachment_out(attachment))


@router.get(
    "/attachment-files/{pk}",
    response={200: None, 404: ErrorOut},
    operation_id="attachment_file",
)
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The file itself (EXIF removed for anyone but the uploader)."""
    attachment = get_visible_or_404(Attachment.objects, request.user, pk=pk)
    content, mime, name = read_for(attachment, request.user)
    return FileResponse(content, as_attachment=True, filename=name, content_type=mime)
