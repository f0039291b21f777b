"""The veto (一票否决) as the assessment module reads it: one small public function.

>>> vetoes_for(2026)  # doctest: +SKIP
{"towns": {"370481001000": [12]}, "departments": {"yjglj": [12]}}
"""

from __future__ import annotations

from anjian.accidents.models import Veto

__all__ = ["is_vetoed", "vetoes_for"]


def vetoes_for(year: int) -> dict[str, dict[str, list[int]]]:
    """The towns (by division code) and departments (by code) vetoed in ``year``, each with
    the ids of the accidents that caused it (relatively serious or graver, 国务院令第493号)."""
    result: dict[str, dict[str, list[int]]] = {"towns": {}, "departments": {}}
    rows = Veto.objects.filter(year=year).values_list(
        "town__code", "department__code", "accident_id"
    )
    for town, department, accident in rows:
        if town:
            result["towns"].setdefault(town, []).append(accident)
        if department:
            result["departments"].setdefault(department, []).append(accident)
    return result


def is_vetoed(year: int, *, town: str = "", department: str = "") -> bool:
    """Whether the town (division code) or the department (code) is vetoed in ``year``."""
    rows = Veto.objects.filter(year=year)
    if town:
        return rows.filter(town__code=town).exists()
    if department:
        return rows.filter(department__code=department).exists()
    return False
