"""What the import of every sheet shares: the error record, reading cells, the header map,
walking the data rows, and writing many rows at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from anjian.enterprises.excel import DATA_SHEET, FIRST_DATA_ROW, Sheet

__all__ = [
    "BATCH",
    "Progress",
    "RowError",
    "data_rows",
    "executemany",
    "first_token",
    "header_map",
    "parse_date",
    "text",
]

_EXCEL_EPOCH = date(1899, 12, 30)
BATCH = 2000
Progress = Callable[[Iterable[Any], str], Iterable[Any]]


@dataclass(frozen=True)
class RowError:
    """A bad cell: its sheet, row number and column header (as in the file) and the reason.

    The reason is translated when the error is found, in the language active then: the import
    runs in the request of the user who uploads the file, so the page and the annotated
    workbook written from these errors speak that user's language (the headers and sheet names
    stay the file's own, Chinese). Whoever runs an import outside a request activates the
    language it wants first (a management command gets ``LANGUAGE_CODE``).
    """

    row: int
    column: str
    message: str
    sheet: str = DATA_SHEET


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def first_token(value: str) -> str:
    return value.split()[0] if value.split() else ""


def parse_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:  # Excel's serial dates run from 1900-01-01 to 9999-12-31
            raise ValueError(_("日期“%(value)s”无法识别，请写作YYYY-MM-DD") % {"value": value})
        return _EXCEL_EPOCH + timedelta(days=int(value))
    written = str(value).strip().replace("/", "-").replace(".", "-")
    parts = written.split(" ")[0].split("T")[0].split("-")
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except (ValueError, IndexError):
        raise ValueError(
            _("日期“%(value)s”无法识别，请写作YYYY-MM-DD") % {"value": value}
        ) from None


def header_map(sheet: Sheet, header_row: tuple[Any, ...]) -> tuple[dict[int, str], list[str]]:
    """Which cell index holds which column (by key), and the required headers missing."""
    positions: dict[int, str] = {}
    for index, value in enumerate(header_row):
        column = sheet.by_header.get(text(value).rstrip("*"))
        if column is not None:
            positions[index] = column.key
    missing = [c.header for c in sheet.columns if c.required and c.key not in positions.values()]
    return positions, missing


def data_rows(
    rows: Iterable[tuple[int, tuple[Any, ...]]], positions: dict[int, str]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, values by column key) of the rows from row 3 that are not empty."""
    for number, row in rows:
        if number < FIRST_DATA_ROW or not any(v not in (None, "") for v in row):
            continue
        yield number, {key: row[index] for index, key in positions.items() if index < len(row)}


def executemany(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERT through Django's cursor: the ORM's bulk_create builds a model
    instance and prepares every value field by field, which cost more than reading the
    workbook; the values here are already checked and in database form."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted names; values bound)
        quote(model._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
