"""The lean reader gives the values openpyxl gives (dates as serials), and falls back to it."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from anjian.enterprises import xlsx
from anjian.enterprises.import_common import parse_date


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append(["代码", "名称", "人数", "收入", "日期", "布尔"])
    sheet.append(["91370481MA1KY2BAX7", "滕州市鑫源化工", 12, 3.5, date(2026, 12, 31), True])
    sheet["B3"] = CellRichText(["滕州", TextBlock(InlineFont(b=True), "粗体"), "公司"])
    sheet["F5"] = "末尾"  # rows 4 and cells A5-E5 missing
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_fast_reader_matches_openpyxl_values():
    data = _workbook()
    fast = xlsx._fast(io.BytesIO(data), ["企业名录"])["企业名录"]
    slow = xlsx._openpyxl(io.BytesIO(data), ["企业名录"])["企业名录"]
    assert fast[0] == slow[0]
    assert fast[1][1][:4] == slow[1][1][:4] and fast[1][1][5] is True
    assert parse_date(fast[1][1][4]) == date(2026, 12, 31) == parse_date(slow[1][1][4])
    assert fast[2] == (3, (None, "滕州粗体公司"))
    assert fast[-1] == (5, (None, None, None, None, None, "末尾"))


def _two_sheets(first: str) -> bytes:
    book = Workbook()
    book.active.title = first
    book.active.append(["企业"])
    book.create_sheet("证照").append(["证照"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_several_sheets_in_one_pass_absent_ones_left_out():
    for read in (xlsx._fast, xlsx._openpyxl):
        sheets = read(io.BytesIO(_two_sheets("企业名录")), ["企业名录", "证照", "别的"])
        assert sheets == {"企业名录": [(1, ("企业",))], "证照": [(1, ("证照",))]}


def test_the_main_sheet_falls_back_to_the_first_sheet_the_others_do_not():
    for read in (xlsx._fast, xlsx._openpyxl):
        sheets = read(io.BytesIO(_two_sheets("Sheet1")), ["企业名录", "其他"])
        assert sheets == {"企业名录": [(1, ("企业",))]}


def test_not_a_workbook_falls_back_to_openpyxl_and_fails_there():
    import pytest

    with pytest.raises(Exception):  # noqa: B017 (openpyxl's own error)
        xlsx.read_sheets(io.BytesIO(b"not a zip"), ["企业名录"])
