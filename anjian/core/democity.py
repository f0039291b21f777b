"""The deterministic demo city: each module contributes its part from its own ``demo.py``.

A module's ``demo.py`` defines ``build(context: DemoContext) -> str`` returning a one-line
summary; modules run in ``INSTALLED_APPS`` order, so later modules can use earlier ones' data.
Every builder is idempotent (natural keys, get-or-create), so a second run adds nothing.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction


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
    builders = []
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        builders.append((config.label, module.build))
    return builders


def build_demo(context: DemoContext) -> list[str]:
    """Build the whole demo city in one transaction; returns each module's summary."""
    from anjian.core import audit

    with transaction.atomic(), audit.bulk("import", actor=None, detail="demo city"):
        return [f"{label}: {build(context)}" for label, build in demo_builders()]
