"""The spreadsheet kit on its own: upload guards, unreadable files, every cell a value."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from anjian.core.sheets import (
    Column,
    Limits,
    Sheet,
    WorkbookError,
    check_sheet,
    open_book,
    read_upload,
    write_book,
    write_table,
)

SHEET = Sheet("名单", (Column("name", "名称", required=True), Column("note", "备注")))
HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _skeleton(sheet_xml: bytes | None = None, **extra: bytes) -> bytes:
    """An .xlsx made by openpyxl with its first sheet's XML (and other members) replaced."""
    workbook = Workbook()
    workbook.active.title = "名单"  # type: ignore[union-attr]
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and sheet_xml is not None:
                data = sheet_xml
            archive.writestr(info.filename, data)
        for member, data in extra.items():
            archive.writestr(member.replace("__", "/"), data)
    return out.getvalue()


def _rows_xml(count: int, *, dimension: bool) -> bytes:
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if dimension:
        head += b'<dimension ref="A1:A%d"/>' % count
    body = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, count + 1)
    )
    return head + b"<sheetData>" + body + b"</sheetData></worksheet>"


def _refused(data: bytes, name: str = "upload.xlsx") -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(WorkbookError) as refused:
        open_book(data, [SHEET.name], filename=name)
    return str(refused.value), time.perf_counter() - start


def test_a_small_workbook_of_68_mb_shared_strings_is_refused_fast():
    strings = (
        b"<sst>"
        + b"<si><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></si>" * 1_050_000
        + b"</sst>"
    )
    assert len(strings) > 68_000_000
    data = _skeleton(xl__sharedStrings=strings)
    assert len(data) < 400_000  # a few hundred kilobytes on the wire
    message, seconds = _refused(data, "bomb.xlsx")
    assert "bomb.xlsx" in message and "解压后" in message and seconds < 1


@pytest.mark.parametrize("dimension", [True, False])
def test_a_workbook_of_400000_rows_is_refused_before_its_rows_are_read(dimension):
    data = _skeleton(_rows_xml(400_000, dimension=dimension))
    assert len(data) < 4_000_000
    message, seconds = _refused(data, "long.xlsx")
    assert "400000行" in message and "100000" in message and seconds < 2


def test_a_sheet_longer_than_a_lower_limit_is_refused_by_its_dimensions():
    data = write_book([(SHEET, [[f"n{i}", ""] for i in range(50)])])
    with pytest.raises(WorkbookError, match="超过上限10行"):
        open_book(data, [SHEET.name], limits=Limits(rows=10))


def test_an_upload_larger_than_the_limit_is_refused_before_it_is_read():
    upload = io.BytesIO(b"x" * 2000)
    upload.name = "big.xlsx"  # type: ignore[attr-defined]
    upload.size = 2000  # type: ignore[attr-defined]
    with pytest.raises(WorkbookError, match="big.xlsx"):
        read_upload(upload, Limits(upload_bytes=1000))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"name,note\nA,B\n", "不是Excel或WPS工作簿"),
        (b"", "文件为空"),
        (b"PK\x05\x06" + b"\0" * 18, "压缩包中没有任何内容"),
        ("truncated", "损坏或不完整"),
        (b"PK\x03\x04" + b"\0" * 100, "损坏或不完整"),
    ],
)
def test_a_file_that_is_no_workbook_gets_a_reason_naming_it(data, reason):
    if data == "truncated":
        whole = write_book([(SHEET, [["甲", ""]])])
        data = whole[: len(whole) // 2]
    message, _seconds = _refused(data, "名单.xlsx")
    assert "名单.xlsx" in message and reason in message


def test_every_row_is_checked_and_every_bad_cell_named():
    data = write_book([(SHEET, [["甲", ""], ["", "x"], [None, None], ["乙", "坏"]])])
    errors: list = []

    def check(row):
        if not row.text("name"):
            row.error("name", "不能为空")
        if row.text("note") == "坏":
            row.error("note", "备注有误")
        return row.text("name")

    checked = check_sheet(open_book(data, [SHEET.name]).rows(SHEET.name), SHEET, check, errors)
    assert [(e.sheet, e.row, e.column, e.message) for e in errors] == [
        ("名单", 4, "名称", "不能为空"),
        ("名单", 6, "备注", "备注有误"),
    ]
    assert checked.rows == 3 and checked.records == [(3, "甲")]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_that_looks_like_a_formula_is_written_as_text(value):
    """Formula injection (issue 11.4): every export writes through the kit."""
    for data, sheet, row in (
        (write_book([(SHEET, [[value, value]])]), SHEET.name, 3),
        (write_table("表", ["名称"], [[value]]), "表", 2),
    ):
        cell = load_workbook(io.BytesIO(data))[sheet].cell(row=row, column=1)
        assert cell.data_type == "s"
        assert open_book(data, [sheet]).rows(sheet)[row - 1][1][0] == value


@pytest.mark.parametrize(
    "value", ["甲\r\n乙", "\r开头", "_x000D_", "字面_x0041_转义", "_x005F_x0041_", "_x12_"]
)
def test_carriage_returns_and_escape_lookalikes_read_back_unchanged(value):
    """XML turns a raw CR into LF: the kit writes OOXML's escape, and escapes a literal one."""
    for data, sheet, row in (
        (write_book([(SHEET, [[value, value]])]), SHEET.name, 3),
        (write_table("表", ["名称"], [[value]]), "表", 2),
    ):
        assert open_book(data, [sheet]).rows(sheet)[row - 1][1][0] == value
