"""How a lifecycle is declared: its states, its actions, and the field that holds the state.

A module declares its workflow next to its model::

    class Danger(models.Model):
        state = StateField(DangerState.choices, default=DangerState.REPORTED)
        workflow = Workflow(
            states=DangerState,
            actions=[
                Action("assess", _("评估"), source=[DangerState.REPORTED],
                       target=DangerState.ASSESSED, allowed=lambda g: Q(town_id__in=g.town_ids)),
                ...
            ],
        )
        objects = DangerQuerySet.as_manager()   # a WorkflowQuerySet

An action's ``allowed`` rule is a function of the user's grants returning a ``Q`` over the
model's rows ("the object's town": ``Q(town_id__in=g.town_ids)``), so one rule serves the check
on one object, the allowed actions of a page of rows and the "awaiting my action" query alike,
each as one set-based query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.db import models
from django.db.models import Q
from django.db.models.query_utils import DeferredAttribute
from django.utils.functional import Promise

from anjian.core.owners import register_owner
from anjian.core.scoping import ScopedQuerySet

__all__ = [
    "Action",
    "ProtectedStateError",
    "Rule",
    "StateField",
    "Workflow",
    "WorkflowQuerySet",
    "anyone",
    "registered_workflows",
    "workflow_of",
]

Rule = Callable[[Any], Q]
Effect = Callable[..., None]


def anyone(grants: Any) -> Q:
    """Whoever may see the object (the rule is combined with ``visible_to`` anyway)."""
    return Q()


class ProtectedStateError(PermissionError):
    """The state field was written outside :func:`anjian.core.workflow.apply_transition`."""


# Instances (by id) whose state the workflow service is writing right now.
_unlocked: ContextVar[frozenset[int]] = ContextVar("anjian_state_unlocked", default=frozenset())


@contextmanager
def unlocked(instance: models.Model) -> Iterator[None]:
    """Let the state field of ``instance`` be assigned inside the block (the service's own use)."""
    token = _unlocked.set(_unlocked.get() | {id(instance)})
    try:
        yield
    finally:
        _unlocked.reset(token)


class _StateDescriptor(DeferredAttribute):
    """Refuses assignment of a new state once the instance has one (loading sets the first)."""

    def __set__(self, instance: models.Model, value: Any) -> None:
        attname = self.field.attname
        current = instance.__dict__.get(attname, _MISSING)
        if current is _MISSING or current == value or id(instance) in _unlocked.get():
            instance.__dict__[attname] = value
            return
        raise ProtectedStateError(
            f"{type(instance).__name__}.{attname} changes only through apply_transition()"
        )


_MISSING = object()


class StateField(models.CharField):
    """The state of a workflow object: assigned only by the workflow service.

    A new object starts in the field's default (the workflow's initial state); afterwards an
    assignment of another value raises :class:`ProtectedStateError`, as does saving a new object
    in another state or updating the column through the queryset (:class:`WorkflowQuerySet`).
    """

    descriptor_class = _StateDescriptor

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        if cls._meta.abstract:
            return
        original = cls.refresh_from_db

        def refresh_from_db(instance: models.Model, *args: Any, **kwargs: Any) -> None:
            # Reloading from the database is not a state change of ours to refuse.
            with unlocked(instance):
                original(instance, *args, **kwargs)

        cls.refresh_from_db = refresh_from_db  # type: ignore[method-assign, assignment]
        models.signals.pre_save.connect(self._guard_new, sender=cls, weak=False)

    def _guard_new(self, sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        # A pre_save receiver rather than Field.pre_save: it runs before the save opens its
        # atomic block, so the refusal leaves the caller's transaction usable.
        if kwargs.get("raw") or not instance._state.adding:
            return
        value = getattr(instance, self.attname)
        if value != self.get_default() and id(instance) not in _unlocked.get():
            raise ProtectedStateError(
                f"a new {sender.__name__} starts in {str(self.get_default())!r}, not {value!r}"
            )


class WorkflowQuerySet(ScopedQuerySet[Any]):
    """A scoped queryset that refuses to write the state column behind the workflow's back."""

    def update(self, **kwargs: Any) -> int:
        workflow = workflow_of(self.model)
        if workflow is not None and workflow.field in kwargs:
            raise ProtectedStateError(
                f"{self.model.__name__}.{workflow.field} changes only through apply_transition()"
            )
        return super().update(**kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        fields = list(fields)
        workflow = workflow_of(self.model)
        if workflow is not None and workflow.field in fields:
            raise ProtectedStateError(
                f"{self.model.__name__}.{workflow.field} changes only through apply_transition()"
            )
        return super().bulk_update(objs, fields, batch_size=batch_size)


@dataclass(frozen=True)
class Action:
    """One transition: leaves one of ``source`` for ``target``, taken by whom ``allowed`` says.

    ``comment_required`` / ``attachment_required`` / ``fields`` (keys that ``data`` must carry)
    are checked before anything changes. ``effect(obj, record, *, actor, data)`` runs after the
    state changed, in the same transaction (set a deadline, notify someone, …); raising
    :class:`~anjian.core.workflow.TransitionRefused` from it refuses the whole transition.
    ``awaits``: whether a user who may take it has the object "awaiting my action" (an
    occasional power, such as the city office cancelling anything, does not).
    """

    name: str
    label: str | Promise
    source: Sequence[str]
    target: str
    allowed: Rule
    comment_required: bool = False
    attachment_required: bool = False
    fields: Sequence[str] = ()
    effect: Effect | None = None
    awaits: bool = True


_registry: dict[str, Workflow] = {}


class Workflow:
    """The declared lifecycle of one model; put it on the model as a class attribute."""

    def __init__(
        self,
        *,
        states: type[models.TextChoices],
        actions: Sequence[Action],
        field: str = "state",
        title: str | Promise = "",
    ) -> None:
        self.states = states
        self.actions: dict[str, Action] = {}
        for action in actions:
            if action.name in self.actions:
                raise ValueError(f"action {action.name!r} declared twice")
            unknown = {*action.source, action.target} - set(states.values)
            if unknown:
                raise ValueError(f"action {action.name!r} names unknown states {sorted(unknown)}")
            self.actions[action.name] = action
        self.field = field
        self.title = title
        self.model: type[models.Model] = models.Model
        self.name = ""

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        self.model = cls
        self.name = cls._meta.label_lower
        setattr(cls, name, self)
        if not cls._meta.abstract:
            _registry[self.name] = self
            register_owner(cls)

    def state_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.field))

    def label_of(self, state: str) -> str:
        return str(dict(self.states.choices).get(state, state))

    def actions_from(self, state: str) -> list[Action]:
        """The actions declared to leave ``state``, in declaration order."""
        return [a for a in self.actions.values() if state in a.source]

    def __repr__(self) -> str:
        return f"<Workflow {self.name}>"


def workflow_of(model: type[models.Model] | models.Model) -> Workflow | None:
    """The workflow declared on ``model`` (a class or an instance), else None."""
    cls = model if isinstance(model, type) else type(model)
    return _registry.get(cls._meta.label_lower)


def workflow_by_name(name: str) -> Workflow | None:
    """The workflow of the model labelled ``name`` (``app_label.model``), else None."""
    return _registry.get(name)


def registered_workflows() -> list[Workflow]:
    """Every declared workflow of the installed apps, by model label."""
    return [_registry[name] for name in sorted(_registry)]


@checks.register()
def check_workflows(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Each workflow's state field is a StateField and its manager a WorkflowQuerySet."""
    problems: list[checks.CheckMessage] = []
    for workflow in registered_workflows():
        model = workflow.model
        try:
            field = model._meta.get_field(workflow.field)
        except Exception:
            field = None
        if not isinstance(field, StateField):
            problems.append(
                checks.Error(f"{workflow.name}.{workflow.field} must be a StateField", obj=model)
            )
        queryset = model._default_manager.get_queryset()
        if not isinstance(queryset, WorkflowQuerySet):
            problems.append(
                checks.Error(f"{workflow.name}'s manager must be a WorkflowQuerySet", obj=model)
            )
    return problems
