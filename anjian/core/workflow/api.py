"""The one API pattern for every workflow model: its transitions, read and taken.

A module adds both operations to its router in one line::

    add_transition_routes(router, Danger, "/dangers")

    POST /api/v1/dangers/{id}/transitions  {"action": "verify", "comment": "…",
                                           "data": {…}, "attachments": [12, 13]}
    GET  /api/v1/dangers/{id}/transitions  → {"state", "allowed", "items": [...]}

A refusal answers 409 ``{"detail", "code", "allowed"}``
(:func:`anjian.core.api.install_error_handlers`).
``attachments`` are ids of files uploaded to the object first (``POST /attachments/…``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Router, Schema

from anjian.core.api import ErrorOut
from anjian.core.attachments.api import AttachmentOut, attachment_out
from anjian.core.lifecycle_models import Attachment, Transition
from anjian.core.scoping import get_visible_or_404
from anjian.core.workflow.declaration import workflow_of
from anjian.core.workflow.service import (
    TransitionRefused,
    allowed_actions,
    apply_transition,
    history,
)

__all__ = ["add_transition_routes"]


class TransitionIn(Schema):
    action: str = ""
    comment: str = ""
    data: dict[str, Any] = SchemaField(default_factory=dict)
    attachments: list[int] = SchemaField(default_factory=list)


class TransitionOut(Schema):
    id: int
    action: str
    source: str
    target: str
    actor: str
    at: datetime
    comment: str
    data: dict[str, Any]
    attachments: list[AttachmentOut]


class HistoryOut(Schema):
    state: str
    allowed: list[str]
    items: list[TransitionOut]


class RefusedOut(ErrorOut):
    allowed: list[str]


def transition_out(record: Transition) -> TransitionOut:
    actor = record.actor
    return TransitionOut(
        id=record.pk,
        action=record.action,
        source=record.source,
        target=record.target,
        actor=(getattr(actor, "display_name", "") or actor.get_username()) if actor else "",
        at=record.at,
        comment=record.comment,
        data=record.data,
        attachments=[attachment_out(a) for a in record.attachments.all()],
    )


def add_transition_routes(router: Router, model: type[models.Model], prefix: str) -> None:
    """Add ``GET`` and ``POST {prefix}/{id}/transitions`` for ``model``'s workflow to ``router``."""
    workflow = workflow_of(model)
    if workflow is None:
        raise TypeError(f"{model.__name__} declares no workflow")
    path = f"{prefix.rstrip('/')}/{{id}}/transitions"
    name = model._meta.label_lower.replace(".", "_")

    def _history(request: HttpRequest, id: int) -> HistoryOut:
        obj = get_visible_or_404(model._default_manager, request.user, pk=id)
        return HistoryOut(
            state=workflow.state_of(obj),
            allowed=allowed_actions(obj, request.user),
            items=[transition_out(r) for r in history(obj)],
        )

    def _take(request: HttpRequest, id: int, payload: TransitionIn) -> TransitionOut:
        obj = get_visible_or_404(model._default_manager, request.user, pk=id)
        uploaded = list(Attachment.objects.of(obj).filter(pk__in=payload.attachments))
        if len(uploaded) != len(set(payload.attachments)):
            raise TransitionRefused("invalid", allowed=allowed_actions(obj, request.user))
        record = apply_transition(
            obj,
            payload.action,
            actor=request.user,
            comment=payload.comment,
            attachments=uploaded,
            data=payload.data,
        )
        return transition_out(Transition.objects.prefetch_related("attachments").get(pk=record.pk))

    _history.__doc__ = f"The transitions of one {model._meta.verbose_name}, oldest first."
    _take.__doc__ = f"Take an action on one {model._meta.verbose_name}."
    router.add_api_operation(
        path,
        ["GET"],
        _history,
        response={200: HistoryOut, 404: ErrorOut},
        operation_id=f"{name}_transitions",
        summary=f"{model.__name__} history",
    )
    router.add_api_operation(
        path,
        ["POST"],
        _take,
        response={200: TransitionOut, 404: ErrorOut, 409: RefusedOut},
        operation_id=f"{name}_transition",
        summary=f"{model.__name__} transition",
    )
