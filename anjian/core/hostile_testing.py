"""The hostile-text corpus and the machinery of its test (``core/tests/test_hostile_text.py``).

Every create and update path (forms and API) writes every text of :data:`CORPUS`; every page,
PDF and export that shows it reads it back. The test proves that **nothing executes** (pages
carry the text HTML-escaped and never raw; no spreadsheet cell is a formula; no PDF embeds an
image or a link), **nothing breaks** (no answer is a 5xx) and **everything reads back as
written** (the stored value equals the text; each reader shows it whole). The texts of
:func:`refused_for` must be refused cleanly instead (a 4xx, or the form shown again with its error)
and leave nothing written.

How an app joins: create ``anjian/<app>/tests/hostile_cases.py`` with

``setup(world)`` (optional)
    make what its paths need (personas, an enterprise to edit) and put it on ``world``; apps
    are set up in ``INSTALLED_APPS`` order, so a later app finds an earlier one's personas;
``paths(world) -> list[WritePath]``
    one per create or update path: ``write(text)`` sends the text through the real path (a
    form post, an API call) and returns a :class:`Written`; ``stored(obj)`` the values stored
    from the text; ``reads`` the names of the readers that show them;
``READERS`` (optional)
    ``{name: reader(world, obj) -> Reading}``: a page, a PDF or an export showing ``obj``.

A new create or update path joins by adding its :class:`WritePath`; a new page or export that
shows such text joins by adding a reader and naming it in the paths whose text it shows.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.html import escape

from anjian.core.discovery import app_modules

__all__ = [
    "CORPUS",
    "LINE_BREAKING",
    "Reading",
    "WritePath",
    "World",
    "Written",
    "corpus_for",
    "discover",
    "findings_in",
    "refused_for",
]

# Texts every path must accept and give back as written.
CORPUS: dict[str, str] = {
    "script": '<script>alert("x")</script>',
    "img": '<img src="/etc/hostname" onerror="alert(1)">',
    "template variable": "{{ request.user.password }}{{ settings.SECRET_KEY }}",
    "template tag": "{% debug %}{% load static %}",
    "entities": "&lt;b&gt; &amp; &#x3C;i&#x3E; &nbsp;",
    "quotes": 'O\'Brien "引号" `反引号` \\反斜杠',
    "sql": "'; DROP TABLE enterprises_enterprise; --",
    "formula": '=HYPERLINK("http://example.com/","点我")',
    "plus": "+1",
    "minus": "-1",
    "at": "@SUM(A1:A9)",
    "tab inside": "滕州\t有限公司",
    "carriage return inside": "滕州\r有限公司",
    "right to left": "שלום עולם",
    "arabic": "مرحبا بالعالم",
    "bidi override": "\u202eabc公司",
    "emoji": "😀 安全 👷‍♀️",
    "combining": "Z\u0351\u036b\u0343 e\u0301 n\u0303",
    "chinese": "滕州市鑫源化工有限公司",
}


# Texts with a tab or a line break: a one-line field (a name, an address: the registry's
# ``plain_text`` rule) refuses them with its message, a multi-line one (a comment) keeps them.
LINE_BREAKING = ("tab inside", "carriage return inside")


def refused_for(limit: int, *, one_line: bool = False) -> dict[str, str]:
    """Texts a field of ``limit`` characters must refuse cleanly, writing nothing."""
    refused = {"nul": "滕州\x00有限公司", "too long": "长" * (limit + 1)}
    if one_line:
        refused.update({label: CORPUS[label] for label in LINE_BREAKING})
    return refused


def corpus_for(limit: int, *, one_line: bool = False) -> dict[str, str]:
    """The corpus for a field of ``limit`` characters, with a text of exactly that length."""
    texts = {
        name: text
        for name, text in CORPUS.items()
        if len(text) <= limit and not (one_line and name in LINE_BREAKING)
    }
    texts["longest allowed"] = ("滕州市" * limit)[:limit]
    return texts


@dataclass
class World:
    """What the apps' ``setup`` functions make, shared by their paths and readers."""

    values: dict[str, Any] = field(default_factory=dict)
    counter: int = 0

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("values", "counter"):
            object.__setattr__(self, name, value)
        else:
            self.values[name] = value

    def serial(self) -> int:
        self.counter += 1
        return self.counter


@dataclass(frozen=True)
class Written:
    """The answer of a write: its HTTP status and the object written (``None``: none found)."""

    status: int
    obj: Any = None
    form_errors: bool = False


@dataclass(frozen=True)
class WritePath:
    name: str
    limit: int
    write: Callable[[str], Written]
    stored: Callable[[Any], list[str]]
    reads: tuple[str, ...] = ()
    one_line: bool = True  # False: a multi-line text (a comment), tabs and line breaks kept


@dataclass(frozen=True)
class Reading:
    """What a reader got: ``html`` (a page), ``pdf`` or ``xlsx``; ``exact``: an xlsx cell holds
    the value alone (``False``: the value is part of a cell, as in the audit export)."""

    kind: Literal["html", "pdf", "xlsx"]
    content: bytes
    status: int = 200
    exact: bool = True


Reader = Callable[[World, Any], Reading]


Setup = Callable[[World], None]
Paths = Callable[[World], list[WritePath]]


def discover() -> tuple[list[Setup], list[Paths], dict[str, Reader]]:
    """The setups, path factories and readers of every installed Anjian app."""
    setups: list[Setup] = []
    factories: list[Paths] = []
    readers: dict[str, Reader] = {}
    for module in app_modules("tests.hostile_cases"):
        if hasattr(module, "setup"):
            setups.append(module.setup)
        factories.append(module.paths)
        readers.update(getattr(module, "READERS", {}))
    return setups, factories, readers


def _squeeze(text: str) -> str:
    """Without whitespace and control characters: a PDF wraps lines and sets a tab as a space."""
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cc")


_RTL = re.compile(r"[\u0590-\u08ff]+")


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def _pdf_findings(content: bytes, value: str) -> list[str]:
    from pypdf import PdfReader

    findings = []
    reader = PdfReader(io.BytesIO(content))
    resources: list[Any] = [page["/Resources"].get_object() for page in reader.pages]
    if any("/XObject" in r for r in resources) or any("/Annots" in p for p in reader.pages):
        findings.append("the PDF embeds an image or a link")
    text = _squeeze(_pdf_text(content))
    # pypdf gives each right-to-left word back reversed (it assumes visual order; reportlab
    # stores the logical one): compare those words in either order.
    reversed_rtl = _squeeze(_RTL.sub(lambda m: m[0][::-1], value))
    if _squeeze(value) not in text and reversed_rtl not in text:
        findings.append(f"the PDF does not read back {value!r}")
    return findings


def _xlsx_findings(content: bytes, value: str, exact: bool) -> list[str]:
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape

    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    # openpyxl gives a text as stored; Excel and calamine undo its _xHHHH_ escapes.
    shown = {id(c): unescape(str(c.value)) for c in cells if c.value is not None}
    holding = [
        cell
        for cell in cells
        if id(cell) in shown
        and (shown[id(cell)] == value or not exact and value in shown[id(cell)])
    ]
    if not holding:
        return [f"no cell reads back {value!r}"]
    return [
        f"cell {cell.parent.title}!{cell.coordinate} is a formula"
        for cell in holding
        if cell.data_type == "f"
    ][:1]


def _html_findings(content: bytes, value: str) -> list[str]:
    page = content.decode()
    findings = []
    if escape(value) not in page:
        findings.append(f"the page does not show {value!r} (escaped)")
    if any(c in value for c in "<>&\"'") and value in page:
        findings.append(f"the page carries {value!r} unescaped")
    return findings


def findings_in(reading: Reading, value: str) -> list[str]:
    """What is wrong with how ``reading`` shows ``value`` (empty: nothing)."""
    if reading.status >= 500:
        return [f"answered {reading.status}"]
    if reading.status != 200:
        return [f"answered {reading.status}, not the page"]
    if reading.kind == "html":
        return _html_findings(reading.content, value)
    if reading.kind == "pdf":
        return _pdf_findings(reading.content, value)
    return _xlsx_findings(reading.content, value, reading.exact)
