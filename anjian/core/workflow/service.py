"""Applying a transition, and asking which ones a user may take (one set-based query each)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import BooleanField, Exists, OuterRef, Q, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anjian.core import audit
from anjian.core.lifecycle_models import Attachment, Transition
from anjian.core.scoping import NOTHING, grants_of
from anjian.core.workflow.declaration import Action, Workflow, registered_workflows, unlocked
from anjian.core.workflow.declaration import workflow_of as _workflow_of

__all__ = [
    "AwaitingItem",
    "TransitionRefused",
    "allowed_actions",
    "allowed_actions_for_rows",
    "apply_transition",
    "awaiting",
    "awaiting_count",
    "history",
]

REASONS: dict[str, Promise] = {
    "unknown_action": _("没有这个操作"),
    "wrong_state": _("当前状态下不能执行此操作"),
    "not_permitted": _("您无权对此对象执行此操作"),
    "comment_required": _("此操作需要填写意见"),
    "attachment_required": _("此操作需要上传附件"),
    "field_required": _("此操作缺少必填内容"),
    "invalid": _("提交的内容无效"),
}


class TransitionRefused(Exception):
    """A transition that may not be taken now; ``allowed`` lists the actions that may.

    ``code`` is one of :data:`REASONS`; ``message`` is shown to the user in their language
    (the API answers 409 ``{"detail", "code", "allowed"}``).
    """

    def __init__(
        self, code: str, message: str | Promise = "", *, allowed: Sequence[str] = ()
    ) -> None:
        self.code = code
        self.message = message or REASONS.get(code, REASONS["invalid"])
        self.allowed = list(allowed)
        super().__init__(str(self.message))


def _workflow(obj: models.Model) -> Workflow:
    workflow = _workflow_of(obj)
    if workflow is None:
        raise TypeError(f"{type(obj).__name__} declares no workflow")
    return workflow


def _rule_expression(model: type[models.Model], rule_q: Q) -> Any:
    """The rule as a boolean column of the row (an EXISTS, so joins never duplicate rows)."""
    if rule_q == Q():
        return Value(True, output_field=BooleanField())
    return Exists(model._base_manager.filter(rule_q, pk=OuterRef("pk")))


def allowed_actions_for_rows(rows: Iterable[models.Model], user: Any) -> dict[Any, list[str]]:
    """For a page of rows of one workflow model: ``{pk: [action names the user may take]}``.

    One query for the whole page, whatever its size: each action's rule becomes a column.
    Rows the user may not see get no actions.
    """
    rows = list(rows)
    if not rows:
        return {}
    workflow = _workflow(rows[0])
    model = workflow.model
    result: dict[Any, list[str]] = {row.pk: [] for row in rows}
    if user is None or not user.is_authenticated:
        return result
    grants = grants_of(user)
    columns: dict[str, Any] = {}
    for action in workflow.actions.values():
        rule_q = action.allowed(grants)
        if rule_q != NOTHING:
            columns[f"can_{action.name}"] = _rule_expression(model, rule_q)
    if not columns:
        return result
    queryset = model._default_manager.visible_to(user).filter(pk__in=list(result))  # type: ignore[attr-defined]
    for values in queryset.annotate(**columns).values("pk", workflow.field, *columns):
        state = values[workflow.field]
        result[values["pk"]] = [
            action.name
            for action in workflow.actions_from(state)
            if values.get(f"can_{action.name}")
        ]
    return result


def allowed_actions(obj: models.Model, user: Any) -> list[str]:
    """The actions ``user`` may take on ``obj`` in its current (saved) state."""
    return allowed_actions_for_rows([obj], user)[obj.pk]


# A transition's comment (an opinion, a reason for cancelling, refusing or lifting) is shown whole
# on its object's page and in its records (a closing-out record, a PDF): bounded for every workflow.
COMMENT_LIMIT = 2000


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


def _check_requirements(
    action: Action, comment: str, attachments: Sequence[Any], data: dict[str, Any]
) -> None:
    # PostgreSQL stores no NUL in text or jsonb: refused here for every workflow, before the
    # record is written, so no action's own checks can come too late.
    if _holds_nul(comment) or _holds_nul(data):
        raise TransitionRefused("invalid", _("内容不能包含空字符"))
    if len(comment) > COMMENT_LIMIT:
        raise TransitionRefused("invalid", _("意见不能超过%(n)s字") % {"n": COMMENT_LIMIT})
    if action.comment_required and not comment.strip():
        raise TransitionRefused("comment_required")
    if action.attachment_required and not attachments:
        raise TransitionRefused("attachment_required")
    missing = [name for name in action.fields if data.get(name) in (None, "", [])]
    if missing:
        raise TransitionRefused(
            "field_required",
            _("此操作缺少必填内容：%(fields)s") % {"fields": "、".join(missing)},
        )


def _link_attachments(
    obj: models.Model, record: Transition, attachments: Sequence[Any], actor: Any
) -> None:
    from anjian.core.attachments import store

    for item in attachments:
        if isinstance(item, Attachment):
            # One uploaded earlier (through the attachments API) to this object, by this user.
            linked = (
                Attachment.objects.of(obj)
                .filter(pk=item.pk, transition__isnull=True, uploaded_by=actor)
                .update(transition=record)
            )
            if not linked:
                raise TransitionRefused("invalid", _("附件不属于此对象或已被使用"))
        else:
            store(obj, item, actor=actor, transition=record)


@transaction.atomic
def apply_transition(
    obj: models.Model,
    action: str,
    *,
    actor: Any,
    comment: str = "",
    attachments: Sequence[Any] = (),
    data: dict[str, Any] | None = None,
) -> Transition:
    """Take ``action`` on ``obj`` as ``actor``: the one way a workflow object changes state.

    Locks the row (``SELECT … FOR UPDATE``; SQLite's IMMEDIATE transactions serialise writers),
    checks the action against the locked row's state, the actor's grants and the action's
    requirements, changes the state, writes the :class:`Transition` record with its comment,
    attachments (uploaded files, or attachments of this object uploaded earlier by the actor)
    and data, runs the action's effect and writes the audit record, all in one transaction.
    Raises :class:`TransitionRefused` (and changes nothing) when the action may not be taken;
    of two users acting at once, the second finds the state already changed and is refused.
    """
    workflow = _workflow(obj)
    data = dict(data or {})
    model = workflow.model
    locked = model._base_manager.select_for_update().get(pk=obj.pk)
    source = workflow.state_of(locked)
    chosen = workflow.actions.get(action)
    allowed = allowed_actions(locked, actor)
    if chosen is None:
        raise TransitionRefused("unknown_action", allowed=allowed)
    if source not in chosen.source:
        raise TransitionRefused("wrong_state", allowed=allowed)
    if action not in allowed:
        raise TransitionRefused("not_permitted", allowed=allowed)
    try:
        _check_requirements(chosen, comment, attachments, data)
    except TransitionRefused as refused:
        refused.allowed = allowed
        raise
    with unlocked(locked):
        setattr(locked, workflow.field, chosen.target)
    locked.save(update_fields=[workflow.field])
    record = Transition.objects.create(
        content_type_id=_content_type_id(model),
        object_id=locked.pk,
        workflow=workflow.name,
        action=action,
        source=source,
        target=chosen.target,
        actor=actor,
        at=timezone.now(),
        comment=comment,
        data=data,
    )
    _link_attachments(locked, record, attachments, actor)
    if chosen.effect is not None:
        chosen.effect(locked, record, actor=actor, data=data)
    audit.record(
        "transition",
        actor=actor,
        obj=locked,
        before={workflow.field: source},
        after={workflow.field: chosen.target, "data": record.data},
        detail=action,
    )
    with unlocked(obj):
        setattr(obj, workflow.field, chosen.target)
    return record


def _content_type_id(model: type[models.Model]) -> int:
    from django.contrib.contenttypes.models import ContentType

    return int(ContentType.objects.get_for_model(model).pk)


def history(obj: models.Model) -> list[Transition]:
    """The object's transitions, oldest first, with actor and attachments (two queries)."""
    return list(Transition.objects.of(obj).select_related("actor").prefetch_related("attachments"))


@dataclass(frozen=True)
class AwaitingItem:
    """An object waiting for the user's action: which workflow, which row, in which state."""

    workflow: Workflow
    object_id: int
    state: str

    @property
    def state_label(self) -> str:
        return self.workflow.label_of(self.state)


def _awaiting_querysets(user: Any) -> list[Any]:
    grants = grants_of(user)
    querysets = []
    for workflow in registered_workflows():
        condition = Q(pk__in=[])
        for action in workflow.actions.values():
            rule_q = action.allowed(grants)
            if not action.awaits or rule_q == NOTHING:
                continue
            condition |= Q(**{f"{workflow.field}__in": list(action.source)}) & rule_q
        if condition == NOTHING:
            continue
        model = workflow.model
        rows = model._base_manager.filter(condition).values("pk")
        querysets.append(
            model._default_manager.visible_to(user)  # type: ignore[attr-defined]
            .filter(pk__in=rows)
            .annotate(workflow_name=Value(workflow.name))
            .values_list("workflow_name", "pk", workflow.field)
            .order_by()  # a model's default ordering is not allowed inside a UNION
        )
    return querysets


def awaiting(user: Any, *, limit: int = 50) -> list[AwaitingItem]:
    """Objects of every declared workflow in a state where the user may take an action that
    awaits them (the same rules as :func:`apply_transition`), as one UNION query."""
    if user is None or not user.is_authenticated:
        return []
    querysets = _awaiting_querysets(user)
    if not querysets:
        return []
    union = querysets[0].union(*querysets[1:], all=True) if len(querysets) > 1 else querysets[0]
    workflows = {w.name: w for w in registered_workflows()}
    return [AwaitingItem(workflows[name], pk, state) for name, pk, state in union[:limit]]


def awaiting_count(user: Any) -> int:
    """How many objects await the user's action, across every declared workflow."""
    if user is None or not user.is_authenticated:
        return 0
    querysets = _awaiting_querysets(user)
    if not querysets:
        return 0
    if len(querysets) == 1:
        return int(querysets[0].count())
    return int(querysets[0].union(*querysets[1:], all=True).count())
