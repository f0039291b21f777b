"""Grids from a workbook on the spreadsheet kit: new grids created, known ones renamed, every
bad row named, and nothing written while any row is bad."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from anjian.core.models import AuditLog
from anjian.orgs.importing import ImportRejected, import_grids
from anjian.orgs.models import Grid
from conftest import make_user

pytestmark = pytest.mark.django_db

TOWN_A = "370481001000"  # 荆河街道
HEADERS = ("镇街", "网格编码", "网格名称", "范围说明")


def _workbook(*rows: tuple[str, ...]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "网格"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_a_town_imports_new_grids_and_renames_a_known_one():
    officer = make_user("importer", ("town", TOWN_A))
    known = Grid.objects.filter(town__code=TOWN_A).order_by("code").first()
    data = _workbook(
        ("荆河街道", "001-80", "荆河导入第一网格", "北片"),
        (TOWN_A, "001-81", "荆河导入第二网格", ""),
        ("荆河街道", known.code, "荆河改名网格", known.description),
    )
    assert import_grids(data, actor=officer) == (2, 1)
    assert Grid.objects.get(code="001-80").town.code == TOWN_A
    known.refresh_from_db()
    assert known.name == "荆河改名网格"
    assert AuditLog.objects.filter(action="import", detail__startswith="网格导入").exists()


def test_every_bad_row_is_named_and_nothing_is_written():
    officer = make_user("importer", ("town", TOWN_A))
    foreign = Grid.objects.filter(town__code="370481002000").first()
    data = _workbook(
        ("荆河街道", "001-82", "好的一行", ""),
        ("龙泉街道", "002-82", "别的镇街", ""),  # not the officer's town
        ("荆河街道", "坏 编码", "编码不合法", ""),
        ("荆河街道", "001-82", "重复编码", ""),
        ("荆河街道", foreign.code, "别人的网格", ""),
        ("荆河街道", "001-83", "", ""),
    )
    with pytest.raises(ImportRejected) as rejected:
        import_grids(data, actor=officer)
    rows = sorted({error.row for error in rejected.value.errors})
    assert rows == [3, 4, 5, 6, 7]
    assert not Grid.objects.filter(code__in=["001-82", "001-83"]).exists()


def test_the_page_imports_and_offers_the_template(client):
    client.force_login(make_user("importer", ("town", TOWN_A)))
    template = client.get("/orgs/grids/import/?template=1")
    headers = next(load_workbook(io.BytesIO(template.content)).active.iter_rows(values_only=True))
    assert tuple(headers) == HEADERS
    upload = io.BytesIO(_workbook(("荆河街道", "001-84", "页面导入网格", "")))
    upload.name = "grids.xlsx"
    response = client.post("/orgs/grids/import/", {"file": upload})
    assert 'data-testid="import-done"' in response.content.decode()
    assert Grid.objects.filter(code="001-84").exists()


def test_a_grid_inspector_cannot_import(client):
    client.force_login(make_user("inspector", ("grid", "001-01")))
    assert client.get("/orgs/grids/import/").status_code == 403
