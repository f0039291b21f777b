"""The registry's workbook: sheets and columns, the template, export, the annotated error copy.

Two data sheets, each declared once as a :class:`Sheet` (its name and :class:`Column` list) that
serves the template, the export and the importer, so an exported workbook imports back
unchanged: ``企业名录`` (one row per enterprise) and ``证照`` (one row per licence, linked to
its enterprise by the credit code). In every data sheet row 1 holds the Chinese headers, row 2
a description of each column, data start at row 3. Coded columns (town, industry, status,
grade, size) carry drop-down lists that point at the hidden sheet ``代码表``.

The workbook is a Chinese file format whatever the user's language: its sheet names, headers,
descriptions and coded values are Chinese (:data:`WORKBOOK_LANGUAGE`), so a file exported by a
user of the English pages imports back for anybody. The importer also accepts a coded value by
its label in any configured language or by its stored value. Only the reasons written into the
annotated copy follow the language of the user who ran the import.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.db.models import TextChoices
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade

__all__ = [
    "COLUMNS",
    "DATA_SHEET",
    "ENTERPRISE_SHEET",
    "FIRST_DATA_ROW",
    "LICENCE_COLUMNS",
    "LICENCE_SHEET",
    "SHEETS",
    "WORKBOOK_LANGUAGE",
    "Column",
    "Sheet",
    "accepted_labels",
    "annotate_workbook",
    "category_label",
    "read_workbook",
    "workbook_labels",
    "write_workbook",
]

WORKBOOK_LANGUAGE = "zh-hans"
DATA_SHEET = "企业名录"
CODE_SHEET = "代码表"
FIRST_DATA_ROW = 3
YES, NO = "是", "否"
NONE = "无"  # an explicitly empty list (e.g. departments set by hand to none)
LIST_SEPARATORS = (";", "；")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    description: str
    required: bool = False
    width: int = 14
    choices: str = ""  # the 代码表 column feeding its drop-down list


COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", "18位，按GB 32100-2015校验", True, 22),
    Column("name", "企业名称", "营业执照上的全称", True, 30),
    Column("former_names", "曾用名", "多个用分号；分隔", width=20),
    Column("address", "地址", "生产经营地址", width=30),
    Column("longitude", "经度", "WGS84，须在滕州市界内，如117.165", width=11),
    Column("latitude", "纬度", "WGS84，如35.084", width=11),
    Column("town", "镇街", "从下拉列表选择（也接受区划代码和原名称）", True, 12, "A"),
    Column("grid", "网格编码", "所在镇街的网格，可空", width=10),
    Column(
        "industry", "行业（小类）", "GB/T 4754-2017 四位小类代码，可从下拉列表选择", True, 24, "B"
    ),
    Column(
        "departments",
        "监管部门",
        "留空则按行业自动确定；指定时填部门简称，分号分隔；“无”表示不设",
        width=16,
    ),
    Column("employees", "从业人数", "整数", width=9),
    Column("annual_revenue", "年营业收入（万元）", "数字", width=12),
    Column("above_designated_size", "规模以上", "是/否", width=9, choices="E"),
    Column("legal_representative", "法定代表人", "", width=10),
    Column("principal", "主要负责人", "", width=10),
    Column("principal_phone", "主要负责人电话", "手机11位或固话如0632-5512345", width=15),
    Column("safety_manager", "安全管理人员", "", width=10),
    Column("safety_manager_phone", "安全管理人员电话", "手机11位或固话", width=15),
    Column("status", "经营状态", "在营/停产/关闭", True, 9, "C"),
    Column("categories", "监管类别", "代码见代码表F列，多个用分号；分隔", width=24),
    Column("standardisation_grade", "标准化等级", "一级/二级/三级/未达标", width=10, choices="D"),
    Column("standardisation_expires", "标准化有效期至", "日期，如2026-12-31", width=13),
    Column("insurance_insurer", "安责险承保机构", "", width=16),
    Column("insurance_expires", "安责险有效期至", "日期，如2026-12-31", width=13),
)

# Licences missing from the sheet are kept (a partial sheet never deletes): said where the
# user fills the sheet in, in the credit code's description.
LICENCE_COLUMNS: tuple[Column, ...] = (
    Column(
        "credit_code",
        "统一社会信用代码",
        "本文件企业名录中的企业，或您可修改的已登记企业；本表未列出的已有证照保留不变",
        True,
        22,
    ),
    Column("kind", "证照类型", "如安全生产许可证、危险化学品经营许可证", True, 24),
    Column("number", "证照编号", "类型+编号全市唯一；已登记的同一证照按本行更新", True, 26),
    Column("issuer", "发证机关", "", width=20),
    Column("issued_on", "发证日期", "日期，如2024-01-15", width=13),
    Column("expires_on", "有效期至", "日期，不早于发证日期", width=13),
)


@dataclass(frozen=True)
class Sheet:
    """A data sheet: its name, its columns, and ``freeze``, the first cell that scrolls (the
    headers above it and the identifying columns left of it stay in view)."""

    name: str
    columns: tuple[Column, ...]
    freeze: str
    by_header: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_header", {c.header: c for c in self.columns})

    def header_of(self, key: str) -> str:
        return next(column.header for column in self.columns if column.key == key)


ENTERPRISE_SHEET = Sheet(DATA_SHEET, COLUMNS, "C3")
LICENCE_SHEET = Sheet("证照", LICENCE_COLUMNS, "D3")
SHEETS = (ENTERPRISE_SHEET, LICENCE_SHEET)

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_DESCRIPTION_FONT = Font(italic=True, color="666666", size=9)
_ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


def category_label(key: str, name: str) -> str:
    """A category as written in a cell: its key, a space, its name (``whp_storage 危险化学品储存``).

    The importer reads the first token, so the key alone or the name alone is accepted too.
    """
    return f"{key} {name}"


def workbook_labels(choices: type[TextChoices]) -> dict[str, str]:
    """The label of each value as the workbook writes it (in :data:`WORKBOOK_LANGUAGE`)."""
    with translation.override(WORKBOOK_LANGUAGE):
        return {value: str(label) for value, label in choices.choices}


def accepted_labels(choices: type[TextChoices]) -> dict[str, str]:
    """The value of each label in every configured language, and of each value itself."""
    accepted: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            accepted.update({str(label): value for value, label in choices.choices})
    accepted.update({value: value for value in choices.values if value})
    return accepted


def _code_sheet(workbook: Workbook, codes: dict[str, list[str]]) -> dict[str, int]:
    sheet = workbook.create_sheet(CODE_SHEET)
    heads = {
        "A": "镇街",
        "B": "行业小类",
        "C": "经营状态",
        "D": "标准化等级",
        "E": "是否",
        "F": "监管类别",
    }
    lengths: dict[str, int] = {}
    for letter, head in heads.items():
        values = codes.get(letter, [])
        column = ord(letter) - ord("A") + 1
        sheet.cell(row=1, column=column, value=head)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=column, value=value)
        lengths[letter] = len(values)
        sheet.column_dimensions[letter].width = 30
    sheet.sheet_state = "hidden"
    return lengths


def default_codes(
    towns: Iterable[str], industries: Iterable[str], categories: Iterable[str]
) -> dict[str, list[str]]:
    """The drop-down sources of the 代码表 sheet, by its column letter."""
    return {
        "A": list(towns),
        "B": list(industries),
        "C": list(workbook_labels(EnterpriseStatus).values()),
        "D": list(workbook_labels(StandardisationGrade).values()),
        "E": [YES, NO],
        "F": list(categories),
    }


def _write_sheet(workbook: Workbook, sheet: Sheet, rows: Iterable[list[Any]]) -> tuple[Any, int]:
    """The sheet with its headers, descriptions and ``rows``; answers it and its row count."""
    worksheet = workbook.create_sheet(sheet.name)
    for index, column in enumerate(sheet.columns, start=1):
        head = worksheet.cell(row=1, column=index, value=column.header)
        head.font = _HEADER_FONT
        if column.required:
            head.fill = _REQUIRED_FILL
        text = ("必填。" if column.required else "") + column.description
        worksheet.cell(row=2, column=index, value=text).font = _DESCRIPTION_FONT
        worksheet.column_dimensions[get_column_letter(index)].width = column.width
    worksheet.freeze_panes = sheet.freeze
    count = 0
    for row in rows:
        worksheet.append(row)
        count += 1
    return worksheet, count


def _add_drop_downs(worksheet: Any, sheet: Sheet, lengths: dict[str, int], last_row: int) -> None:
    for index, column in enumerate(sheet.columns, start=1):
        if not column.choices or not lengths.get(column.choices):
            continue
        source = (
            f"'{CODE_SHEET}'!${column.choices}$2:${column.choices}${lengths[column.choices] + 1}"
        )
        validation = DataValidation(type="list", formula1=f"={source}", allow_blank=True)
        validation.error = "请从下拉列表中选择"
        validation.errorTitle = column.header
        letter = get_column_letter(index)
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        worksheet.add_data_validation(validation)


def write_workbook(
    rows: Iterable[list[Any]],
    codes: dict[str, list[str]],
    *,
    licences: Iterable[list[Any]] = (),
    validation_rows: int = 2000,
) -> bytes:
    """A workbook with headers, descriptions, drop-down lists, the enterprises' ``rows`` and
    the ``licences`` rows (cell values in column order); returned as bytes."""
    workbook = Workbook()
    default = workbook.worksheets[0]
    written = [
        (sheet, *_write_sheet(workbook, sheet, data))
        for sheet, data in ((ENTERPRISE_SHEET, rows), (LICENCE_SHEET, licences))
    ]
    workbook.remove(default)
    lengths = _code_sheet(workbook, codes)
    for sheet, worksheet, count in written:
        _add_drop_downs(worksheet, sheet, lengths, FIRST_DATA_ROW + max(count, validation_rows))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def annotate_workbook(source: IO[bytes], errors: Iterable[tuple[str, int, str, str]]) -> bytes:
    """A copy of the uploaded workbook with each bad cell filled red and commented with its
    reason; errors are (sheet name, row number, column header, reason). Errors of the main
    sheet go to the first sheet when no sheet bears its name (as the importer read it)."""
    source.seek(0)
    workbook = load_workbook(source)
    by_cell: dict[tuple[str, int, str], list[str]] = {}
    for sheet_name, row, header, reason in errors:
        by_cell.setdefault((sheet_name, row, header), []).append(reason)
    positions: dict[str, tuple[Any, dict[str, int]]] = {}
    for (sheet_name, row, header), reasons in by_cell.items():
        if sheet_name not in positions:
            worksheet: Any
            if sheet_name in workbook.sheetnames:
                worksheet = workbook[sheet_name]
            else:
                worksheet = workbook.worksheets[0]
            columns = {
                str(cell.value).strip().rstrip("*"): cell.column
                for cell in worksheet[1]
                if cell.value is not None
            }
            positions[sheet_name] = (worksheet, columns)
        worksheet, columns = positions[sheet_name]
        cell = worksheet.cell(row=row, column=columns.get(header, 1))
        cell.fill = _ERROR_FILL
        cell.comment = Comment("\n".join(reasons), "安监平台", width=300, height=120)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_workbook(source: IO[bytes]) -> dict[str, list[tuple[int, tuple[Any, ...]]]]:
    """(row number, values) of each data sheet the workbook has, headers first, by sheet name
    (see :mod:`.xlsx`); the enterprises' sheet is always there (the first sheet stands in)."""
    from anjian.enterprises.xlsx import read_sheets

    return read_sheets(source, [sheet.name for sheet in SHEETS])
