"""The demo city's registers, and the register workbook: all or nothing, every bad cell named,
levels computed (never read), hostile text inert in the card PDF."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from anjian.core.democity import DemoContext, build_demo
from anjian.core.hostile_testing import CORPUS
from anjian.core.sheets import write_book
from anjian.enterprises.models import Enterprise
from anjian.risks import services, sheets
from anjian.risks.models import EnterpriseRiskLevelChange, RiskPoint
from anjian.risks.tests.conftest import LEC_HIGH, point_with

pytestmark = pytest.mark.django_db


def test_the_demo_city_is_mostly_blue_and_yellow_and_idempotent() -> None:
    build_demo(DemoContext(seed=2018, options={"enterprises": 300}))
    levels = Counter(Enterprise.objects.values_list("risk_level", flat=True))
    total = sum(levels.values())
    assert levels["low"] + levels["moderate"] > 0.75 * total
    assert 0 < levels["high"] < 0.2 * total and levels["major"] < 0.03 * total
    assert levels["unassessed"] == 0
    # One change each when the register is built, more where another module's demo then raises
    # the level (a major hazard installation, an open major danger).
    changes = EnterpriseRiskLevelChange.objects.count()
    assert changes >= total
    points = RiskPoint.objects.count()
    build_demo(DemoContext(seed=2018, options={"enterprises": 300}))
    assert RiskPoint.objects.count() == points
    assert EnterpriseRiskLevelChange.objects.count() == changes


def _book(*rows: dict[str, Any]) -> bytes:
    return write_book([(sheets.REGISTER, [[r.get(c.key) for c in sheets.REGISTER.columns]
                                          for r in rows])])  # fmt: skip


ROW = {"point": "液氯库", "kind": "设备设施", "location": "北区", "post": "库管员",
       "description": "液氯泄漏", "factor": "22 化学性危险和有害因素", "accidents": "中毒、泄漏",
       "method": "LEC", "l": "3", "e": "6", "c": "15", "level": "低风险",
       "engineering": "泄漏报警", "control_level": "公司级", "responsible": "赵六"}  # fmt: skip


def test_an_import_computes_the_levels_and_groups_rows_by_point(pair: Any, city: Any) -> None:
    second = {**ROW, "description": "钢瓶倾倒", "factor": "21", "accidents": "物体打击",
              "l": "1", "e": "6", "c": "3", "rl": "", "engineering": "钢瓶固定"}  # fmt: skip
    created, errors = sheets.import_register(pair[0], _book(ROW, second), actor=city)
    assert (created, errors) == (1, [])
    point = RiskPoint.objects.get(enterprise=pair[0])
    assert point.level == "high"  # 3×6×15 = 270, whatever the file's level column says
    assert point.hazards.count() == 2 and point.measures.count() == 2
    assert point.hazards.order_by("pk").first().accident_types == ["WSA10023", "WSA10026"]


def test_a_bad_file_is_refused_whole_and_every_bad_cell_named(pair: Any, city: Any) -> None:
    bad = {**ROW, "point": "另一点", "l": "4", "kind": "设施", "factor": "99",
           "accidents": "爆炸了", "control_level": ""}  # fmt: skip
    created, errors = sheets.import_register(pair[0], _book(ROW, bad), actor=city)
    assert created == 0 and not RiskPoint.objects.filter(enterprise=pair[0]).exists()
    named = {(e.row, e.column) for e in errors}
    assert named == {(4, "L"), (4, "类型"), (4, "危险有害因素类别"), (4, "可能导致的事故类型"),
                     (4, "管控层级")}  # fmt: skip


def test_the_register_export_imports_back(pair: Any, city: Any) -> None:
    sheets.import_register(pair[0], _book(ROW), actor=city)
    data, count = sheets.export_register(RiskPoint.objects.filter(enterprise=pair[0]))
    assert count == 1
    created, errors = sheets.import_register(pair[1], data, actor=city)
    assert (created, errors) == (1, [])
    assert RiskPoint.objects.get(enterprise=pair[1]).level == "high"


def test_exports_keep_formulas_as_text(pair: Any, city: Any) -> None:
    point_with(pair[0], city, LEC_HIGH)
    point = RiskPoint.objects.get(enterprise=pair[0])
    services.update_point(point, {"name": CORPUS["formula"]}, actor=city)
    client = Client()
    client.force_login(city)
    for url in ("/risks/export.xlsx", f"/risks/enterprises/{pair[0].pk}/export.xlsx"):
        book = load_workbook(io.BytesIO(client.get(url).content))
        cells = [c for s in book.worksheets for row in s.iter_rows() for c in row
                 if c.value == CORPUS["formula"]]  # fmt: skip
        assert cells and all(c.data_type == "s" for c in cells), url


def test_hostile_text_is_inert_in_the_card_pdf(pair: Any, city: Any) -> None:
    from pypdf import PdfReader

    point = point_with(pair[0], city, LEC_HIGH)
    text = CORPUS["img"] + CORPUS["script"]
    services.update_point(point, {"name": text, "emergency_actions": CORPUS["template tag"]},
                          actor=city)  # fmt: skip
    client = Client()
    client.force_login(city)
    response = client.get(f"/risks/cards/{point.pk}/card.pdf")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    squeezed = "".join(page.extract_text().split())
    assert "".join(text.split()) in squeezed and "{%debug%}" in squeezed
    assert "/Annots" not in page
    images = page["/Resources"]["/XObject"]
    assert len(images) == 1  # the QR code only: the text named no file to embed
    page_html = client.get(f"/risks/cards/{point.pk}/").content.decode()
    assert "<script>alert" not in page_html and "&lt;script&gt;" in page_html
