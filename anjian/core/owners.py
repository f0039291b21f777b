"""Records that belong to another object (transitions, attachments, deadlines) and their scope.

Such a record is visible exactly where the object it belongs to is visible. The models that can
own them are registered here (a workflow registers its model; :func:`register_owner` does it for
any other scoped model), and :func:`owned_scope_q` builds one set-based condition from the
owners' own ``scope_q``: a record is in scope when its object is among the rows the user may see.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from anjian.core.scoping import NOTHING

__all__ = ["owned_scope_q", "owner_model", "register_owner", "registered_owners"]

_owners: dict[str, type[models.Model]] = {}


def register_owner(model: type[models.Model]) -> None:
    """Let ``model`` (a scoped model with ``scope_q``) own transitions, attachments, deadlines."""
    if not hasattr(model, "scope_q"):
        raise TypeError(f"{model._meta.label} has no scope_q: it cannot own scoped records")
    _owners[model._meta.label_lower] = model


def registered_owners() -> list[type[models.Model]]:
    return list(_owners.values())


def owner_model(label: str) -> type[models.Model] | None:
    """The registered owner model for ``app_label.model_name``, else None."""
    return _owners.get(label.lower())


def owned_scope_q(grants: Any, *, write: bool) -> Q:
    """Rows whose (``content_type``, ``object_id``) names an object the grants reach."""
    parts: list[Q] = []
    for model in _owners.values():
        inner = model.scope_q(grants, write=write)  # type: ignore[attr-defined]
        if inner == NOTHING:
            continue
        content_type = ContentType.objects.get_for_model(model)
        rows = (
            model._default_manager.all() if inner == Q() else model._default_manager.filter(inner)
        )
        parts.append(Q(content_type_id=content_type.pk, object_id__in=rows.values("pk")))
    if not parts:
        return NOTHING
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition
