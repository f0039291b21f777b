"""Writing workbooks (with openpyxl): the template, the export, the annotated copy of a bad
upload, and plain tables such as the audit log's export.

Every cell goes through :func:`put_row`, where a text that a spreadsheet would take for a
formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is stored as
text, never as a formula: an enterprise whose address is ``=HYPERLINK(…)`` exports as that
text (CWE-1236, "CSV/formula injection"). It is the one place every export writes through.

There, too, control characters are written as OOXML's escapes (ECMA-376 Part 1,
``ST_Xstring``: CR as ``_x000D_``, as Excel writes it): XML parsers turn a raw CR into LF, and
openpyxl refuses the other controls (``IllegalCharacterError``). A text that already looks like
an escape (``_x0041_``) has its opening underscore escaped (``_x005F_x0041_``). So every text
reads back as written: calamine, which reads uploads, and Excel both undo the escapes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from anjian.core.sheets.checking import RowError
from anjian.core.sheets.declare import Sheet
from anjian.core.sheets.reading import Book

__all__ = [
    "CODE_SHEET",
    "annotate",
    "formula_like",
    "put_cell",
    "put_row",
    "write_book",
    "write_table",
]

CODE_SHEET = "代码表"
_FORMULA_STARTS = frozenset("=+-@\t\r")
_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_DESCRIPTION_FONT = Font(italic=True, color="666666", size=9)
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
_AUTHOR = "安监平台"
# The controls openpyxl refuses, CR, and what a reader would take for an escape.
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]|_(?=x[0-9A-Fa-f]{4}_)")


def _escaped(match: re.Match[str]) -> str:
    # The "_" that opens an escape-like run, as Excel writes it (runs may overlap).
    return "_x005F_" if match[0] == "_" else f"_x{ord(match[0]):04X}_"


def ooxml_text(value: Any) -> Any:
    """A text as it must be stored for a reader to get it back unchanged."""
    if isinstance(value, str) and _NEEDS_ESCAPE.search(value):
        return _NEEDS_ESCAPE.sub(_escaped, value)
    return value


def formula_like(value: Any) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return isinstance(value, str) and value[:1] in _FORMULA_STARTS and value != ""


def put_row(worksheet: Any, values: Sequence[Any]) -> None:
    """Append ``values`` as a row, every text a value, never a formula (the sheet may be
    write-only, as large exports are)."""
    as_text = [formula_like(v) for v in values]
    values = [ooxml_text(v) for v in values]
    if not any(as_text):
        worksheet.append(values)
        return
    if not isinstance(worksheet, WriteOnlyWorksheet):  # append, then retype its cells
        worksheet.append(values)
        row = worksheet.max_row
        for index, text in enumerate(as_text, start=1):
            if text:
                _as_text(worksheet.cell(row=row, column=index))
        return
    cells = []
    for value, text in zip(values, as_text, strict=True):
        cell = WriteOnlyCell(worksheet, value=value)
        if text:
            _as_text(cell)
        cells.append(cell)
    worksheet.append(cells)


def _as_text(cell: Any) -> None:
    cell.data_type = "s"
    cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell


def write_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook of ``headers`` and ``rows``, written as it goes (write-only: a
    100,000-row export stays small in memory)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title)
    put_row(worksheet, list(headers))
    for row in rows:
        put_row(worksheet, list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _code_sheet(workbook: Workbook, codes: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The hidden sheet of code lists, one column each (in the order given); answers the
    range of each list for its drop-downs."""
    sheet = workbook.create_sheet(CODE_SHEET)
    ranges: dict[str, str] = {}
    for index, (title, values) in enumerate(codes.items(), start=1):
        put_cell(sheet, 1, index, title)
        for row, value in enumerate(values, start=2):
            put_cell(sheet, row, index, value)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 30
        if values:
            ranges[title] = f"'{CODE_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    sheet.sheet_state = "hidden"
    return ranges


def put_cell(worksheet: Any, row: int, column: int, value: Any) -> Any:
    """Write one cell of a normal worksheet, as a value."""
    cell = worksheet.cell(row=row, column=column, value=ooxml_text(value))
    if formula_like(value):
        _as_text(cell)
    return cell


def _write_sheet(
    workbook: Workbook, sheet: Sheet, rows: Iterable[Sequence[Any]]
) -> tuple[Any, int]:
    """The sheet with its headers, descriptions and ``rows``; answers it and its row count."""
    worksheet = workbook.create_sheet(sheet.name)
    for index, column in enumerate(sheet.columns, start=1):
        head = put_cell(worksheet, 1, index, column.header)
        head.font = _HEADER_FONT
        if column.required:
            head.fill = _REQUIRED_FILL
        description = ("必填。" if column.required else "") + column.description
        if sheet.descriptions:
            put_cell(worksheet, 2, index, description).font = _DESCRIPTION_FONT
        elif description:
            head.comment = Comment(description, _AUTHOR, width=240, height=80)
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.freeze_panes = sheet.freeze
    count = 0
    for row in rows:
        put_row(worksheet, row)
        count += 1
    return worksheet, count


def _add_drop_downs(worksheet: Any, sheet: Sheet, ranges: Mapping[str, str], last_row: int) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        source = ranges.get(column.choices)
        if not source:
            continue
        validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
        validation.error = "请从下拉列表中选择"
        validation.errorTitle = column.header
        letter = get_column_letter(index)
        validation.add(f"{letter}{sheet.first_data_row}:{letter}{last_row}")
        worksheet.add_data_validation(validation)


def write_book(
    sheets: Sequence[tuple[Sheet, Iterable[Sequence[Any]]]],
    codes: Mapping[str, Sequence[str]] | None = None,
    *,
    validation_rows: int = 2000,
) -> bytes:
    """A workbook of the declared ``sheets``, each with its rows (cell values in column
    order; none for a template): headers, descriptions, frozen panes, and drop-down lists on
    the columns whose ``choices`` name one of the ``codes`` lists (a hidden ``代码表`` sheet
    holds them), over at least ``validation_rows`` rows."""
    workbook = Workbook()
    default = workbook.worksheets[0]
    written = [(sheet, *_write_sheet(workbook, sheet, rows)) for sheet, rows in sheets]
    workbook.remove(default)
    ranges = _code_sheet(workbook, codes) if codes else {}
    for sheet, worksheet, count in written:
        last = sheet.first_data_row + max(count, validation_rows)
        _add_drop_downs(worksheet, sheet, ranges, last)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _values_copy(book: Book) -> Any:
    """An .xlsx of the values read from ``book`` (an .xls or .ods, or an .xlsx openpyxl cannot
    open), to annotate in place of the original."""
    workbook = Workbook()
    default = workbook.worksheets[0]
    for declared, actual in book.sheet_names.items():
        worksheet = workbook.create_sheet(actual)
        for _number, row in book.rows(declared):
            put_row(worksheet, [None if v == "" else v for v in row])
    workbook.remove(default)
    return workbook


def annotate(book: Book, errors: Iterable[RowError]) -> bytes:
    """A copy of the uploaded workbook with each bad cell filled red and commented with its
    reason(s). An .xlsx keeps its own formatting; an .xls or .ods comes back as an .xlsx of its
    values. Errors of a declared sheet go to the sheet read for it (the first sheet when none
    bore its name); a reason naming no column marks the row's first cell."""
    workbook: Any = None
    if book.format == "xlsx":
        try:
            workbook = load_workbook(io.BytesIO(book.data))
        except Exception:
            workbook = None
    if workbook is None:
        workbook = _values_copy(book)
    by_cell: dict[tuple[str, int, str], list[str]] = {}
    for error in errors:
        by_cell.setdefault((error.sheet, error.row, error.column), []).append(error.message)
    positions: dict[str, tuple[Any, dict[str, int]]] = {}
    for (sheet_name, row, header), reasons in by_cell.items():
        if sheet_name not in positions:
            actual = book.sheet_names.get(sheet_name, sheet_name)
            worksheet: Any = (
                workbook[actual] if actual in workbook.sheetnames else workbook.worksheets[0]
            )
            columns = {
                str(cell.value).strip().rstrip("*"): cell.column
                for cell in worksheet[1]
                if cell.value is not None
            }
            positions[sheet_name] = (worksheet, columns)
        worksheet, columns = positions[sheet_name]
        cell = worksheet.cell(row=row, column=columns.get(header, 1))
        cell.fill = _ERROR_FILL
        cell.comment = Comment("\n".join(reasons), _AUTHOR, width=300, height=120)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
