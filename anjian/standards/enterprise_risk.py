"""The enterprise's risk level (企业安全风险等级): the highest of its risk points, raised by rules.

Highest point (✅ practice of the dual-prevention rules: an enterprise is as risky as its riskiest
point). Raising rules — **未核对 / unchecked, configurable**: no checked national text was found
that says which grade of major hazard installation, or an open major hidden danger, raises the
enterprise to which level. The defaults follow the common provincial practice (e.g. the
Shandong dual-prevention rules, DB37/T 2882-2016, as summarised by second-hand sources):

- a major hazard installation (GB 18218-2018) of grade 一级 or 二级 → at least major (重大风险);
  of grade 三级 or 四级 → at least high (较大风险);
- a major hidden danger not closed out (重大事故隐患未销号) → major.

A rule only ever raises: a raised level is a floor, never a cap. An enterprise with no evaluated
point and no raising fact is unassessed (``None``); a raising fact alone sets the level (the
fact is known even before the register is).

Change them with the ``rules`` argument or the environment variable
``ANJIAN_ENTERPRISE_RISK_RULES``, JSON such as
``{"major_hazard": {"1": "major", "2": "major", "3": "high", "4": "moderate"},
"open_major_danger": "major"}`` (``null`` for ``open_major_danger``: no raising).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from anjian.standards._base import Status
from anjian.standards.risk import RiskLevel

__all__ = [
    "RAISING_RULES_DEFAULT",
    "RAISING_RULES_ENV",
    "RAISING_RULES_STATUS",
    "Derivation",
    "RaisingRules",
    "derive",
    "raising_rules",
]

GRADES = ("1", "2", "3", "4")


class RaisingRules(NamedTuple):
    """The levels facts raise an enterprise to (at least)."""

    major_hazard: Mapping[str, RiskLevel]  # installation grade "1".."4" → floor
    open_major_danger: RiskLevel | None  # floor while a major hidden danger is open


RAISING_RULES_DEFAULT = RaisingRules(
    major_hazard=MappingProxyType(
        {"1": RiskLevel.MAJOR, "2": RiskLevel.MAJOR, "3": RiskLevel.HIGH, "4": RiskLevel.HIGH}
    ),
    open_major_danger=RiskLevel.MAJOR,
)
"""Provincial practice (未核对 / unchecked): grades 1–2 → major, 3–4 → high; an open major
hidden danger → major."""

RAISING_RULES_STATUS = Status.UNCHECKED
RAISING_RULES_ENV = "ANJIAN_ENTERPRISE_RISK_RULES"


class Derivation(NamedTuple):
    """The derived level (``None``: unassessed) and why, as rule keys with their values."""

    level: RiskLevel | None
    highest_point: RiskLevel | None
    raised_by: tuple[str, ...]  # "major_hazard:1", "open_major_danger:2"


def _level(value: object, source: str) -> RiskLevel:
    try:
        return RiskLevel(value)
    except ValueError:
        allowed = ", ".join(level.value for level in RiskLevel)
        raise ValueError(
            f"{source}: risk level must be one of {allowed}, got {value!r} / 风险等级取值无效"
        ) from None


def raising_rules(rules: RaisingRules | Mapping[str, object] | str | None = None) -> RaisingRules:
    """The rules in force: ``rules`` if given, else ``$ANJIAN_ENTERPRISE_RISK_RULES``, else the
    default. A mapping (or its JSON) may give either key; the other keeps its default. A
    malformed setting raises ValueError rather than falling back."""
    source = "rules"
    if rules is None:
        env = os.environ.get(RAISING_RULES_ENV, "").strip()
        if not env:
            return RAISING_RULES_DEFAULT
        rules, source = env, RAISING_RULES_ENV
    if isinstance(rules, RaisingRules):
        return rules
    if isinstance(rules, str):
        try:
            rules = json.loads(rules)
        except json.JSONDecodeError:
            raise ValueError(f"{source}: not JSON: {rules!r} / 企业风险升级规则无法解析") from None
    if not isinstance(rules, Mapping) or not set(rules) <= {"major_hazard", "open_major_danger"}:
        raise ValueError(
            f"{source}: expected an object with major_hazard and/or open_major_danger / "
            "企业风险升级规则应为含 major_hazard、open_major_danger 的对象"
        )
    major_hazard: Mapping[str, RiskLevel] = RAISING_RULES_DEFAULT.major_hazard
    if "major_hazard" in rules:
        given = rules["major_hazard"]
        if not isinstance(given, Mapping) or not set(given) <= set(GRADES):
            raise ValueError(
                f"{source}: major_hazard maps grades 1–4 to levels / 重大危险源级别应为 1–4"
            )
        major_hazard = MappingProxyType(
            {str(grade): _level(value, source) for grade, value in given.items()}
        )
    danger = RAISING_RULES_DEFAULT.open_major_danger
    if "open_major_danger" in rules:
        value = rules["open_major_danger"]
        danger = None if value is None else _level(value, source)
    return RaisingRules(major_hazard, danger)


def derive(
    point_levels: Iterable[RiskLevel],
    *,
    major_hazard_grade: str | None = None,
    open_major_dangers: int = 0,
    rules: RaisingRules | Mapping[str, object] | str | None = None,
) -> Derivation:
    """The enterprise's level: the highest of ``point_levels``, raised by the rules in force.

    ``major_hazard_grade``: the highest grade of its major hazard installations, "1" (一级, the
    highest) to "4", or ``None``; ``open_major_dangers``: how many major hidden dangers are not
    closed out. No points and no raising fact: ``level`` is ``None`` (unassessed).
    """
    if major_hazard_grade is not None and major_hazard_grade not in GRADES:
        raise ValueError(
            f"major hazard grade must be 1–4, got {major_hazard_grade!r} / 重大危险源级别应为 1–4"
        )
    if open_major_dangers < 0:
        raise ValueError("open_major_dangers must not be negative / 未销号重大隐患数不得为负")
    effective = raising_rules(rules)
    highest = max(point_levels, key=lambda level: level.severity, default=None)
    floors: list[tuple[str, RiskLevel]] = []
    if major_hazard_grade is not None and major_hazard_grade in effective.major_hazard:
        floor = effective.major_hazard[major_hazard_grade]
        floors.append((f"major_hazard:{major_hazard_grade}", floor))
    if open_major_dangers and effective.open_major_danger is not None:
        floors.append((f"open_major_danger:{open_major_dangers}", effective.open_major_danger))
    candidates = [level for level in (highest,) if level is not None]
    candidates += [floor for _reason, floor in floors]
    level = max(candidates, key=lambda candidate: candidate.severity, default=None)
    floor_of_point = highest.severity if highest is not None else 0
    raised_by = tuple(
        reason for reason, floor in floors if floor is level and floor.severity > floor_of_point
    )
    return Derivation(level, highest, raised_by)
