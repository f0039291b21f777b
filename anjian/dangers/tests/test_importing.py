"""The ledger import: a bad cell refuses the whole file; a good one registers every row."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anjian.dangers import importing
from anjian.dangers.models import HiddenDanger
from anjian.dangers.tests.test_api import client

pytestmark = pytest.mark.django_db


def _ledger(*rows: list) -> io.BytesIO:
    book = load_workbook(io.BytesIO(importing.template()))
    sheet = book[importing.SHEET.name]
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "台账.xlsx"
    return buffer


def _row(works, **changes) -> list:
    values = {
        "credit_code": works.credit_code, "source": "企业自查", "place": "罐区",
        "description": "防火堤破损", "category": "设备设施", "finder": "张三", "found_on": "",
        "responsible_person": "李四",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "criterion_code": "",
    }  # fmt: skip
    values.update(changes)
    return [values[c.key] for c in importing.SHEET.columns]


def test_a_bad_cell_refuses_the_whole_ledger(works, other_works, people):
    ledger = _ledger(_row(works), _row(other_works), _row(works, criterion_code="X-9"))
    with pytest.raises(importing.LedgerRejected) as rejected:
        importing.import_ledger(ledger, actor=people["town"])
    messages = [str(e) for e in rejected.value.errors]
    assert len(messages) == 2  # the other town's enterprise, and the unknown criterion
    assert not HiddenDanger.objects.exists()


def test_a_good_ledger_registers_every_row(works, people):
    ledger = _ledger(_row(works), _row(works, criterion_code="HC2017-05", place="储罐"))
    created = importing.import_ledger(ledger, actor=people["town"])
    assert len(created) == 2 and sum(d.is_major for d in created) == 1
    c = client(people["town"])
    assert c.get("/dangers/import/").status_code == 200
    assert c.get("/dangers/template.xlsx").status_code == 200
    response = c.post("/dangers/import/", {"file": _ledger(_row(works))})
    assert response.status_code == 302 and HiddenDanger.objects.count() == 3


def test_a_line_break_in_a_one_line_cell_is_named(works, people):
    with pytest.raises(importing.LedgerRejected) as rejected:
        importing.import_ledger(_ledger(_row(works, finder="张三\t李四")), actor=people["town"])
    [error] = rejected.value.errors
    assert "发现人不能包含换行符或制表符" in str(error)
    assert not HiddenDanger.objects.exists()
