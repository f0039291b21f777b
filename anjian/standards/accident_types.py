"""Accident types: GB 6441-2025《生产安全事故分类与编码》 and the GB/T 6441-1986 it replaced.

GB 6441-2025 (mandatory, published 2025-12-31, ✅ types and codes) has 27 basic types (Table 1),
coded with 8 characters (ch. 5): ``WSA``, the classification method (``1``: by basic accident
type), and a 4-digit type code, 0001–0026 and 0099 for "other" — fire is ``WSA10009``.
GB/T 6441-1986《企业职工伤亡事故分类》 had 20 types, numbered 1–20 (✅).

The date from which accidents are coded with the 2025 list is a setting, not a constant here:
most sources say 2026-07-01, one English draft translation 2027-01-01 (🟡 unchecked), so
:func:`edition_for` takes it as an argument. An accident keeps the edition it was coded with.

The change is not one-to-one (STANDARDS-FACTS.md §10): 车辆伤害 split into 厂（场）内车辆致害 and
道路（轨道）车辆致害, 中毒和窒息 into 中毒 and 窒息, seven 1986 types were dropped (冒顶片帮, 透水,
放炮, 火药爆炸, 瓦斯爆炸, 锅炉爆炸, 其他爆炸) and twelve are new. :func:`recode` is a migration
aid only: it answers where exactly one 2025 type replaces a 1986 one (the same or a renamed
type) and ``None`` otherwise, so that an ambiguous record is flagged for a person to recode,
never guessed.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import NamedTuple

from anjian.standards._base import read_csv

__all__ = [
    "EDITION_1986",
    "EDITION_2025",
    "AccidentType",
    "by_code",
    "edition_for",
    "recode",
    "types",
]

EDITION_2025 = "GB 6441-2025"
EDITION_1986 = "GB/T 6441-1986"
EDITIONS = (EDITION_2025, EDITION_1986)


class AccidentType(NamedTuple):
    edition: str
    number: int  # 序号 in the edition's table, which is also its order
    code: str  # WSA1xxxx (2025); "1"–"20" (1986)
    name: str
    scope_note: str  # the parenthesised note of Table 1 (2025), e.g. 距坠落基准面 ≥ 2 m
    replaces: str  # 2025 only: the 1986 code this type continues, "" for a new type

    def __str__(self) -> str:
        return self.name


@cache
def _table() -> tuple[AccidentType, ...]:
    return tuple(
        AccidentType(
            edition=row["version"],
            number=int(row["number"]),
            code=row["code"],
            name=row["name"],
            scope_note=row["scope_note"],
            replaces=row["replaces"],
        )
        for row in read_csv("gb6441_types.csv")
    )


def types(edition: str) -> tuple[AccidentType, ...]:
    """The basic types of ``edition`` in the order of its table."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r} / 未知的事故分类标准版本：{edition}")
    return tuple(t for t in _table() if t.edition == edition)  # the data file keeps that order


def by_code(edition: str, code: str) -> AccidentType:
    """The type of ``edition`` with ``code``; ``ValueError`` (in both languages) if none."""
    for accident_type in types(edition):
        if accident_type.code == code:
            return accident_type
    raise ValueError(f"no type {code!r} in {edition} / {edition} 中没有代码为 {code} 的事故类型")


def edition_for(occurred_on: datetime.date, edition_2025_from: datetime.date) -> str:
    """The edition an accident that occurred on ``occurred_on`` is coded with."""
    return EDITION_2025 if occurred_on >= edition_2025_from else EDITION_1986


def recode(code_1986: str) -> AccidentType | None:
    """The one 2025 type that continues the 1986 type ``code_1986``, or ``None`` where there
    is none (a dropped type) or more than one (a split type): those are recoded by a person."""
    by_code(EDITION_1986, code_1986)
    targets = [t for t in types(EDITION_2025) if t.replaces == code_1986]
    return targets[0] if len(targets) == 1 else None
