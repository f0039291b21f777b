"""The deadline engine: due times, reminders before them, escalations after them.

A model declares its time limits next to itself::

    class Danger(models.Model):
        deadlines = DeadlinePolicies(
            DeadlinePolicy("rectify", _("整改期限"), steps=[
                Step("remind-1d", -timedelta(days=1), _("整改期限明天到期"), to_enterprise),
                Step("escalate-town", timedelta(0), _("整改逾期"), to_town),
                Step("escalate-city", timedelta(days=3), _("整改逾期三天"), to_city_office),
            ]),
        )

``recipients(obj)`` returns the users to notify. Each step's offset can be changed per
deployment in ``DEADLINE_OFFSETS`` (``{"dangers.danger:rectify:escalate-city": 4320}``, minutes
after the due time; negative before).

The services set a due time (:func:`set_deadline`), extend it (:func:`extend_deadline`, from a
workflow action such as "approve extension": the old row is closed, a new one replaces it, so a
due time is never edited) and close it (:func:`close_deadline`). :func:`run_due`, run every
minute by Celery beat, finds the steps due with one query per step and sends each exactly once:
the (deadline, step) :class:`~anjian.core.lifecycle_models.DeadlineNotice` row is the claim, and
the unique constraint makes a second worker, or the same one after a restart, find it taken.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import Promise

from anjian.core import audit
from anjian.core.lifecycle_models import Deadline, DeadlineNotice
from anjian.core.owners import register_owner
from anjian.core.services import notify

__all__ = [
    "DeadlinePolicies",
    "DeadlinePolicy",
    "Step",
    "close_deadline",
    "counts",
    "current_deadline",
    "extend_deadline",
    "policy_for",
    "run_due",
    "set_deadline",
]

logger = logging.getLogger("anjian.deadlines")


@dataclass(frozen=True)
class Step:
    """A reminder (negative offset: before the due time) or an escalation (after it)."""

    name: str
    offset: timedelta
    title: str | Promise
    recipients: Callable[[Any], Iterable[Any]]


@dataclass(frozen=True)
class DeadlinePolicy:
    """The time limit ``kind`` of a model and the steps that follow it."""

    kind: str
    label: str | Promise
    steps: Sequence[Step]
    # A window (a period in which something may still be done, such as a supplementary
    # report) rather than a task: nobody meets it, so :func:`run_due` closes it as met once
    # its due time has passed (after sending its steps due by then); it is never overdue.
    window: bool = False


_policies: dict[tuple[str, str], tuple[type[models.Model], DeadlinePolicy]] = {}


class DeadlinePolicies:
    """Put on a model as ``deadlines = DeadlinePolicies(policy, …)`` to declare its time limits."""

    def __init__(self, *policies: DeadlinePolicy) -> None:
        self.policies = {policy.kind: policy for policy in policies}

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        setattr(cls, name, self)
        if cls._meta.abstract:
            return
        register_owner(cls)
        for policy in self.policies.values():
            _policies[(cls._meta.label_lower, policy.kind)] = (cls, policy)


def policy_for(model: type[models.Model], kind: str) -> DeadlinePolicy:
    """The policy ``kind`` declared on ``model`` (KeyError if none)."""
    return _policies[(model._meta.label_lower, kind)][1]


def offset_of(model: type[models.Model], kind: str, step: Step) -> timedelta:
    """The step's offset, as configured in ``DEADLINE_OFFSETS`` or as declared."""
    key = f"{model._meta.label_lower}:{kind}:{step.name}"
    minutes = getattr(settings, "DEADLINE_OFFSETS", {}).get(key)
    return step.offset if minutes is None else timedelta(minutes=int(minutes))


def _content_type(obj_or_model: Any) -> ContentType:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return ContentType.objects.get_for_model(model)


def current_deadline(obj: models.Model, kind: str) -> Deadline | None:
    """The open deadline ``kind`` of ``obj``, if any."""
    return Deadline.objects.of(obj).open().filter(kind=kind).first()


@transaction.atomic
def set_deadline(obj: models.Model, kind: str, due_at: datetime, *, actor: Any) -> Deadline:
    """Give ``obj`` its time limit ``kind`` (one open at a time; change it by extending)."""
    policy_for(type(obj), kind)  # a kind the model declares, or KeyError
    if current_deadline(obj, kind) is not None:
        raise ValueError(f"{kind} already set: extend it instead")
    deadline = Deadline.objects.create(
        content_type=_content_type(obj),
        object_id=obj.pk,
        kind=kind,
        due_at=due_at,
        created_by=actor,
    )
    audit.record("deadline_set", actor=actor, obj=obj, after={"kind": kind, "due_at": due_at})
    return deadline


@transaction.atomic
def extend_deadline(obj: models.Model, kind: str, due_at: datetime, *, actor: Any) -> Deadline:
    """Replace the open deadline ``kind`` by a later one; the old row is kept, closed.

    Called from the effect of a workflow action (an approved extension request), so the request,
    its approval and the new due time are one transition record.
    """
    old = Deadline.objects.of(obj).open().select_for_update().filter(kind=kind).first()
    if old is None:
        raise ValueError(f"no open {kind} to extend")
    if due_at <= old.due_at:
        raise ValueError("an extension must move the due time later")
    Deadline.objects.filter(pk=old.pk).update(
        closed_at=timezone.now(), closed_reason=Deadline.Closed.EXTENDED
    )
    deadline = Deadline.objects.create(
        content_type_id=old.content_type_id,
        object_id=old.object_id,
        kind=kind,
        due_at=due_at,
        replaces=old,
        created_by=actor,
    )
    audit.record(
        "deadline_extended",
        actor=actor,
        obj=obj,
        before={"kind": kind, "due_at": old.due_at},
        after={"kind": kind, "due_at": due_at},
    )
    return deadline


@transaction.atomic
def close_deadline(
    obj: models.Model, kind: str, *, actor: Any, reason: str = Deadline.Closed.MET
) -> bool:
    """End the open deadline ``kind`` (met or cancelled): no more reminders or escalations."""
    closed = (
        Deadline.objects.of(obj)
        .open()
        .filter(kind=kind)
        .update(closed_at=timezone.now(), closed_reason=reason)
    )
    if closed:
        audit.record(
            "deadline_closed", actor=actor, obj=obj, after={"kind": kind, "reason": reason}
        )
    return bool(closed)


def _claim_and_send(deadline: Deadline, obj: Any, step: Step, now: datetime) -> bool:
    try:
        with transaction.atomic():
            notice = DeadlineNotice.objects.create(deadline=deadline, step=step.name, sent_at=now)
            recipients = list(step.recipients(obj))
            link = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
            for user in recipients:
                notify(
                    user,
                    f"{step.title}：{obj}",
                    body=f"{deadline.due_at:%Y-%m-%d %H:%M}",
                    link=link,
                )
            DeadlineNotice.objects.filter(pk=notice.pk).update(recipients=len(recipients))
    except IntegrityError:
        return False  # another worker (or an earlier run) claimed it
    return True


def run_due(now: datetime | None = None) -> int:
    """Send every reminder and escalation that is due and not yet sent; returns how many.

    One query per declared step finds its due deadlines (``due_at + offset ≤ now``, not yet
    claimed); a reminder whose deadline has already passed is skipped (the escalations say it).
    A window whose due time has passed is closed (see :attr:`DeadlinePolicy.window`).
    """
    now = now or timezone.now()
    sent = 0
    for (_label, kind), (model, policy) in sorted(_policies.items(), key=lambda item: item[0]):
        content_type = ContentType.objects.get_for_model(model)
        for step in policy.steps:
            offset = offset_of(model, kind, step)
            due = (
                Deadline.objects.open()
                .filter(content_type=content_type, kind=kind, due_at__lte=now - offset)
                .exclude(
                    Exists(DeadlineNotice.objects.filter(deadline=OuterRef("pk"), step=step.name))
                )
            )
            if offset < timedelta(0):
                due = due.filter(due_at__gt=now)
            deadlines = list(due)
            if not deadlines:
                continue
            objects = model._base_manager.in_bulk([d.object_id for d in deadlines])
            for deadline in deadlines:
                obj = objects.get(deadline.object_id)
                if obj is not None and _claim_and_send(deadline, obj, step, now):
                    sent += 1
        if policy.window:
            Deadline.objects.open().filter(
                content_type=content_type, kind=kind, due_at__lte=now
            ).update(closed_at=now, closed_reason=Deadline.Closed.MET)
    if sent:
        logger.info("deadline notices sent", extra={"count": sent})
    return sent


def counts(
    user: Any,
    *,
    model: type[models.Model] | None = None,
    kind: str = "",
    now: datetime | None = None,
    soon: timedelta = timedelta(days=3),
) -> dict[str, int]:
    """Open deadlines the user may see: ``{"overdue": n, "due_soon": m}`` in one query."""
    now = now or timezone.now()
    rows = Deadline.objects.visible_to(user).open()
    if model is not None:
        rows = rows.filter(content_type=_content_type(model))
    if kind:
        rows = rows.filter(kind=kind)
    return rows.aggregate(
        overdue=Count("pk", filter=Q(due_at__lte=now)),
        due_soon=Count("pk", filter=Q(due_at__gt=now, due_at__lte=now + soon)),
    )
