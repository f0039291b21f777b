"""Modules that an app may have by convention (``demo``, ``tests.access_cases``, …), found
in every installed Anjian app that has them."""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule

__all__ = ["app_modules"]


def app_modules(dotted: str) -> list[ModuleType]:
    """``anjian.<app>.<dotted>`` of every installed Anjian app that has it, in app order. An
    app without it is skipped; an error inside an existing module is raised."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("anjian."):
            continue
        module: ModuleType = config.module  # type: ignore[assignment]
        for part in dotted.split("."):
            if not module_has_submodule(module, part):
                break
            module = importlib.import_module(f"{module.__name__}.{part}")
        else:
            found.append(module)
    return found
