"""Checking every row of a sheet and naming every bad cell; what the preview shows.

:func:`check_sheet` matches the headers, refuses a sheet without a required column, skips
empty rows, hands each data row to the module's row check as a :class:`Row`, and collects
each reason the check gives as a :class:`RowError` (sheet, row, column, reason). It never
stops at the first bad row: the user fixes the whole file at once. A :class:`Preview` is what
the import page shows (the errors, or the counts and the :class:`Diff` of each object an
update changes) and what a background check leaves behind for it, as JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from typing import Any, Generic, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core.sheets.cells import text
from anjian.core.sheets.declare import Sheet
from anjian.core.sheets.reading import Rows

__all__ = ["Checked", "Diff", "Preview", "Progress", "Row", "RowError", "check_sheet"]

R = TypeVar("R")
Progress = Callable[[Iterable[Any], str], Iterable[Any]]
# Labels of the phases a progress function is called with (translated where shown).
CHECKING = gettext_lazy("校验")
WRITING = gettext_lazy("写入")


@dataclass(frozen=True)
class RowError:
    """A bad cell: its sheet, row number and column header (as in the file) and the reason.

    The reason is translated when the error is found, in the language active then: the import
    runs in the request (or the background job) of the user who uploads the file, so the page
    and the annotated workbook speak that user's language (the headers and sheet names stay
    the file's own, Chinese). Whoever runs an import outside a request activates the language
    it wants first (a management command gets ``LANGUAGE_CODE``).
    """

    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第%(row)d行【%(column)s】：%(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.message,
        }


class Row:
    """One data row as the row check sees it: its ``number``, its ``values`` by column key
    (absent columns are absent), and :meth:`error` to name a bad cell."""

    __slots__ = ("_errors", "bad", "number", "sheet", "values")

    def __init__(
        self, sheet: Sheet, number: int, values: dict[str, Any], errors: list[RowError]
    ) -> None:
        self.sheet = sheet
        self.number = number
        self.values = values
        self.bad = False
        self._errors = errors

    def get(self, key: str) -> Any:
        return self.values.get(key)

    def text(self, key: str) -> str:
        return text(self.values.get(key))

    def error(self, key: str, message: str) -> None:
        """Name the cell of column ``key`` (or, for a key that is no column, that text) bad."""
        self.bad = True
        self._errors.append(
            RowError(self.sheet.name, self.number, self.sheet.header_of(key), message)
        )


@dataclass
class Checked(Generic[R]):
    """What :func:`check_sheet` found: ``present`` (the sheet has a header row with every
    required column), ``rows`` (the data rows that are not empty), and the good ``records``
    with their row numbers."""

    present: bool = False
    rows: int = 0
    records: list[tuple[int, R]] = field(default_factory=list)


def _positions(sheet: Sheet, header_row: tuple[Any, ...]) -> tuple[dict[int, str], list[str]]:
    """Which cell index holds which column (by key), and the required headers missing."""
    positions: dict[int, str] = {}
    for index, value in enumerate(header_row):
        column = sheet.by_header.get(text(value).rstrip("*"))
        if column is not None:
            positions[index] = column.key
    found = set(positions.values())
    missing = [c.header for c in sheet.columns if c.required and c.key not in found]
    return positions, missing


def check_sheet(
    rows: Rows,
    sheet: Sheet,
    check: Callable[[Row], R | None],
    errors: list[RowError],
    *,
    unique: Callable[[R], Hashable] | None = None,
    unique_column: str = "",
    duplicate_message: str = "",
    progress: Progress | None = None,
) -> Checked[R]:
    """Check every data row of ``sheet`` with ``check``, which answers the row's record (or
    ``None``) and names bad cells through :meth:`Row.error`; a row with any error gives no
    record. With ``unique`` (the key of a record), a second row with a key already seen is an
    error in ``unique_column``, ``duplicate_message`` (with ``%(row)s``, the first row) as its
    reason. Errors are appended to ``errors``."""
    result: Checked[R] = Checked()
    if not rows:
        return result
    positions, missing = _positions(sheet, rows[0][1])
    for header in missing:
        errors.append(
            RowError(sheet.name, 1, header, _("缺少必填列“%(column)s”") % {"column": header})
        )
    if missing:
        return result
    result.present = True
    seen: dict[Hashable, int] = {}
    first = sheet.first_data_row
    width = len(rows[0][1])
    keys = tuple(positions.values())
    # The cells of the declared columns in one C call (rows read are as wide as the header).
    pick = itemgetter(*positions) if len(positions) > 1 else lambda v: (v[next(iter(positions))],)
    items = progress(rows[1:], str(CHECKING)) if progress else rows[1:]
    for number, values in items:
        if number < first or not any(v is not None and v != "" for v in values):
            continue
        result.rows += 1
        if len(values) < width:
            values = (*values, *([None] * (width - len(values))))
        row = Row(sheet, number, dict(zip(keys, pick(values), strict=True)), errors)
        record = check(row)
        if record is None or row.bad:
            continue
        if unique is not None:
            key = unique(record)
            if key in seen:
                row.error(unique_column, duplicate_message % {"row": seen[key]})
                continue
            seen[key] = number
        result.records.append((number, record))
    return result


@dataclass
class Diff:
    """What an update changes in one object: ``key`` and ``name`` identify it, ``changes``
    are its own columns (column, old, new), ``related`` the lines other sheets add (an
    enterprise's licences)."""

    key: str
    name: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    related: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def lines(self) -> list[tuple[str, str, str]]:
        return [*self.changes, *self.related]


@dataclass
class Preview:
    """What the import page shows of a check: the errors, or the counts (by name, such as
    ``creates``) and the diffs; kept as JSON between a background check and the page."""

    errors: list[RowError] = field(default_factory=list)
    diffs: list[Diff] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        return cls(
            errors=[RowError(**error) for error in data["errors"]],
            diffs=[
                Diff(
                    d["key"],
                    d["name"],
                    [tuple(line) for line in d["changes"]],
                    [tuple(line) for line in d["related"]],
                )
                for d in data["diffs"]
            ],
            counts=data["counts"],
        )
