"""Major-hidden-danger criteria (重大事故隐患判定标准) as structured data with stable codes.

Documents (data in ``data/major_danger_criteria.json``):

- ``GM2023`` 《工贸企业重大事故隐患判定标准》(应急管理部令第10号, in force 2023-05-15, ✅): art. 3
  (all industry and trade enterprises, ✅), art. 11 dust explosion (🟡), art. 12 ammonia
  refrigeration and art. 13 confined spaces (未核对 / unchecked wording). Articles 4–10 (the
  industry-specific criteria) are not recorded yet; :attr:`Document.missing_zh` says so.
- ``HC2017`` 《化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）》, 20 items (✅
  wording; the document number 安监总管三〔2017〕121号 is unchecked).
- ``GM2017`` the 2017 industry and trade criteria, its 14 cross-industry items (✅ wording), kept
  for old records; superseded by GM2023 (未核对 / unchecked).

Codes are stable: ``<document>-<article>-<item>`` (``GM2023-11-03``), ``HC2017-05``,
``GM2017-DUST-01``. A code is never reused for a different text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any

from anjian.standards._base import Status

__all__ = [
    "CRITERIA",
    "DOCUMENTS",
    "SCOPES",
    "Criterion",
    "Document",
    "Scope",
    "criteria",
    "criterion",
]


@dataclass(frozen=True)
class Document:
    """A set of criteria: title, document number, whether it is in force, what is missing."""

    key: str
    title: str
    number: str
    number_status: Status
    effective: str | None
    in_force: bool
    missing_zh: str
    missing_en: str


@dataclass(frozen=True)
class Scope:
    """The kind of enterprise a criterion applies to."""

    key: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Criterion:
    """One criterion: stable code, text as the document writes it, scope, citation, status."""

    code: str
    document: Document
    scope: Scope
    article: str
    item: int
    text: str
    status: Status
    note: str

    @property
    def citation(self) -> str:
        """E.g. 《工贸企业重大事故隐患判定标准》（应急管理部令第10号）第十一条第（三）项."""
        position = (
            f"{self.article}第（{_chinese_number(self.item)}）项"
            if self.article
            else (f"第{self.item}项")
        )
        return f"《{self.document.title}》（{self.document.number}）{position}"


_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def _load() -> tuple[Mapping[str, Document], Mapping[str, Scope], Mapping[str, Criterion]]:
    path = (
        resources.files("anjian.standards").joinpath("data").joinpath("major_danger_criteria.json")
    )
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    documents = {
        key: Document(
            key=key,
            title=doc["title"],
            number=doc["number"],
            number_status=Status(doc["number_status"]),
            effective=doc["effective"],
            in_force=doc["in_force"],
            missing_zh=doc["missing_zh"],
            missing_en=doc["missing_en"],
        )
        for key, doc in raw["documents"].items()
    }
    scopes = {key: Scope(key, s["zh"], s["en"]) for key, s in raw["scopes"].items()}
    items = {
        c["code"]: Criterion(
            code=c["code"],
            document=documents[c["document"]],
            scope=scopes[c["scope"]],
            article=c["article"],
            item=c["item"],
            text=c["text"],
            status=Status(c["status"]),
            note=c["note"],
        )
        for c in raw["criteria"]
    }
    return MappingProxyType(documents), MappingProxyType(scopes), MappingProxyType(items)


DOCUMENTS, SCOPES, CRITERIA = _load()
"""Documents by key, scopes by key, and every criterion by code, in document order."""


def criterion(code: str) -> Criterion:
    """Return the criterion with this stable code (e.g. ``HC2017-05``); ValueError if unknown."""
    key = code.strip().upper()
    if key not in CRITERIA:
        raise ValueError(
            f"unknown major-hidden-danger criterion {code!r} / 未知的重大事故隐患判定条目"
        )
    return CRITERIA[key]


def criteria(
    scope: str | None = None, document: str | None = None, *, in_force_only: bool = True
) -> tuple[Criterion, ...]:
    """Return the criteria for a checklist, optionally of one scope and one document.

    By default only documents in force are included, so a dust-explosion checklist holds the
    GM2023 art. 11 items and not the superseded GM2017 ones. Unknown keys raise ValueError.
    """
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}; allowed: {', '.join(SCOPES)} / 未知的适用范围")
    if document is not None and document not in DOCUMENTS:
        raise ValueError(
            f"unknown document {document!r}; allowed: {', '.join(DOCUMENTS)} / 未知的判定标准"
        )
    return tuple(
        c
        for c in CRITERIA.values()
        if (scope is None or c.scope.key == scope)
        and (document is None or c.document.key == document)
        and (c.document.in_force or not in_force_only)
    )
