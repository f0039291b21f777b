"""Import of an existing hidden-danger ledger (隐患台账) on the spreadsheet kit: every row checked
first, then all or nothing. Rows become open dangers (registered, with their deadline), through
the same service as a danger reported by hand; dangers already closed stay in the old ledger."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import audit
from anjian.core.sheets import (
    Column,
    Limits,
    Row,
    RowError,
    Sheet,
    WorkbookError,
    accepted_labels,
    check_sheet,
    open_book,
    parse_date,
    workbook_labels,
    write_book,
)
from anjian.dangers import services
from anjian.dangers.choices import DangerCategory, DangerSource
from anjian.enterprises.models import Enterprise
from anjian.standards import major_danger

__all__ = ["SHEET", "LedgerRejected", "import_ledger", "template"]

SOURCES, CATEGORIES = "来源", "类别"
SHEET = Sheet(
    "隐患台账",
    (
        Column("credit_code", "统一社会信用代码", "企业的18位代码", True, 20),
        Column("source", "来源", "从下拉列表选择", True, 12, SOURCES),
        Column("place", "隐患部位", "", True, 16),
        Column("description", "隐患描述", "", True, 40),
        Column("category", "隐患类别", "从下拉列表选择，可空", width=12, choices=CATEGORIES),
        Column("finder", "发现人", "", width=10),
        Column("found_on", "发现日期", "日期，如2026-03-01，可空", width=12),
        Column("responsible_person", "整改责任人", "", width=10),
        Column("deadline", "整改期限", "日期，不早于今天", True, 12),
        Column("criterion_code", "重大隐患判定条目", "如HC2017-05，一般隐患留空", width=16),
    ),
    freeze="B2",
    descriptions=False,
)
MAX_ROWS = 5000
# The texts of a row, checked as the danger report form checks them (the description alone
# may hold line breaks).
TEXTS = (
    ("place", gettext_lazy("隐患部位"), 200),
    ("description", gettext_lazy("隐患描述"), 2000),
    ("finder", gettext_lazy("发现人"), 50),
    ("responsible_person", gettext_lazy("整改责任人"), 50),
)
REQUIRED_TEXTS = ("place", "description")


class LedgerRejected(Exception):
    """The file was refused; nothing was written. ``errors`` names every bad cell."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def template() -> bytes:
    return write_book(
        [(SHEET, [])],
        {
            SOURCES: list(workbook_labels(DangerSource).values()),
            CATEGORIES: list(workbook_labels(DangerCategory).values()),
        },
    )


def _date(row: Row, key: str) -> date | None:
    try:
        return parse_date(row.get(key))
    except ValueError:
        row.error(key, _("日期格式应为 YYYY-MM-DD"))
        return None


class _Enterprises(dict[str, Enterprise | None]):
    """The writer's enterprises by credit code, looked up once each, in the writer's scope."""

    def __init__(self, actor: Any) -> None:
        super().__init__()
        self.actor = actor

    def __missing__(self, code: str) -> Enterprise | None:
        found = Enterprise.objects.visible_to(self.actor).filter(credit_code=code).first()
        self[code] = found
        return found


def _check(row: Row, enterprises: _Enterprises) -> dict[str, Any]:
    code = row.text("credit_code").upper()
    enterprise = enterprises[code] if code else None
    if enterprise is None:
        row.error("credit_code", _("企业不存在或不在您的管辖范围内"))
    source = accepted_labels(DangerSource).get(row.text("source"))
    if source is None:
        row.error("source", _("隐患来源无效"))
    category: str | None = DangerCategory.OTHER
    if row.text("category"):
        category = accepted_labels(DangerCategory).get(row.text("category"))
        if category is None:
            row.error("category", _("隐患类别无效"))
    for key, label, limit in TEXTS:
        try:
            services.clean_text(row.text(key), label, limit, required=key in REQUIRED_TEXTS,
                                one_line=key != "description")  # fmt: skip
        except ValidationError as error:
            row.error(key, " ".join(error.messages))
    deadline = _date(row, "deadline")
    if deadline is None and not row.text("deadline"):
        row.error("deadline", _("请填写整改期限"))
    elif deadline is not None and deadline < timezone.localdate():
        row.error("deadline", _("整改期限不能早于今天"))
    found_on = _date(row, "found_on")
    criterion = row.text("criterion_code").upper()
    if criterion:
        try:
            major_danger.criterion(criterion)
        except ValueError:
            row.error("criterion_code", _("重大隐患判定条目不存在"))
    return {
        "enterprise": enterprise,
        "source": source,
        "category": category,
        "place": row.text("place"),
        "description": row.text("description"),
        "finder": row.text("finder"),
        "responsible_person": row.text("responsible_person"),
        "deadline": deadline,
        "found_at": timezone.make_aware(datetime.combine(found_on, time.min)) if found_on else None,
        "criterion_code": criterion,
    }


def import_ledger(stream: IO[bytes] | bytes, *, actor: Any) -> list[Any]:
    """Register every row of the ledger as a hidden danger, or none (:class:`LedgerRejected`)."""
    if not services.may_report(actor):
        raise PermissionDenied(_("您无权登记隐患"))
    try:
        book = open_book(stream, [SHEET.name], limits=Limits(rows=MAX_ROWS))
    except WorkbookError as problem:
        raise LedgerRejected([RowError(SHEET.name, 1, "-", str(problem))]) from None
    enterprises = _Enterprises(actor)
    errors: list[RowError] = []
    checked = check_sheet(
        book.rows(SHEET.name), SHEET, lambda row: _check(row, enterprises), errors
    )
    if errors:
        raise LedgerRejected(errors)
    return _create_all([record for _number, record in checked.records], actor)


@transaction.atomic
def _create_all(records: list[dict[str, Any]], actor: Any) -> list[Any]:
    created = []
    for record in records:
        enterprise = record.pop("enterprise")
        try:
            created.append(services.create_danger(enterprise, record, actor=actor))
        except ValidationError as error:  # checked above; a race is still refused whole
            raise LedgerRejected([RowError(SHEET.name, 0, "-", " ".join(error.messages))]) from None
    audit.record(
        "import", actor=actor, after={"dangers": [d.pk for d in created]},
        detail=f"导入隐患台账{len(created)}条",
    )  # fmt: skip
    return created
