"""The audit log: append-only, hash-chained, written in the same transaction as the change.

Public interface (other modules code against exactly this)::

    from anjian.core import audit
    audit.record(action, *, actor, obj=None, before=None, after=None, detail="") -> AuditLog
    audit.snapshot(obj) -> dict

``action`` is a short code: ``create``, ``update``, ``delete``, ``transition``, ``login``,
``login_failed``, ``logout``, ``lockout``, ``export``, ``role_change``, ``password_reset``,
``import``, … ``actor`` is a user or ``None`` (the system). The client address and request id
come from :mod:`anjian.core.middleware`. Call ``record`` inside the service's transaction: the
record commits or rolls back with the change it describes.

**The chain.** Each record stores the previous record's hash and its own, an HMAC-SHA256 (keyed
with ``AUDIT_CHAIN_KEY``, derived from ``SECRET_KEY`` by default) over its canonical JSON. Someone
with write access to the database but not the key cannot forge a record. Appends lock the single
:class:`~anjian.core.models.AuditChainHead` row, which also remembers the last sequence number and
hash (so deleting the newest records is detected) and, after a purge, the anchor: the sequence
number and hash of the last purged record. :func:`verify` (``manage.py audit_verify``) walks the
chain and reports the first altered, inserted or deleted record.

**The safety net.** Services record their own changes. Saves and deletes of any Anjian model made
outside services are caught by ``post_save``/``post_delete`` signals (:func:`_on_save`):

- inside :func:`bulk` (loading reference data, building the demo city), saves are counted by
  model and recorded as one summary;
- outside a transaction (autocommit: a shell, a script), the change is recorded at once;
- inside a transaction, it is remembered and recorded right after commit, unless ``record`` was
  called for the same object in that transaction: a service's own record always wins, so nothing
  is logged twice. (A crash between commit and that write loses the safety-net record; services
  that record in their transaction are the guarantee, the net only catches stragglers.)

A model opts out with ``audit_safety_net = False`` (high-volume technical records: login
attempts, tokens' last use, jobs, notifications). Passwords and secrets never appear in a
snapshot: fields named in ``REDACTED_FIELDS`` or a model's ``audit_redact`` are masked.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from anjian.core.middleware import current_client_address, current_request_id
from anjian.core.models import AuditChainHead, AuditLog

__all__ = [
    "ACTION_LABELS",
    "action_label",
    "bulk",
    "purge",
    "record",
    "register_action_labels",
    "snapshot",
    "verify",
]

REDACTED_FIELDS = frozenset({"password", "totp_secret", "token_hash", "secret"})
REDACTED = "***"
GENESIS = "0" * 64
_HEAD_PK = 1


# --- snapshots ----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The JSON-serialisable field values of ``obj``: FKs as pk, dates ISO, Decimal as str.

    Secrets (passwords, TOTP secrets, token hashes) are masked.
    """
    redact = REDACTED_FIELDS | frozenset(getattr(obj, "audit_redact", ()))
    values: dict[str, Any] = {}
    for model_field in obj._meta.concrete_fields:
        name = model_field.attname if model_field.is_relation else model_field.name
        if model_field.name in redact:
            values[name] = REDACTED
            continue
        values[name] = _jsonable(model_field.value_from_object(obj))
    return values


# --- the chain ----------------------------------------------------------------------------------


def _key() -> bytes:
    key: str = getattr(settings, "AUDIT_CHAIN_KEY", "") or f"anjian-audit:{settings.SECRET_KEY}"
    return key.encode()


def _canonical(row: AuditLog) -> bytes:
    content = {
        "seq": row.seq,
        "at": row.at.astimezone(dt.UTC).isoformat(),
        "actor_id": row.actor_id,
        "actor_name": row.actor_name,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": row.object_id,
        "object_repr": row.object_repr,
        "before": row.before,
        "after": row.after,
        "detail": row.detail,
        "client_address": row.client_address,
        "request_id": row.request_id,
        "prev_hash": row.prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(row: AuditLog) -> str:
    """The HMAC-SHA256 of a record's content, including its predecessor's hash."""
    return hmac.new(_key(), _canonical(row), hashlib.sha256).hexdigest()


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=_HEAD_PK).first()
    if head is None:
        # Another node may create it first; then its row is the one to lock.
        with suppress(IntegrityError), transaction.atomic():
            AuditChainHead.objects.create(pk=_HEAD_PK, last_hash=GENESIS, anchor_hash=GENESIS)
        head = AuditChainHead.objects.select_for_update().get(pk=_HEAD_PK)
    return head


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, ""
    return int(actor.pk), str(actor.get_username())


def _object_fields(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, "" if obj.pk is None else str(obj.pk), str(obj)[:200]


# What each action code reads as in the UI (the log itself keeps the code). Modules add their
# own codes with :func:`register_action_labels` from ``AppConfig.ready``.
ACTION_LABELS: dict[str, Promise] = {
    "create": pgettext_lazy("audit action", "新建"),
    "update": pgettext_lazy("audit action", "修改"),
    "delete": pgettext_lazy("audit action", "删除"),
    "transition": pgettext_lazy("audit action", "状态变更"),
    "login": pgettext_lazy("audit action", "登录"),
    "login_failed": pgettext_lazy("audit action", "登录失败"),
    "logout": pgettext_lazy("audit action", "退出登录"),
    "lockout": pgettext_lazy("audit action", "锁定"),
    "export": pgettext_lazy("audit action", "导出"),
    "import": pgettext_lazy("audit action", "导入"),
    "purge": pgettext_lazy("audit action", "清理过期记录"),
    "role_change": pgettext_lazy("audit action", "角色变更"),
    "password_change": pgettext_lazy("audit action", "修改密码"),
    "password_reset": pgettext_lazy("audit action", "重置密码"),
    "token_create": pgettext_lazy("audit action", "创建接口令牌"),
    "token_revoke": pgettext_lazy("audit action", "撤销接口令牌"),
    "totp_enable": pgettext_lazy("audit action", "启用动态口令"),
    "totp_disable": pgettext_lazy("audit action", "停用动态口令"),
}


def register_action_labels(labels: dict[str, Promise]) -> None:
    """Add (or replace) the UI labels of a module's own action codes."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The translated label of an action code; the code itself when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def record(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
) -> AuditLog:
    """Append one record to the chain, in the caller's transaction."""
    actor_id, actor_name = _actor_fields(actor)
    object_type, object_id, object_repr = _object_fields(obj)
    if obj is not None:
        _mark_covered(object_type, object_id)
    with transaction.atomic():
        head = _locked_head()
        row = AuditLog(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=actor_id,
            actor_name=actor_name,
            action=action[:32],
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            detail=detail,
            client_address=current_client_address()[:64],
            request_id=current_request_id()[:64],
            prev_hash=head.last_hash or GENESIS,
        )
        row.hash = compute_hash(row)
        row.save()
        AuditChainHead.objects.filter(pk=_HEAD_PK).update(last_seq=row.seq, last_hash=row.hash)
    return row


# --- verification and retention -----------------------------------------------------------------


@dataclass
class Finding:
    """The first break in the chain: which record and what happened to it."""

    seq: int
    problem: str  # "altered", "inserted", "deleted"
    message: str


@dataclass
class Verification:
    checked: int = 0
    finding: Finding | None = None
    anchor_seq: int = 0
    last_seq: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.finding is None


def verify(batch_size: int = 2000) -> Verification:
    """Walk the chain from the anchor and report the first altered, inserted or deleted record."""
    head = AuditChainHead.objects.filter(pk=_HEAD_PK).first()
    anchor_seq = head.anchor_seq if head else 0
    expected_prev = (head.anchor_hash if head else "") or GENESIS
    last_seq = head.last_seq if head else 0
    result = Verification(anchor_seq=anchor_seq, last_seq=last_seq)
    expected_seq = anchor_seq + 1
    rows = AuditLog.objects.order_by("seq", "pk").iterator(chunk_size=batch_size)
    for row in rows:
        result.checked += 1
        if row.seq < expected_seq or row.seq > last_seq:
            result.finding = Finding(row.seq, "inserted", f"record #{row.seq} is not in the chain")
            return result
        if row.seq > expected_seq:
            result.finding = Finding(
                expected_seq,
                "deleted",
                f"records #{expected_seq}..#{row.seq - 1} are missing",
            )
            return result
        if compute_hash(row) != row.hash:
            result.finding = Finding(row.seq, "altered", f"record #{row.seq} was altered")
            return result
        if row.prev_hash != expected_prev:
            result.finding = Finding(
                row.seq, "inserted", f"record #{row.seq} does not follow record #{row.seq - 1}"
            )
            return result
        expected_prev = row.hash
        expected_seq = row.seq + 1
    if expected_seq <= last_seq:
        result.finding = Finding(
            expected_seq, "deleted", f"records #{expected_seq}..#{last_seq} are missing"
        )
    elif head is not None and last_seq and head.last_hash != expected_prev:
        result.finding = Finding(last_seq, "altered", "the chain head does not match the log")
    if result.ok and anchor_seq:
        purges = AuditLog.objects.filter(action="purge").order_by("-seq")
        latest = purges.values_list("after", flat=True).first()
        if not latest or latest.get("anchor_seq") != anchor_seq:
            result.finding = Finding(anchor_seq, "deleted", "the purge anchor is not recorded")
    return result


def purge(*, actor: Any = None, now: dt.datetime | None = None) -> int:
    """Delete records older than ``AUDIT_RETENTION_DAYS`` (≥ 180), keeping the chain verifiable.

    Only a prefix of the chain goes; the head keeps the last purged record's sequence number and
    hash as the anchor, and the purge itself is recorded (with the anchor) in the chain.
    """
    days = int(settings.AUDIT_RETENTION_DAYS)
    if days < 180:
        raise ValueError("AUDIT_RETENTION_DAYS must be at least 180")
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        head = _locked_head()
        last_old = (
            AuditLog.objects.filter(at__lt=cutoff, seq__gt=head.anchor_seq)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        if last_old is None:
            return 0
        anchor_seq, anchor_hash = last_old
        # The one sanctioned deletion: a raw delete bypasses the append-only queryset.
        doomed = AuditLog._base_manager.filter(seq__lte=anchor_seq)
        count = doomed._raw_delete(doomed.db)
        AuditChainHead.objects.filter(pk=_HEAD_PK).update(
            anchor_seq=anchor_seq, anchor_hash=anchor_hash
        )
        record(
            "purge",
            actor=actor,
            after={"anchor_seq": anchor_seq, "anchor_hash": anchor_hash, "deleted": count},
            detail=f"retention {days} days",
        )
    return int(count)


# --- the safety net -----------------------------------------------------------------------------

_PENDING_ATTR = "_anjian_audit_pending"
_bulk: ContextVar[Counter[str] | None] = ContextVar("anjian_audit_bulk", default=None)


@contextmanager
def bulk(action: str, *, actor: Any, detail: str = "") -> Iterator[Counter[str]]:
    """One summary record for a bulk operation (reference data, the demo city, an import).

    Inside the block the safety net counts saves and deletes by model instead of recording each
    one; the summary (``{"orgs.grid.create": 84, …}``) is recorded in the same transaction.
    Records that services write explicitly inside the block are kept as they are.
    """
    counts: Counter[str] = Counter()
    token = _bulk.set(counts)
    try:
        with transaction.atomic():
            yield counts
            record(action, actor=actor, after=dict(counts), detail=detail)
    finally:
        _bulk.reset(token)


@dataclass
class _Pending:
    changes: dict[tuple[str, str], tuple[str, models.Model, dict[str, Any]]] = field(
        default_factory=dict
    )
    covered: set[tuple[str, str]] = field(default_factory=set)

    def flush(self) -> None:
        entries = [v for k, v in self.changes.items() if k not in self.covered]
        connection = connections[DEFAULT_DB_ALIAS]
        if getattr(connection, _PENDING_ATTR, None) is self:
            setattr(connection, _PENDING_ATTR, None)
        if not entries:
            return
        with transaction.atomic():
            for action, obj, values in entries:
                _record_net(action, obj, values)


def _current_pending(create: bool) -> _Pending | None:
    connection = connections[DEFAULT_DB_ALIAS]
    if not connection.in_atomic_block:
        return None
    pending: _Pending | None = getattr(connection, _PENDING_ATTR, None)
    registered = pending is not None and any(
        entry[1] == pending.flush for entry in connection.run_on_commit
    )
    if not registered:
        pending = None
        setattr(connection, _PENDING_ATTR, None)
    if pending is None and create:
        pending = _Pending()
        setattr(connection, _PENDING_ATTR, pending)
        transaction.on_commit(pending.flush)
    return pending


def _mark_covered(object_type: str, object_id: str) -> None:
    pending = _current_pending(create=True)
    if pending is not None:
        pending.covered.add((object_type, object_id))


def _record_net(action: str, obj: models.Model, values: dict[str, Any]) -> None:
    before = values if action == "delete" else None
    after = None if action == "delete" else values
    record(action, actor=None, obj=obj, before=before, after=after, detail="safety net")


def _watched(sender: type[models.Model]) -> bool:
    return (
        sender._meta.app_config is not None
        and sender._meta.app_config.name.startswith("anjian.")
        and getattr(sender, "audit_safety_net", True)
        and sender not in (AuditLog, AuditChainHead)
    )


def _on_change(action: str, instance: models.Model) -> None:
    counts = _bulk.get()
    if counts is not None:
        counts[f"{instance._meta.label_lower}.{action}"] += 1
        return
    object_type, object_id, _repr = _object_fields(instance)
    values = snapshot(instance)
    pending = _current_pending(create=True)
    if pending is None:
        _record_net(action, instance, values)
        return
    if (object_type, object_id) in pending.covered:
        return
    previous = pending.changes.get((object_type, object_id))
    if previous is not None and previous[0] == "create" and action == "update":
        action = "create"
    pending.changes[(object_type, object_id)] = (action, instance, values)


def _on_save(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if kwargs.get("raw") or not _watched(sender):
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # the login itself is recorded as "login"
    _on_change("create" if created else "update", instance)


def _on_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if _watched(sender):
        _on_change("delete", instance)


def connect_safety_net() -> None:
    """Connect the signal handlers (called from ``CoreConfig.ready``)."""
    models.signals.post_save.connect(_on_save, dispatch_uid="anjian.audit.save")
    models.signals.post_delete.connect(_on_delete, dispatch_uid="anjian.audit.delete")
