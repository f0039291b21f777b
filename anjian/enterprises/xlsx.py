"""A lean reader of .xlsx cell values, for the import.

openpyxl's read-only mode builds a cell object (and, for text, a rich-text object) per cell;
for a 10,000-row registry that is most of the import's time. The values alone are a matter of
walking the sheet's XML with the C parser and looking up shared strings, which is what this
does. Anything it does not understand (a workbook that is not an Office Open XML package as it
expects) makes :func:`read_sheets` fall back to openpyxl, so the worst case is openpyxl's speed.
Several sheets are read in one pass over the archive: the shared strings are parsed once.

Dates come back as Excel serial numbers unless the cell is typed ``d`` (ISO text); the importer
turns serials in date columns into dates.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from typing import IO, Any
from xml.etree import ElementTree as ET

__all__ = ["read_sheets"]

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_C, _V, _T, _R, _IS, _ROW = (f"{_NS}{tag}" for tag in ("c", "v", "t", "r", "is", "row"))


class _Unsupported(Exception):
    pass


def _column(reference: str, cache: dict[str, int]) -> int:
    letters = reference.rstrip("0123456789")
    index = cache.get(letters)
    if index is None:
        index = 0
        for char in letters:
            index = index * 26 + ord(char) - 64
        cache[letters] = index - 1
        index -= 1
    return index


def _text_of(element: ET.Element) -> str:
    direct = element.find(_T)
    if direct is not None:
        return direct.text or ""
    return "".join(run.findtext(_T) or "" for run in element.findall(_R))


Rows = list[tuple[int, tuple[Any, ...]]]


def _sheet_paths(archive: zipfile.ZipFile, names: Sequence[str]) -> dict[str, str]:
    """The archive path of each named sheet the workbook has; the first name, when absent,
    gets the workbook's first sheet."""
    workbook = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    sheets = workbook.find(f"{_NS}sheets")
    if sheets is None or not len(sheets):
        raise _Unsupported("no sheets")
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {r.get("Id"): r.get("Target") for r in rels}
    by_name = {s.get("name"): s for s in sheets}
    paths = {}
    for position, name in enumerate(names):
        chosen = by_name.get(name, sheets[0] if position == 0 else None)
        if chosen is None:
            continue
        target = targets.get(chosen.get(_REL))
        if not target:
            raise _Unsupported("sheet target")
        paths[name] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return paths


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        return float(text)
    return int(text)


def _fast(source: IO[bytes], names: Sequence[str]) -> dict[str, Rows]:
    with zipfile.ZipFile(source) as archive:
        paths = _sheet_paths(archive, names)
        strings: list[str] = []
        if "xl/sharedStrings.xml" in archive.namelist():
            table = ET.fromstring(archive.read("xl/sharedStrings.xml"))  # noqa: S314
            strings = [_text_of(item) for item in table]
        result = {}
        for name, path in paths.items():
            with archive.open(path) as handle:
                result[name] = list(_sheet_rows(handle, strings))
        return result


def _sheet_rows(handle: IO[bytes], strings: list[str]) -> Iterator[tuple[int, tuple[Any, ...]]]:
    columns: dict[str, int] = {}
    cells: dict[int, Any] = {}
    number = 0
    for _event, element in ET.iterparse(handle, events=("end",)):  # noqa: S314
        tag = element.tag
        if tag == _C:
            reference = element.get("r")
            index = _column(reference, columns) if reference else len(cells)
            kind = element.get("t", "n")
            value_element = element.find(_V)
            text = value_element.text if value_element is not None else None
            value: Any
            if kind == "s":
                value = strings[int(text)] if text is not None else None
            elif kind == "inlineStr":
                inline = element.find(_IS)
                value = _text_of(inline) if inline is not None else None
            elif text is None:
                value = None
            elif kind == "n":
                value = _number(text)
            elif kind == "b":
                value = text == "1"
            else:  # str (formula text), d (ISO date), e (error)
                value = text
            cells[index] = value
        elif tag == _ROW:
            row_reference = element.get("r")
            number = int(row_reference) if row_reference else number + 1
            width = max(cells) + 1 if cells else 0
            yield number, tuple(cells.get(i) for i in range(width))
            cells = {}
            element.clear()


def _openpyxl(source: IO[bytes], names: Sequence[str]) -> dict[str, Rows]:
    from openpyxl import load_workbook

    source.seek(0)
    workbook = load_workbook(source, read_only=True, data_only=True)
    try:
        result = {}
        for position, name in enumerate(names):
            chosen: Any
            if name in workbook.sheetnames:
                chosen = workbook[name]
            elif position == 0:
                chosen = workbook.worksheets[0]
            else:
                continue
            result[name] = list(enumerate(chosen.iter_rows(values_only=True), start=1))
        return result
    finally:
        workbook.close()


def read_sheets(source: IO[bytes], names: Sequence[str]) -> dict[str, Rows]:
    """(row number, cell values) of each named sheet, row by row, for the sheets the workbook
    has. The first name is the main sheet: when no sheet has its name, the workbook's first
    sheet is read in its place (files whose one sheet was renamed still import)."""
    source.seek(0)
    try:
        return _fast(source, names)
    except (_Unsupported, KeyError, ValueError, IndexError, ET.ParseError, zipfile.BadZipFile):
        return _openpyxl(source, names)
