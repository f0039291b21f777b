"""Attachment pages: upload from a form (or a phone's camera), download, thumbnail.

Every file goes out through these views, which look the attachment up among those the user may
see (the owning object's scope): 404 otherwise. Nothing is served from a public media URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.core.attachments import BadFile, read_for, store
from anjian.core.lifecycle_models import Attachment
from anjian.core.owners import owner_model
from anjian.core.scoping import get_visible_or_404


def owner_or_404(label: str, object_id: int, user: Any, *, write: bool) -> Any:
    """The registered owner object ``label``/``object_id`` if the user may see (or change) it."""
    model = owner_model(label)
    if model is None:
        raise Http404
    manager: Any = model._default_manager
    rows = manager.editable_by(user) if write else manager.visible_to(user)
    obj = rows.filter(pk=object_id).first()
    if obj is None:
        raise Http404
    return obj


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target or "/")


@login_required
@require_POST
def upload(request: HttpRequest, owner: str, object_id: int) -> HttpResponse:
    """Attach the form's files (``<input type=file capture>`` on a phone) to an object."""
    obj = owner_or_404(owner, object_id, request.user, write=True)
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, _("请选择要上传的文件"))
        return _back(request)
    try:
        for uploaded in files:
            store(obj, uploaded, actor=request.user)
    except BadFile as error:
        messages.error(request, error.message)
    return _back(request)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """The file, with its original name (RFC 5987 ``filename*``), if the user may see it."""
    attachment = get_visible_or_404(Attachment.objects, request.user, pk=pk)
    content, mime, name = read_for(attachment, request.user)
    inline = attachment.is_image or mime == "application/pdf"
    response = FileResponse(content, as_attachment=not inline, filename=name, content_type=mime)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    """A photo's thumbnail (404 until the background job has built it)."""
    attachment = get_visible_or_404(Attachment.objects, request.user, pk=pk)
    if not attachment.thumbnail:
        raise Http404
    handle = default_storage.open(attachment.thumbnail.name, "rb")
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
