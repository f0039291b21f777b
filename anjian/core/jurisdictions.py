"""Names of jurisdictions, so that no page shows a raw code ("town:370481001000").

A role assignment points at a jurisdiction by kind and code; the app that owns each kind (the
organisation for the city, towns, departments and grids, the registry for enterprises)
registers a function that names a batch of codes. Core asks here and never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

__all__ = ["Namer", "names_of", "register_namer"]

Namer = Callable[[Collection[str]], dict[str, str]]

_NAMERS: dict[str, Namer] = {}


def register_namer(kind: str, namer: Namer) -> None:
    """``namer(codes)`` returns ``{code: name}`` for the codes of ``kind`` it knows."""
    _NAMERS[kind] = namer


def names_of(kind: str, codes: Collection[str]) -> dict[str, str]:
    """``{code: name}``; a code nobody can name (a deleted town, say) names itself."""
    namer = _NAMERS.get(kind)
    known = namer(codes) if namer and codes else {}
    return {code: known.get(code, code) for code in codes}
