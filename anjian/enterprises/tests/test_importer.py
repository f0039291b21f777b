"""The workbook import: every error kind, all-or-nothing, updates as diffs, round trip."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from anjian.core.models import AuditLog
from anjian.core.sheets import annotate, open_book
from anjian.enterprises.excel import COLUMNS, write_workbook
from anjian.enterprises.exporter import export_workbook, template_workbook
from anjian.enterprises.importer import apply_import, plan_import
from anjian.enterprises.models import Enterprise, Licence
from anjian.enterprises.tests.conftest import INSIDE, OUTSIDE, make_enterprise, new_code
from anjian.orgs.models import Grid, Town, TownRenaming

pytestmark = pytest.mark.django_db


def row(**values: Any) -> list[Any]:
    town = Town.objects.order_by("code").first()
    defaults = {
        "credit_code": new_code(),
        "name": "滕州市鑫源化工有限公司",
        "longitude": INSIDE[0],
        "latitude": INSIDE[1],
        "town": town.name,
        "industry": "2614 有机化学原料制造",
        "status": "在营",
        "principal_phone": "13905321234",
        "safety_manager_phone": "0632-5512345",
        "categories": "whp_production 危险化学品生产；粉尘涉爆",
        "standardisation_expires": "2026-12-31",
    }
    defaults.update(values)
    return [defaults.get(column.key) for column in COLUMNS]


def workbook(*rows: list[Any]) -> io.BytesIO:
    return io.BytesIO(write_workbook(list(rows), {}))


def errors_of(*rows: list[Any], actor: Any = None) -> list[tuple[int, str, str]]:
    plan = plan_import(workbook(*rows), actor=actor)
    return [(e.row, e.column, e.message) for e in plan.errors]


def test_a_clean_workbook_creates_enterprises_with_derived_departments():
    plan = plan_import(
        workbook(row(), row(name="滕州市恒泰机械有限公司", industry="3411")), actor=None
    )
    assert plan.ok and len(plan.creates) == 2
    assert apply_import(plan, actor=None) == (2, 0)
    chemical = Enterprise.objects.get(name="滕州市鑫源化工有限公司")
    assert chemical.name_initials == "TZSXYHGYXGS"
    assert set(chemical.departments.values_list("code", flat=True)) == {"yjglj", "gxj"}
    assert chemical.categories.count() == 2
    assert AuditLog.objects.filter(action="import").exists()


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        ({"credit_code": "91370481MA3C0000X0"}, "统一社会信用代码", "校验码错误"),
        ({"credit_code": "91370481MA3C"}, "统一社会信用代码", "应为18位"),
        ({"name": ""}, "企业名称", "不能为空"),
        ({"town": "不存在镇"}, "镇街", "不存在"),
        ({"industry": "9999"}, "行业（小类）", "不在GB/T 4754-2017中"),
        ({"industry": "26"}, "行业（小类）", "不是小类"),
        ({"longitude": OUTSIDE[0], "latitude": OUTSIDE[1]}, "经度", "不在滕州市界内"),
        ({"latitude": None}, "纬度", "同时填写"),
        ({"longitude": "东经"}, "经度", "须为数字"),
        ({"standardisation_expires": "2026年13月"}, "标准化有效期至", "日期"),
        ({"standardisation_expires": "2026-02-30"}, "标准化有效期至", "日期"),
        ({"principal_phone": "1390532"}, "主要负责人电话", "格式不正确"),
        ({"status": "营业"}, "经营状态", "在营、停产或关闭"),
        ({"categories": "nope:1 不存在"}, "监管类别", "不存在"),
        # Only the city's key categories: a regulators' list item is not an enterprise category.
        ({"categories": "gongmao_8:4 机械"}, "监管类别", "不存在"),
        ({"grid": "999-99"}, "网格编码", "不存在"),
        ({"employees": "很多"}, "从业人数", "不是数字"),
        ({"employees": -3}, "从业人数", "负数"),
        ({"above_designated_size": "也许"}, "规模以上", "是"),
        ({"standardisation_grade": "特级"}, "标准化等级", "一级"),
        ({"departments": "不存在局"}, "监管部门", "不存在"),
    ],
)
def test_each_bad_value_is_reported_with_row_column_and_reason(values, column, reason):
    errors = errors_of(row(), row(**values))
    assert len(errors) == 1, errors
    number, header, message = errors[0]
    assert (number, header) == (4, column)
    assert reason in message


def test_grid_of_another_town_is_rejected():
    other = Grid.objects.exclude(town=Town.objects.order_by("code").first()).first()
    [(_n, header, message)] = errors_of(row(grid=other.code))
    assert header == "网格编码" and "不属于该镇街" in message


def test_duplicate_codes_in_the_file_name_the_first_row():
    code = new_code()
    [(number, _header, message)] = errors_of(row(credit_code=code), row(credit_code=code.lower()))
    assert number == 4 and "与第3行重复" in message


def test_code_registered_outside_the_importers_towns_is_refused(town_a, towns):
    other = make_enterprise(towns[1])
    errors = errors_of(row(credit_code=other.credit_code), actor=town_a)
    assert [e[2] for e in errors] == ["该企业已由其他单位登记，您无权修改"]
    errors = errors_of(row(town=towns[1].name), actor=town_a)
    assert "不在您的管辖范围内" in errors[0][2]


def test_former_town_names_and_codes_resolve():
    renaming = TownRenaming.objects.select_related("town").first()
    plan = plan_import(
        workbook(row(town=renaming.former_name), row(town=renaming.former_code)), actor=None
    )
    assert plan.ok and {r["town_id"] for r in plan.creates} == {renaming.town_id}


def test_missing_required_column_is_reported():
    sheet = io.BytesIO(write_workbook([], {}))
    book = load_workbook(sheet)
    book["企业名录"]["B1"] = "别的列"
    out = io.BytesIO()
    book.save(out)
    errors = [(e.row, e.column) for e in plan_import(out, actor=None).errors]
    assert errors == [(1, "企业名称")]


def test_one_bad_row_and_nothing_is_written_all_errors_listed():
    before = Enterprise.objects.count()
    bad = workbook(row(), row(credit_code="X"), row(), row(town="无"))
    plan = plan_import(bad, actor=None)
    assert [e.row for e in plan.errors] == [4, 6]
    with pytest.raises(ValueError):
        apply_import(plan, actor=None)
    with pytest.raises(CommandError):
        call_command("import_enterprises", _path(bad))
    assert Enterprise.objects.count() == before


def _path(data: io.BytesIO, tmp_path_factory: Any = None) -> str:
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.write(data.getvalue())
    handle.close()
    return handle.name


def test_annotated_workbook_marks_bad_cells_with_comments():
    bad = workbook(row(), row(principal_phone="123"))
    plan = plan_import(bad, actor=None)
    annotated = load_workbook(
        io.BytesIO(annotate(open_book(bad, ["企业名录", "证照"]), plan.errors))
    )["企业名录"]
    column = [c.header for c in COLUMNS].index("主要负责人电话") + 1
    cell = annotated.cell(row=4, column=column)
    assert "格式不正确" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")


def test_update_shows_a_diff_before_commit(towns):
    existing = make_enterprise(towns[0], "滕州市旧名化工有限公司", principal="张三")
    plan = plan_import(
        workbook(
            row(credit_code=existing.credit_code, name="滕州市新名化工有限公司", town=towns[0].name)
        ),
        actor=None,
    )
    assert plan.ok and not plan.creates
    [diff] = plan.diffs
    changes = {column: (old, new) for column, old, new in diff.changes}
    assert changes["企业名称"] == ("滕州市旧名化工有限公司", "滕州市新名化工有限公司")
    existing.refresh_from_db()
    assert existing.name == "滕州市旧名化工有限公司"  # nothing written by the preview
    assert apply_import(plan, actor=None) == (0, 1)
    existing.refresh_from_db()
    assert existing.name == "滕州市新名化工有限公司" and existing.name_initials.startswith("TZSXM")
    assert AuditLog.objects.filter(object_id=str(existing.pk), action="update").exists()


def test_export_then_import_into_an_empty_registry_round_trips(towns, tmp_path):
    first = make_enterprise(
        towns[0], "滕州市甲化工有限公司", former_names=["滕州市乙厂"], employees=12
    )
    second = make_enterprise(towns[1], "滕州市丙机械有限公司", industry="3411", status="closed")
    Licence.objects.create(
        enterprise=first,
        kind="危险化学品经营许可证",
        number="鲁枣危化经字〔2025〕0001",
        issuer="滕州市应急管理局",
        issued_on=date(2025, 1, 15),
        expires_on=date(2028, 1, 14),
    )
    Licence.objects.create(enterprise=first, kind="安全生产许可证", number="0002")
    Licence.objects.create(enterprise=second, kind="排污许可证", number="12345")
    second.departments.set([])
    Enterprise.objects.filter(pk=second.pk).update(departments_overridden=True)
    fields = ["credit_code", "name", "former_names", "town_id", "industry_id", "status",
              "longitude", "latitude", "employees", "departments_overridden"]  # fmt: skip
    snapshot = sorted(Enterprise.objects.values_list(*fields))
    departments = sorted(
        Enterprise.objects.values_list("credit_code", "departments__code"), key=str
    )
    licence_fields = ["enterprise__credit_code", "kind", "number", "issuer", "issued_on",
                      "expires_on"]  # fmt: skip
    licences = sorted(Licence.objects.values_list(*licence_fields), key=str)
    path = tmp_path / "export.xlsx"
    call_command("export_enterprises", str(path))
    Enterprise.objects.all().delete()
    assert not Licence.objects.exists()
    call_command("import_enterprises", str(path))
    assert sorted(Enterprise.objects.values_list(*fields)) == snapshot
    assert sorted(Licence.objects.values_list(*licence_fields), key=str) == licences
    assert (
        sorted(Enterprise.objects.values_list("credit_code", "departments__code"), key=str)
        == departments
    )
    again = plan_import(io.BytesIO(path.read_bytes()), actor=None)
    assert again.ok and not again.diffs  # re-importing the same workbook changes nothing


def test_template_has_headers_description_and_drop_downs():
    book = load_workbook(io.BytesIO(template_workbook()))
    sheet = book["企业名录"]
    assert [c.value for c in sheet[1]][:2] == ["统一社会信用代码", "企业名称"]
    assert sheet["A2"].value.startswith("必填")
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("代码表" in f for f in formulas) and len(formulas) >= 4
    assert book["代码表"].sheet_state == "hidden"


def test_export_workbook_counts(towns):
    make_enterprise(towns[0])
    _data, count = export_workbook(Enterprise.objects.all())
    assert count == Enterprise.objects.count()


def test_the_workbook_is_chinese_whatever_the_users_language(towns):
    """A file exported from the English pages imports under Chinese, and the reverse: coded
    values are written in Chinese, and read by their label in any language or by their value."""
    make_enterprise(towns[0], "滕州市甲化工有限公司", status="suspended", standardisation_grade="2")
    with translation.override("en"):
        exported, _count = export_workbook(Enterprise.objects.all())
        template = load_workbook(io.BytesIO(template_workbook()))
    sheet = load_workbook(io.BytesIO(exported))["企业名录"]
    headers = [c.value for c in sheet[1]]
    values = [c.value for c in sheet[3]]
    assert values[headers.index("经营状态")] == "停产"
    assert values[headers.index("标准化等级")] == "二级"
    codes = [c.value for c in template["代码表"]["C"] if c.value]
    assert codes == ["经营状态", "在营", "停产", "关闭"]
    with translation.override("zh-hans"):
        plan = plan_import(io.BytesIO(exported), actor=None)
        assert plan.ok and not plan.diffs, plan.errors
    for language in ("en", "zh-hans"):
        with translation.override(language):
            rows = [row(status=s) for s in ("在营", "Suspended", "closed")]
            plan = plan_import(workbook(*rows, row(standardisation_grade="Grade 1")), actor=None)
        assert plan.ok, (language, plan.errors)
        assert [r["status"] for r in plan.creates] == [
            "operating", "suspended", "closed", "operating"
        ]  # fmt: skip
        assert plan.creates[3]["standardisation_grade"] == "1"
