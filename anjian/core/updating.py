"""Changing an existing row: lock, read, compare, write the changed fields, audit. One helper
for every update service, so that two writers at once never lose each other's change and the
audit trail says what was really overwritten (issue 11, defect 2).

Public interface::

    from anjian.core.updating import StaleVersion, editing, version_of

    with editing(obj, actor=actor, expected_version=version) as edit:
        edit.set({"address": "…"})        # only fields whose value differs are kept
        ...                                 # relations, checks: still under the row lock
    # on leaving: full_clean, save(update_fields=<changed>), one audit record

**Why a lock before the read.** A service that reads an object, changes it in memory and saves
every column overwrites whatever another transaction committed in between: 20 simultaneous
``PATCH`` requests setting 20 different fields lost 5 of them, and two audit records claimed the
same "before". :func:`editing` reloads the row with ``SELECT … FOR UPDATE`` (the caller's own
instance, so the caller sees the current values), takes the "before" snapshot under that lock,
and saves only the fields that changed; the next writer waits for the commit and then reads
what this one wrote.

**Optimistic concurrency.** :func:`version_of` is a digest of a snapshot; the API sends it as the
``ETag`` and accepts it back in ``If-Match``, edit forms carry it in a hidden field. A client's
version that no longer matches the locked row raises :class:`StaleVersion` (412 in the API, "someone
else changed this record" in a form) instead of overwriting a change the user never saw. A
digest of the content rather than a counter needs no column on every model, and a write that
changes nothing does not make other clients' versions stale.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django import forms
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from anjian.core import audit

__all__ = ["Edit", "StaleVersion", "editing", "version_field", "version_of"]

M = TypeVar("M", bound=models.Model)
Snapshot = Callable[[Any], dict[str, Any]]

STALE_MESSAGE = _("其他人已修改了这条记录，您的修改未保存。请重新打开页面查看最新内容后再修改。")


class StaleVersion(Exception):
    """The record changed since the client read the version it sent."""

    def __init__(self, current: str) -> None:
        super().__init__(str(STALE_MESSAGE))
        self.current = current


def version_of(values: Mapping[str, Any]) -> str:
    """A digest of a snapshot: equal snapshots, equal versions (the ``ETag``, without quotes)."""
    canonical = json.dumps(
        values, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def version_field() -> forms.CharField:
    """The hidden field of an edit form that carries the version it was rendered from."""
    return forms.CharField(widget=forms.HiddenInput, required=False)


@dataclass
class Edit(Generic[M]):
    """A row locked for the rest of the transaction, its snapshot then, and what has been set."""

    obj: M
    before: dict[str, Any]
    changed: list[str] = field(default_factory=list)

    def set(self, changes: Mapping[str, Any]) -> list[str]:
        """Assign the fields of ``changes`` whose value differs from the locked row's; returns
        the names newly changed. Unknown names are a programming error (``FieldDoesNotExist``)."""
        newly = []
        for name, value in changes.items():
            model_field = self.obj._meta.get_field(name)
            if getattr(self.obj, model_field.name) != value:
                setattr(self.obj, model_field.name, value)
                if model_field.name not in self.changed:
                    self.changed.append(model_field.name)
                newly.append(model_field.name)
        return newly

    def save(self) -> None:
        """Validate the whole object and write the changed fields (and ``auto_now`` stamps)."""
        if not self.changed:
            return
        self.obj.full_clean()
        stamps = [
            f.name
            for f in self.obj._meta.concrete_fields
            if getattr(f, "auto_now", False) and f.name not in self.changed
        ]
        self.obj.save(update_fields=[*self.changed, *stamps])


def _lock(obj: M) -> None:
    """Reload ``obj`` from its row, locked: the caller's instance becomes the current one."""
    manager = type(obj)._base_manager
    obj.refresh_from_db(from_queryset=manager.select_for_update())
    # refresh_from_db keeps prefetched relations; a snapshot must read the committed ones.
    vars(obj).pop("_prefetched_objects_cache", None)


@contextmanager
def editing(
    obj: M,
    *,
    actor: Any,
    expected_version: str | tuple[str, ...] | None = None,
    snapshot: Snapshot = audit.snapshot,
    action: str = "update",
    detail: str = "",
) -> Iterator[Edit[M]]:
    """Lock ``obj``'s row and yield an :class:`Edit`; on leaving, save and audit the change.

        ``snapshot`` is what the audit records and the version digests (an app adds relations to
        the fields); ``expected_version`` (``None``: no check) is the version the client read (or
    the versions an ``If-Match`` lists). The
        audit record is written only when the snapshot changed, with the before-values read under
        the lock. Everything runs in one transaction: an exception in the block writes nothing.
    """
    with transaction.atomic():
        _lock(obj)
        before = snapshot(obj)
        current = version_of(before)
        accepted = (expected_version,) if isinstance(expected_version, str) else expected_version
        if accepted is not None and current not in accepted:
            raise StaleVersion(current)
        edit = Edit(obj, before)
        yield edit
        edit.save()
        vars(obj).pop("_prefetched_objects_cache", None)
        after = snapshot(obj)
        if after != before:
            audit.record(action, actor=actor, obj=obj, before=before, after=after, detail=detail)
