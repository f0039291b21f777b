"""The spreadsheet kit: every module's Excel import and export (docs/platform.md).

A module declares its sheets (:class:`Sheet` of :class:`Column`) and its row check (a function
of a :class:`Row` that answers the row's record and names bad cells with
:meth:`Row.error`); the kit gives the rest:

- :func:`write_book`: the template (headers, a description row, drop-down lists from code
  lists) and the export of the same sheets, so an export imports back; :func:`write_table` for
  a plain one-sheet export. Every cell is a value, never a formula (:func:`put_row`).
- :func:`read_upload` / :func:`open_book`: .xlsx (Excel, WPS), .xls and .ods read with
  calamine, refused before parsing when too large, unpacking too large, or too long
  (:class:`Limits`, :class:`WorkbookError` with a message for the user).
- :func:`check_sheet`: every row checked, every bad cell a :class:`RowError` (sheet, row,
  column, reason); :func:`annotate`: the upload with those cells marked.
- :class:`Diff` and :class:`Preview`: what an update changes, shown before it is written.
- :mod:`.flow` (:func:`register`, :func:`check_upload`, :func:`confirm`): the page's
  check → review → confirm, all or nothing, in a background job with progress when large.

Cell helpers (:func:`text`, :func:`parse_date`, :func:`split_list`, …) read values as people
write them. The kit imports no app.
"""

from anjian.core.sheets.applying import BATCH, executemany
from anjian.core.sheets.cells import (
    NO,
    WORKBOOK_LANGUAGE,
    YES,
    accepted_labels,
    first_token,
    parse_date,
    shown,
    split_list,
    text,
    workbook_labels,
)
from anjian.core.sheets.checking import (
    Checked,
    Diff,
    Preview,
    Progress,
    Row,
    RowError,
    check_sheet,
)
from anjian.core.sheets.declare import Column, Sheet
from anjian.core.sheets.reading import Book, Limits, Rows, WorkbookError, open_book, read_upload
from anjian.core.sheets.writing import (
    CODE_SHEET,
    annotate,
    formula_like,
    put_cell,
    put_row,
    write_book,
    write_table,
)

__all__ = [
    "BATCH",
    "CODE_SHEET",
    "NO",
    "WORKBOOK_LANGUAGE",
    "YES",
    "Book",
    "Checked",
    "Column",
    "Diff",
    "Limits",
    "Preview",
    "Progress",
    "Row",
    "RowError",
    "Rows",
    "Sheet",
    "WorkbookError",
    "accepted_labels",
    "annotate",
    "check_sheet",
    "executemany",
    "first_token",
    "formula_like",
    "open_book",
    "parse_date",
    "put_cell",
    "put_row",
    "read_upload",
    "shown",
    "split_list",
    "text",
    "workbook_labels",
    "write_book",
    "write_table",
]
