"""Hazard factors: GB/T 13861-2022《生产过程危险和有害因素分类与代码》 as versioned data.

Published 2022-03-09, in force 2022-10-01, replacing GB/T 13861-2009 (✅). Four top classes
(✅): 1 人的因素, 2 物的因素, 3 环境因素, 4 管理因素; codes have four levels of 1, 2, 4 and 6
digits, "99" closing a group means "other" (✅). Of the second level, 11, 12 and 21 are checked;
22 and 23 partly (names from second-hand sources); the groups of 3 and 4 were changed in the
2022 edition and were not checked (STANDARDS-FACTS.md §11): they are listed with the 2009 names,
each row marked :attr:`Status.UNCHECKED` with a note, and the 2022 groups' third and fourth levels
are not listed at all rather than invented. The table is data
(``data/gb13861_factors.csv``), one edition per row, so that a checked edition can be added
beside this one.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from anjian.standards._base import Status, read_csv

__all__ = ["EDITION_2022", "Factor", "by_code", "factors", "top_class"]

EDITION_2022 = "GB/T 13861-2022"
EDITIONS = (EDITION_2022,)


class Factor(NamedTuple):
    """One class of the hazard-factor classification."""

    edition: str
    code: str  # 1, 2, 4 or 6 digits
    name: str
    status: Status
    note: str

    @property
    def level(self) -> int:
        """1 to 4: the level of the code (1, 2, 4 or 6 digits)."""
        return {1: 1, 2: 2, 4: 3, 6: 4}[len(self.code)]

    @property
    def parent(self) -> str:
        """The code of the class above ("" for a top class)."""
        return {1: "", 2: self.code[:1], 4: self.code[:2], 6: self.code[:4]}[len(self.code)]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


@cache
def _table() -> tuple[Factor, ...]:
    return tuple(
        Factor(
            edition=row["edition"],
            code=row["code"],
            name=row["name"],
            status=Status(row["status"]),
            note=row["note"],
        )
        for row in read_csv("gb13861_factors.csv")
    )


def factors(edition: str = EDITION_2022) -> tuple[Factor, ...]:
    """Every listed class of ``edition``, ordered by code (a class before its children)."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r} / 未知的危险有害因素分类版本：{edition}")
    return tuple(sorted((f for f in _table() if f.edition == edition), key=lambda f: f.code))


def by_code(code: str, edition: str = EDITION_2022) -> Factor:
    """The class ``code`` of ``edition``; ``ValueError`` (in both languages) if not listed."""
    for factor in factors(edition):
        if factor.code == code:
            return factor
    raise ValueError(
        f"no hazard factor {code!r} in {edition} / {edition} 中没有代码为 {code} 的危险有害因素"
    )


def top_class(code: str, edition: str = EDITION_2022) -> Factor:
    """The top class (人、物、环境、管理) of a listed code."""
    return by_code(by_code(code, edition).code[:1], edition)
