"""Facts about enterprises that the domain modules hold, for the other domain modules.

Domain modules meet only through small public functions (DESIGN.md, "Layout"). Some need
to know what another one holds about an enterprise: the enterprise's risk level is raised
by a major hazard installation (monitoring) and by a major hidden danger not closed
(dangers); the credit and assessment modules will read accidents. Rather than importing each
other, the module that holds a fact registers a provider here, in its ``AppConfig.ready``,
and sends :data:`facts_changed` when the fact may have changed; the module that uses it
calls :func:`facts_of` and listens to the signal.

A provider answers for a set of enterprise ids (``None``: every enterprise) with a mapping
``{enterprise id: value}`` holding only the enterprises that have the fact; the value says
how (a grade, a count), in the provider's own documented terms.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.dispatch import Signal
from django.utils.functional import Promise

__all__ = [
    "MAJOR_HAZARD_INSTALLATION",
    "OPEN_MAJOR_DANGER",
    "FactProvider",
    "facts_changed",
    "facts_of",
    "register",
]

# The codes of the facts the platform's modules provide. Value of MAJOR_HAZARD_INSTALLATION:
# the highest grade of the enterprise's installations, "1" (一级, the highest) to "4";
# value of OPEN_MAJOR_DANGER: the number of its major hidden dangers not closed out.
MAJOR_HAZARD_INSTALLATION = "major_hazard_installation"
OPEN_MAJOR_DANGER = "open_major_danger"

facts_changed = Signal()
"""Sent with ``enterprise_ids`` (a collection of ids) and ``fact`` (a code) inside the
transaction that may have changed the fact; a receiver's exception rolls it back."""


@dataclass(frozen=True)
class FactProvider:
    code: str
    label: str | Promise
    answer: Callable[[Collection[int] | None], dict[int, str]]


_PROVIDERS: dict[str, FactProvider] = {}


def register(provider: FactProvider) -> None:
    """Add (or replace, by code) the provider of a fact; called from an app's ``ready``."""
    _PROVIDERS[provider.code] = provider


def facts_of(enterprise_ids: Collection[int] | None) -> dict[int, dict[str, str]]:
    """``{enterprise id: {fact code: value}}`` for the enterprises that have any fact (one
    query per registered provider, whatever the number of enterprises)."""
    facts: dict[int, dict[str, str]] = {}
    for code, provider in _PROVIDERS.items():
        for enterprise_id, value in provider.answer(enterprise_ids).items():
            facts.setdefault(enterprise_id, {})[code] = value
    return facts
