"""The deterministic demo city: each module contributes its part from its own ``demo.py``.

A module's ``demo.py`` defines ``build(context: DemoContext) -> str`` returning a one-line
summary; modules run in ``INSTALLED_APPS`` order, so later modules can use earlier ones' data.
Every builder is idempotent (natural keys, get-or-create), so a second run adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from anjian.core.discovery import app_modules


@dataclass
class DemoContext:
    seed: int
    options: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[Iterable[Any], str], Iterable[Any]] = lambda items, _label: items

    def rng(self, module: str) -> random.Random:
        """A random generator of its own for each module, so modules do not shift each other."""
        return random.Random(f"{self.seed}:{module}")


def demo_builders() -> list[tuple[str, Callable[[DemoContext], str]]]:
    """The ``build`` functions of every Anjian app that has a ``demo`` module, in app order."""
    return [
        (apps.get_containing_app_config(module.__name__).label, module.build)  # type: ignore[union-attr]
        for module in app_modules("demo")
    ]


def build_demo(context: DemoContext) -> list[str]:
    """Build the whole demo city in one transaction; returns each module's summary."""
    from anjian.core import audit

    with transaction.atomic(), audit.bulk("import", actor=None, detail="demo city"):
        return [f"{label}: {build(context)}" for label, build in demo_builders()]
