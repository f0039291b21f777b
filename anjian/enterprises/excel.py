"""The registry's workbook, declared for the spreadsheet kit (:mod:`anjian.core.sheets`).

Two data sheets, each declared once as a :class:`~anjian.core.sheets.Sheet` that serves the
template, the export and the importer, so an exported workbook imports back unchanged:
``企业名录`` (one row per enterprise) and ``证照`` (one row per licence, linked to its enterprise
by the credit code). Row 1 holds the Chinese headers, row 2 a description of each column, data
start at row 3. Coded columns (town, industry, status, grade, size) carry drop-down lists from
the code lists of :func:`default_codes`.

The workbook is Chinese whatever the user's language (``WORKBOOK_LANGUAGE`` of the kit): coded
values are written as their Chinese labels, and the importer accepts a label in any
configured language or the stored value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from anjian.core.sheets import NO, YES, Column, Sheet, workbook_labels, write_book
from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade

__all__ = [
    "COLUMNS",
    "DATA_SHEET",
    "ENTERPRISE_SHEET",
    "LICENCE_COLUMNS",
    "LICENCE_SHEET",
    "NONE",
    "SHEETS",
    "default_codes",
    "write_workbook",
]

DATA_SHEET = "企业名录"
NONE = "无"  # an explicitly empty list (e.g. departments set by hand to none)
# The code lists, in the order of the hidden 代码表 sheet's columns (A, B, …).
TOWNS, INDUSTRIES, STATUSES, GRADES, YES_NO, CATEGORIES = (
    "镇街",
    "行业小类",
    "经营状态",
    "标准化等级",
    "是否",
    "监管类别",
)

COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", "18位，按GB 32100-2015校验", True, 22),
    Column("name", "企业名称", "营业执照上的全称", True, 30),
    Column("former_names", "曾用名", "多个用分号；分隔", width=20),
    Column("address", "地址", "生产经营地址", width=30),
    Column("longitude", "经度", "WGS84，须在滕州市界内，如117.165", width=11),
    Column("latitude", "纬度", "WGS84，如35.084", width=11),
    Column("town", "镇街", "从下拉列表选择（也接受区划代码和原名称）", True, 12, TOWNS),
    Column("grid", "网格编码", "所在镇街的网格，可空", width=10),
    Column(
        "industry",
        "行业（小类）",
        "GB/T 4754-2017 四位小类代码，可从下拉列表选择",
        True,
        24,
        INDUSTRIES,
    ),
    Column(
        "departments",
        "监管部门",
        "留空则按行业自动确定；指定时填部门简称，分号分隔；“无”表示不设",
        width=16,
    ),
    Column("employees", "从业人数", "整数", width=9),
    Column("annual_revenue", "年营业收入（万元）", "数字", width=12),
    Column("above_designated_size", "规模以上", "是/否", width=9, choices=YES_NO),
    Column("legal_representative", "法定代表人", "", width=10),
    Column("principal", "主要负责人", "", width=10),
    Column("principal_phone", "主要负责人电话", "手机11位或固话如0632-5512345", width=15),
    Column("safety_manager", "安全管理人员", "", width=10),
    Column("safety_manager_phone", "安全管理人员电话", "手机11位或固话", width=15),
    Column("status", "经营状态", "在营/停产/关闭", True, 9, STATUSES),
    Column("categories", "监管类别", "见代码表“监管类别”列，多个用分号；分隔", width=24),
    Column(
        "standardisation_grade", "标准化等级", "一级/二级/三级/未达标", width=10, choices=GRADES
    ),
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


ENTERPRISE_SHEET = Sheet(DATA_SHEET, COLUMNS, "C3")
LICENCE_SHEET = Sheet("证照", LICENCE_COLUMNS, "D3")
SHEETS = (ENTERPRISE_SHEET, LICENCE_SHEET)


def default_codes(
    towns: Iterable[str], industries: Iterable[str], categories: Iterable[str]
) -> dict[str, list[str]]:
    """The code lists feeding the drop-downs, by name."""
    return {
        TOWNS: list(towns),
        INDUSTRIES: list(industries),
        STATUSES: list(workbook_labels(EnterpriseStatus).values()),
        GRADES: list(workbook_labels(StandardisationGrade).values()),
        YES_NO: [YES, NO],
        CATEGORIES: list(categories),
    }


def write_workbook(
    rows: Iterable[Sequence[Any]],
    codes: dict[str, list[str]],
    *,
    licences: Iterable[Sequence[Any]] = (),
    validation_rows: int = 2000,
) -> bytes:
    """The registry workbook of the enterprises' ``rows`` and the ``licences`` rows (cell
    values in column order), with the drop-downs of ``codes``."""
    return write_book(
        [(ENTERPRISE_SHEET, rows), (LICENCE_SHEET, licences)],
        codes,
        validation_rows=validation_rows,
    )
