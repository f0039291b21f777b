"""What a module declares: its sheets and their columns.

A :class:`Sheet` is the single description of one data sheet, from which the kit writes the
template (headers, a description row, drop-down lists), reads an upload (headers matched by
their text, so columns may be reordered or left out unless required) and writes the export, so
that an exported workbook imports back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "Sheet"]


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (the name the row check reads it by), ``header`` (the text of row
    1, matched on upload; a trailing ``*`` is ignored), ``description`` (row 2 of the template,
    or the header's comment in a sheet without a description row), ``required`` (an upload
    without the column is refused; its header is filled yellow), ``width`` in characters, and
    ``choices``: the name of a code list (see :func:`~anjian.core.sheets.write_book`) that
    becomes the column's drop-down list."""

    key: str
    header: str
    description: str = ""
    required: bool = False
    width: int = 14
    choices: str = ""


@dataclass(frozen=True)
class Sheet:
    """A data sheet: its name, its columns, and ``freeze``, the first cell that scrolls (the
    headers above it and the identifying columns left of it stay in view). With
    ``descriptions`` (the default) row 2 describes each column and data start at row 3;
    without, data start at row 2."""

    name: str
    columns: tuple[Column, ...]
    freeze: str = "A3"
    descriptions: bool = True
    by_header: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_header", {c.header: c for c in self.columns})

    @property
    def first_data_row(self) -> int:
        return 3 if self.descriptions else 2

    def header_of(self, key: str) -> str:
        """The header of the column ``key`` (a key that is no column is answered as given:
        row-level reasons name no column)."""
        return next((column.header for column in self.columns if column.key == key), key)
