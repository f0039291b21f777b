"""Declared workflows: states and transitions next to the model, one service to apply them.

See :mod:`anjian.core.workflow.declaration` for how a lifecycle is declared and
:mod:`anjian.core.workflow.service` for applying it; ``docs/platform.md`` has a worked example.
"""

from anjian.core.workflow.declaration import (
    Action,
    ProtectedStateError,
    Rule,
    StateField,
    Workflow,
    WorkflowQuerySet,
    anyone,
    registered_workflows,
    workflow_of,
)
from anjian.core.workflow.service import (
    AwaitingItem,
    TransitionRefused,
    allowed_actions,
    allowed_actions_for_rows,
    apply_transition,
    awaiting,
    awaiting_count,
    history,
)

__all__ = [
    "Action",
    "AwaitingItem",
    "ProtectedStateError",
    "Rule",
    "StateField",
    "TransitionRefused",
    "Workflow",
    "WorkflowQuerySet",
    "allowed_actions",
    "allowed_actions_for_rows",
    "anyone",
    "apply_transition",
    "awaiting",
    "awaiting_count",
    "history",
    "registered_workflows",
    "workflow_of",
]
