"""The licence sheet (证照) of the workbook: every error kind with its sheet, all-or-nothing
across both sheets, updates in the diff, scope, the command, and a fixed number of queries."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from anjian.core.models import AuditLog
from anjian.core.sheets import annotate, open_book
from anjian.enterprises.excel import LICENCE_COLUMNS, write_workbook
from anjian.enterprises.exporter import template_workbook
from anjian.enterprises.importer import apply_import, plan_import
from anjian.enterprises.models import Enterprise, Licence
from anjian.enterprises.queries import change_history
from anjian.enterprises.tests.conftest import new_code
from anjian.enterprises.tests.test_importer import row

pytestmark = pytest.mark.django_db

SHEET = "证照"


def licence(code: str, **values: Any) -> list[Any]:
    defaults = {
        "credit_code": code,
        "kind": "危险化学品经营许可证",
        "number": f"鲁枣危化经字〔2025〕{new_code()[-6:]}",
        "issuer": "滕州市应急管理局",
        "issued_on": "2025-01-15",
        "expires_on": "2028-01-14",
    }
    defaults.update(values)
    return [defaults.get(column.key) for column in LICENCE_COLUMNS]


def book(rows: list[list[Any]], licences: list[list[Any]]) -> io.BytesIO:
    return io.BytesIO(write_workbook(rows, {}, licences=licences))


def licence_errors(plan: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in plan.errors if e.sheet == SHEET]


def test_licences_of_new_enterprises_are_created_with_them():
    first, second = row(), row(name="滕州市恒泰机械有限公司", industry="3411")
    plan = plan_import(
        book(
            [first, second],
            [
                licence(first[0], number="A-1", issued_on=date(2024, 3, 1)),
                licence(first[0], kind="安全生产许可证", number="A-1", issuer=""),
                licence(second[0], number="B-1", expires_on=None),
            ],
        ),
        actor=None,
    )
    assert plan.ok and len(plan.licences.creates) == 3 and not plan.diffs
    assert apply_import(plan, actor=None) == (2, 0)
    chemical = Enterprise.objects.get(credit_code=first[0])
    assert sorted(chemical.licences.values_list("kind", "number", "issuer", "issued_on")) == [
        ("危险化学品经营许可证", "A-1", "滕州市应急管理局", date(2024, 3, 1)),
        ("安全生产许可证", "A-1", "", date(2025, 1, 15)),
    ]
    assert Licence.objects.get(number="B-1").expires_on is None
    summary = AuditLog.objects.get(action="import", detail__startswith="企业名录导入")
    assert summary.detail.endswith("证照新增3项，更新0项")


def test_a_workbook_without_the_licence_sheet_imports_as_before(pair):
    chemical, _machinery = pair
    Licence.objects.create(enterprise=chemical, kind="甲", number="1")
    data = book([row(credit_code=chemical.credit_code, name=chemical.name)], [])
    workbook = load_workbook(data)
    del workbook[SHEET]
    old = io.BytesIO()
    workbook.save(old)
    plan = plan_import(old, actor=None)
    assert plan.ok and plan.licences.rows == 0
    apply_import(plan, actor=None)
    assert list(chemical.licences.values_list("number", flat=True)) == ["1"]


@pytest.mark.parametrize(
    ("values", "column", "reason"),
    [
        ({"credit_code": "91370481MA3C0000X0"}, "统一社会信用代码", "校验码错误"),
        ({"kind": ""}, "证照类型", "证照类型不能为空"),
        ({"number": None}, "证照编号", "证照编号不能为空"),
        ({"kind": "证" * 101}, "证照类型", "超过100字"),
        ({"issued_on": "2025-02-30"}, "发证日期", "无法识别"),
        ({"expires_on": "明年"}, "有效期至", "无法识别"),
        ({"issued_on": "2025-06-01", "expires_on": "2025-05-31"}, "有效期至", "不能早于发证日期"),
    ],
)
def test_a_bad_licence_row_is_reported_with_its_sheet_row_and_column(values, column, reason):
    enterprise = row()
    plan = plan_import(
        book(
            [enterprise], [licence(enterprise[0], number="OK-1"), licence(enterprise[0], **values)]
        ),
        actor=None,
    )
    [(number, header, message)] = licence_errors(plan)
    assert (number, header) == (4, column) and reason in message
    assert all(e.sheet == SHEET for e in plan.errors)


def test_a_credit_code_neither_in_the_file_nor_registered_is_refused():
    stranger = new_code()
    plan = plan_import(book([row()], [licence(stranger)]), actor=None)
    [(number, header, message)] = licence_errors(plan)
    assert (number, header) == (3, "统一社会信用代码")
    assert stranger in message and "不在本文件的企业名录中，也未登记" in message


def test_the_same_licence_twice_in_the_file_names_the_first_row():
    first, second = row(), row()
    plan = plan_import(
        book([first, second], [licence(first[0], number="X-1"), licence(second[0], number="X-1")]),
        actor=None,
    )
    assert licence_errors(plan) == [(4, "证照编号", "证照类型和编号与第3行重复")]


def test_a_licence_registered_to_another_enterprise_is_refused(pair):
    chemical, machinery = pair
    Licence.objects.create(enterprise=machinery, kind="安全生产许可证", number="T-9")
    plan = plan_import(
        book([], [licence(chemical.credit_code, kind="安全生产许可证", number="T-9")]), actor=None
    )
    assert licence_errors(plan) == [(3, "证照编号", "该证照已登记在其他企业名下")]


def test_a_missing_required_licence_column_is_reported():
    workbook = load_workbook(book([row()], []))
    workbook[SHEET]["C1"] = "编号"
    data = io.BytesIO()
    workbook.save(data)
    plan = plan_import(data, actor=None)
    assert licence_errors(plan) == [(1, "证照编号", "缺少必填列“证照编号”")]


def test_one_bad_licence_row_and_nothing_is_written_in_either_sheet(pair, tmp_path):
    chemical, _machinery = pair
    new = row()
    data = book(
        [new, row(credit_code=chemical.credit_code, name="滕州市改名化工有限公司")],
        [licence(new[0]), licence(chemical.credit_code), licence(new[0], kind="")],
    )
    plan = plan_import(data, actor=None)
    assert [(e.sheet, e.row) for e in plan.errors] == [(SHEET, 5)]
    with pytest.raises(ValueError):
        apply_import(plan, actor=None)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data.getvalue())
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(path))
    chemical.refresh_from_db()
    assert chemical.name == "滕州市鑫源化工有限公司"
    assert not Enterprise.objects.filter(credit_code=new[0]).exists()
    assert not Licence.objects.exists()


def test_errors_of_both_sheets_are_listed_together_main_sheet_first():
    enterprise = row(principal_phone="123")
    plan = plan_import(book([enterprise], [licence(enterprise[0], number="")]), actor=None)
    assert [(e.sheet, e.row, e.column) for e in plan.errors] == [
        ("企业名录", 3, "主要负责人电话"),
        (SHEET, 3, "证照编号"),
    ]


def test_the_annotated_workbook_marks_the_bad_licence_cell():
    enterprise = row()
    data = book([enterprise], [licence(enterprise[0]), licence(enterprise[0], expires_on="X")])
    plan = plan_import(data, actor=None)
    annotated = load_workbook(
        io.BytesIO(annotate(open_book(data, ["企业名录", SHEET]), plan.errors))
    )[SHEET]
    cell = annotated.cell(row=4, column=[c.header for c in LICENCE_COLUMNS].index("有效期至") + 1)
    assert "无法识别" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")


def test_licence_changes_of_a_registered_enterprise_show_in_the_diff_then_are_written(pair):
    chemical, _machinery = pair
    changed = Licence.objects.create(
        enterprise=chemical, kind="安全生产许可证", number="S-1", expires_on=date(2025, 1, 1)
    )
    same = Licence.objects.create(enterprise=chemical, kind="排污许可证", number="P-1")
    absent = Licence.objects.create(enterprise=chemical, kind="甲", number="K-1")
    enterprise_row = row(
        credit_code=chemical.credit_code,
        name=chemical.name,
        town=chemical.town.name,
        grid=chemical.grid.code,
        categories="",
        principal_phone="",
        safety_manager_phone="",
        standardisation_expires=None,
    )
    plan = plan_import(
        book(
            [enterprise_row],
            [
                licence(
                    chemical.credit_code,
                    kind="安全生产许可证",
                    number="S-1",
                    issuer="",
                    issued_on=None,
                    expires_on="2028-01-01",
                ),  # fmt: skip
                licence(
                    chemical.credit_code,
                    kind="排污许可证",
                    number="P-1",
                    issuer="",
                    issued_on=None,
                    expires_on=None,
                ),  # fmt: skip
                licence(chemical.credit_code, kind="危险化学品经营许可证", number="N-1"),
            ],
        ),
        actor=None,
    )
    assert plan.ok and plan.unchanged == 0
    [diff] = plan.diffs
    assert diff.changes == []  # the enterprise's own columns are as registered
    assert diff.lines == [
        ("证照：安全生产许可证 S-1 有效期至", "2025-01-01", "2028-01-01"),
        (
            "证照：危险化学品经营许可证 N-1",
            "",
            "新增：发证机关 滕州市应急管理局；发证日期 2025-01-15；有效期至 2028-01-14",
        ),
    ]
    enterprise_updates = AuditLog.objects.filter(
        action="update", object_type="enterprises.enterprise"
    )
    assert apply_import(plan, actor=None) == (0, 1)
    changed.refresh_from_db()
    assert changed.expires_on == date(2028, 1, 1)
    assert set(chemical.licences.values_list("number", flat=True)) == {"S-1", "P-1", "N-1", "K-1"}
    assert Licence.objects.filter(pk__in=[same.pk, absent.pk]).count() == 2  # kept
    assert not enterprise_updates.exists()  # the enterprise's own columns did not change
    history = [(h.action, h.object_repr) for h in change_history(chemical)]
    assert ("update", "安全生产许可证 S-1") in history
    assert ("create", "危险化学品经营许可证 N-1") in history


def test_a_licence_only_workbook_updates_registered_enterprises(pair):
    chemical, _machinery = pair
    plan = plan_import(book([], [licence(chemical.credit_code, number="L-1")]), actor=None)
    assert plan.ok and plan.rows == 0
    [diff] = plan.diffs
    assert (diff.key, diff.name, diff.changes) == (chemical.credit_code, chemical.name, [])
    assert apply_import(plan, actor=None) == (0, 1)
    assert chemical.licences.get().number == "L-1"


def test_a_town_cannot_attach_licences_outside_its_territory(pair, town_a):
    own, foreign = pair
    data = book([], [licence(own.credit_code, number="O-1"), licence(foreign.credit_code)])
    plan = plan_import(data, actor=town_a)
    assert licence_errors(plan) == [
        (4, "统一社会信用代码", "该企业已由其他单位登记，您无权修改其证照")
    ]
    with pytest.raises(ValueError):
        apply_import(plan, actor=town_a)
    assert not Licence.objects.exists()
    plan = plan_import(book([], [licence(own.credit_code, number="O-1")]), actor=town_a)
    assert plan.ok
    apply_import(plan, actor=town_a)
    assert own.licences.get().number == "O-1"


def test_the_command_reports_licence_errors_and_imports_licences(pair, tmp_path, capsys):
    chemical, _machinery = pair
    path = tmp_path / "licences.xlsx"
    path.write_bytes(book([], [licence(chemical.credit_code, issued_on="不详")]).getvalue())
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(path))
    assert "证照 第3行 [发证日期]" in capsys.readouterr().err
    path.write_bytes(book([], [licence(chemical.credit_code, number="C-1")]).getvalue())
    call_command("import_enterprises", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "证照：危险化学品经营许可证 C-1" in out and "证照 1 新增，0 更新（未写入）" in out
    assert not Licence.objects.exists()
    call_command("import_enterprises", str(path))
    assert "证照 1 新增" in capsys.readouterr().out
    assert chemical.licences.get().number == "C-1"


def test_the_template_has_the_licence_sheet_and_says_missing_licences_are_kept():
    sheet = load_workbook(io.BytesIO(template_workbook()))[SHEET]
    assert [c.value for c in sheet[1]] == [c.header for c in LICENCE_COLUMNS]
    assert sheet["A2"].value.startswith("必填") and "保留不变" in sheet["A2"].value
    assert sheet.freeze_panes == "D3"


def test_licence_rows_cost_a_fixed_number_of_queries(pair):
    """Checked and written in bulk: ten times the rows, the same queries (leaving out the
    audit records of licences added to a registered enterprise, one per licence)."""
    chemical, _machinery = pair

    def queries(count: int) -> tuple[int, int]:
        new = row()
        rows = [licence(new[0]) for _ in range(count)]
        rows += [licence(chemical.credit_code) for _ in range(count)]
        data = book([new], rows)
        with CaptureQueriesContext(connection) as planning:
            plan = plan_import(data, actor=None)
        assert plan.ok and len(plan.licences.creates) == 2 * count
        with CaptureQueriesContext(connection) as applying:
            apply_import(plan, actor=None)
        writes = [
            q
            for q in applying.captured_queries
            if "audit" not in q["sql"] and "SAVEPOINT" not in q["sql"]  # the audit's own
        ]
        return len(planning), len(writes)

    queries(1)  # the audit chain's head is created once
    assert queries(3) == queries(30)


def test_the_import_page_lists_licence_errors_and_previews_licence_changes(
    client, pair, town_a, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    own, _foreign = pair
    client.force_login(town_a)
    bad = book([], [licence(own.credit_code, kind="")])
    bad.name = "bad.xlsx"
    page = client.post("/enterprises/import/", {"file": bad}).content.decode()
    assert "<td>证照</td><td>3</td><td>证照类型</td><td>证照类型不能为空</td>" in page
    good = book([], [licence(own.credit_code, number="P-1")])
    good.name = "good.xlsx"
    response = client.post("/enterprises/import/", {"file": good})
    page = response.content.decode()
    assert "证照：将新增 1 项，更新 0 项。" in page and "证照：危险化学品经营许可证 P-1" in page
    response = client.post(f"/enterprises/import/{response.context['token']}/confirm/", follow=True)
    assert "证照新增1项，更新0项" in response.content.decode()
    assert own.licences.get().number == "P-1"
