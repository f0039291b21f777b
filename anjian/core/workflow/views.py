"""The pages' side of every workflow: take an action from a form, read the history panel.

A module's detail page includes ``core/_transition_form.html`` (buttons for the allowed
actions, a comment, files or a phone camera) and ``core/_transition_history.html`` (the
timeline); both post to and read from these two generic views, for any declared workflow.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.core.attachments import BadFile
from anjian.core.attachments.views import _back, owner_or_404
from anjian.core.workflow.service import TransitionRefused, apply_transition, history


@login_required
@require_POST
def take(request: HttpRequest, owner: str, object_id: int) -> HttpResponse:
    """Apply the posted action; a refusal is shown as a message in the user's language."""
    obj = owner_or_404(owner, object_id, request.user, write=False)
    data = {
        key.removeprefix("data_"): value
        for key, value in request.POST.items()
        if key.startswith("data_")
    }
    try:
        apply_transition(
            obj,
            request.POST.get("action", ""),
            actor=request.user,
            comment=request.POST.get("comment", ""),
            attachments=request.FILES.getlist("file"),
            data=data,
        )
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    except BadFile as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("操作已完成"))
    return _back(request)


@login_required
@require_GET
def history_panel(request: HttpRequest, owner: str, object_id: int) -> HttpResponse:
    """The object's timeline (actor, time, comment, attachments), for htmx or a full page."""
    obj = owner_or_404(owner, object_id, request.user, write=False)
    return render(request, "core/_transition_history.html", {"transitions": history(obj)})
