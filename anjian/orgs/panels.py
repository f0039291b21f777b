"""The grid page's panels: the apps above the organisation add theirs with
:func:`register_grid_panel` (the accounts app its inspectors, the registry its enterprises),
so the organisation shows a grid's staff and enterprises without importing either (layers run
one way)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

__all__ = ["GRID_PANELS", "GridPanel", "panels_for", "register_grid_panel"]


@dataclass(frozen=True)
class GridPanel:
    key: str
    title: str | Promise
    template: str
    order: int
    context: Callable[[Any, Any], dict[str, Any]]  # (grid, user) -> the template's context


GRID_PANELS: dict[str, GridPanel] = {}


def register_grid_panel(panel: GridPanel) -> None:
    """Add (or replace, by key) a panel of the grid page."""
    GRID_PANELS[panel.key] = panel


def panels_for(grid: Any, user: Any) -> list[dict[str, Any]]:
    """The grid page's panels in order, each with its template and context (``ctx``)."""
    return [
        {"key": p.key, "title": p.title, "template": p.template, "ctx": p.context(grid, user)}
        for p in sorted(GRID_PANELS.values(), key=lambda p: (p.order, p.key))
    ]
