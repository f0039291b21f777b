"""Importing the registry workbook: every row checked, nothing written unless all are good.

The registry's row checks on the spreadsheet kit (:mod:`anjian.core.sheets`), which reads the
upload (.xlsx, .xls, .ods, guarded), matches the headers, names every bad cell and annotates the
workbook. :func:`plan_import` checks a workbook and answers an :class:`ImportPlan`: the rows to
create, the enterprises to update (with their differences, shown before commit), and every
error as (sheet, row number, column, reason in the importing user's language). The ``证照``
sheet, when the workbook has one, is checked with the enterprises (:mod:`.licence_import`): a
bad row in either sheet and nothing is written. :func:`apply_import` writes a clean plan in one
transaction with multi-row INSERTs and ``bulk_update``. Lookups are sets and dictionaries loaded
with a fixed number of queries (bench/: the target is 0.6× openpyxl's mere read).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.accounts.access import grants_for
from anjian.core import audit
from anjian.core.sheets import (
    BATCH,
    NO,
    YES,
    Book,
    Diff,
    Preview,
    Progress,
    Row,
    RowError,
    accepted_labels,
    check_sheet,
    executemany,
    first_token,
    open_book,
    parse_date,
    shown,
    split_list,
    text,
)
from anjian.core.sheets.checking import WRITING
from anjian.enterprises import credit_code as credit
from anjian.enterprises import validation
from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade
from anjian.enterprises.excel import (
    COLUMNS,
    DATA_SHEET,
    ENTERPRISE_SHEET,
    LICENCE_SHEET,
    NONE,
)
from anjian.enterprises.geo import city_shape
from anjian.enterprises.licence_import import (
    LicencePlan,
    apply_licences,
    check_licence_rows,
    plan_licences,
)
from anjian.enterprises.models import Enterprise, name_initials
from anjian.enterprises.services import DepartmentIndex
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Department, Grid, Industry, SupervisionCategory, Town, TownRenaming

__all__ = ["IMPORTER", "ImportPlan", "apply_import", "plan_import"]

_FIELDS = [column.key for column in COLUMNS if column.key not in ("departments", "categories")]
_HEADER_OF = {column.key: column.header for column in COLUMNS}


@dataclass
class ImportPlan:
    rows: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    diffs: list[Diff] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    licences: LicencePlan = field(default_factory=LicencePlan)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        """Enterprises of the 企业名录 sheet with neither their columns nor licences changed."""
        changed = {diff.key for diff in self.diffs}
        return sum(1 for record in self.updates if record["credit_code"] not in changed)

    def preview(self) -> Preview:
        """What the import page shows (and a background check keeps for it)."""
        return Preview(
            errors=self.errors,
            diffs=self.diffs,
            counts={
                "creates": len(self.creates),
                "updates": len(self.diffs),
                "unchanged": self.unchanged,
                "licence_rows": self.licences.rows,
                "licence_creates": len(self.licences.creates),
                "licence_updates": len(self.licences.updates),
            },
        )


class _Lookups:
    """Everything a row is checked against, loaded with a handful of queries."""

    def __init__(self, actor: Any) -> None:
        self.towns: dict[str, int] = {}
        self.town_codes: dict[int, str] = {}
        for pk, code, name in Town.objects.values_list("pk", "code", "name"):
            self.towns[code] = self.towns[name] = pk
            self.town_codes[pk] = code
        for town_id, code, name in TownRenaming.objects.values_list(
            "town_id", "former_code", "former_name"
        ):
            self.towns.setdefault(code, town_id)
            self.towns.setdefault(name, town_id)
        self.grids = {
            code: (pk, town) for pk, code, town in Grid.objects.values_list("pk", "code", "town_id")
        }
        self.industries = {
            code: (pk, level, section)
            for pk, code, level, section in Industry.objects.values_list(
                "pk", "code", "level", "section"
            )
        }
        self.departments: dict[str, int] = {}
        for pk, code, name, short in Department.objects.values_list(
            "pk", "code", "name", "short_name"
        ):
            self.departments[code] = self.departments[name] = pk
            if short:
                self.departments[short] = pk
        # The city's key categories only, by key or by name (``whp_storage 危险化学品储存``).
        self.categories: dict[str, int] = {}
        for pk, key, name in SupervisionCategory.objects.key_list().values_list(
            "pk", "key", "name"
        ):
            self.categories[key] = self.categories[name] = pk
        self.statuses = accepted_labels(EnterpriseStatus)
        self.grades = accepted_labels(StandardisationGrade)
        self.shape = city_shape()
        # ``actor=None`` is the system (a management command): the whole city.
        grants = grants_for(actor) if actor is not None else None
        self.all_towns = grants is None or grants.city_wide
        self.my_towns = (
            {self.towns[c] for c in grants.towns if c in self.towns} if grants else set()
        )
        self.department_index = DepartmentIndex()


def _check_row(row: Row, lookups: _Lookups, in_file: set[str]) -> dict[str, Any] | None:
    """One row of 企业名录 as a record in database form; every bad cell named on ``row``.
    ``in_file`` collects every well-formed credit code, bad rows' too (their licences are
    then not reported as belonging to no enterprise)."""
    record: dict[str, Any] = {}
    values = row.values
    error = row.error

    def rule(key: str, check: Callable[[Any], Any], value: Any) -> Any:
        """The registry's own rule for the cell (:mod:`.validation`), its message if broken."""
        try:
            return check(value)
        except ValidationError as problem:
            error(key, " ".join(problem.messages))
            return value

    try:
        record["credit_code"] = credit.normalize(values.get("credit_code"))
        in_file.add(record["credit_code"])
    except credit.CreditCodeError as problem:
        error("credit_code", problem.translate(_))
    record["name"] = rule("name", validation.name, text(values.get("name")))
    record["former_names"] = split_list(values.get("former_names"))
    record["address"] = rule("address", validation.plain_text, text(values.get("address")))[:300]

    lng_raw, lat_raw = values.get("longitude"), values.get("latitude")
    record["longitude"] = record["latitude"] = None
    if (lng_raw in (None, "")) != (lat_raw in (None, "")):
        error(
            "longitude" if lng_raw in (None, "") else "latitude",
            _("经度和纬度须同时填写或同时留空"),
        )
    elif lng_raw not in (None, ""):
        try:
            lng, lat = float(lng_raw), float(lat_raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            error("longitude", _("经纬度须为数字"))
        else:
            if lookups.shape is not None and not lookups.shape.contains(lng, lat):
                error(
                    "longitude",
                    _("坐标（%(lng)s，%(lat)s）不在滕州市界内") % {"lng": lng, "lat": lat},
                )
            record["longitude"], record["latitude"] = lng, lat

    town_text = text(values.get("town"))
    town_id = lookups.towns.get(town_text) or lookups.towns.get(first_token(town_text))
    if not town_text:
        error("town", _("镇街不能为空"))
    elif town_id is None:
        error("town", _("镇街“%(town)s”不存在") % {"town": town_text})
    elif not lookups.all_towns and town_id not in lookups.my_towns:
        error("town", _("镇街“%(town)s”不在您的管辖范围内") % {"town": town_text})
    record["town_id"] = town_id

    grid_text = text(values.get("grid"))
    record["grid_id"] = None
    if grid_text:
        grid = lookups.grids.get(grid_text)
        if grid is None:
            error("grid", _("网格“%(grid)s”不存在") % {"grid": grid_text})
        elif town_id is not None and grid[1] != town_id:
            error("grid", _("网格“%(grid)s”不属于该镇街") % {"grid": grid_text})
        else:
            record["grid_id"] = grid[0]

    industry_text = first_token(text(values.get("industry")))
    industry = lookups.industries.get(industry_text)
    record["industry_id"] = None
    if not industry_text:
        error("industry", _("行业不能为空"))
    elif industry is None:
        error("industry", _("行业代码“%(code)s”不在GB/T 4754-2017中") % {"code": industry_text})
    elif industry[1] != IndustryLevel.CLASS:
        error("industry", _("行业代码“%(code)s”不是小类（四位）") % {"code": industry_text})
    else:
        record["industry_id"] = industry[0]
        record["industry_section"] = industry[2]
        record["industry_code"] = industry_text

    departments_text = text(values.get("departments"))
    record["department_ids"] = None
    if departments_text == NONE:
        record["department_ids"] = []
    elif departments_text:
        ids = []
        for item in split_list(departments_text):
            if item in lookups.departments:
                ids.append(lookups.departments[item])
            else:
                error("departments", _("监管部门“%(department)s”不存在") % {"department": item})
        record["department_ids"] = sorted(set(ids))

    for key in ("employees", "annual_revenue"):
        raw = values.get(key)
        record[key] = None
        if raw in (None, ""):
            continue
        try:
            number = Decimal(str(raw).strip())
        except InvalidOperation:
            error(key, _("“%(value)s”不是数字") % {"value": raw})
            continue
        if key == "employees":
            if number != number.to_integral_value():
                error(key, _("从业人数须为整数"))
            record[key] = rule(key, validation.employees, int(number))
        else:
            record[key] = rule(key, validation.revenue, number.quantize(Decimal("0.01")))

    size = text(values.get("above_designated_size"))
    if size not in ("", YES, NO):
        error("above_designated_size", _("请填“是”或“否”"))
    record["above_designated_size"] = size == YES

    for key in ("legal_representative", "principal", "safety_manager", "insurance_insurer"):
        limit = 100 if key == "insurance_insurer" else 50
        record[key] = rule(key, validation.plain_text, text(values.get(key)))[:limit]
    for key in ("principal_phone", "safety_manager_phone"):
        record[key] = rule(key, validation.phone, text(values.get(key)))

    status_text = text(values.get("status"))
    record["status"] = lookups.statuses.get(status_text)
    if record["status"] is None:
        error(
            "status",
            _("经营状态“%(status)s”应为在营、停产或关闭") % {"status": status_text}
            if status_text
            else _("经营状态不能为空"),
        )

    category_ids = []
    for item in split_list(values.get("categories")):
        # By name (as exported), by key, or ``key name`` (as earlier exports wrote).
        pk = lookups.categories.get(item) or lookups.categories.get(first_token(item))
        if pk is None:
            error("categories", _("监管类别“%(category)s”不存在") % {"category": item})
        else:
            category_ids.append(pk)
    record["category_ids"] = sorted(set(category_ids))

    grade_text = text(values.get("standardisation_grade"))
    record["standardisation_grade"] = lookups.grades.get(grade_text, "") if grade_text else ""
    if grade_text and grade_text not in lookups.grades:
        error(
            "standardisation_grade",
            _("标准化等级“%(grade)s”应为一级、二级、三级或未达标") % {"grade": grade_text},
        )
    for key in ("standardisation_expires", "insurance_expires"):
        try:
            record[key] = parse_date(values.get(key))
        except ValueError as problem:
            error(key, str(problem))
        else:
            if record[key] is not None:
                rule(key, validation.a_date, record[key])
    return None if row.bad else record


def plan_import(
    source: IO[bytes] | bytes | Book, *, actor: Any, progress: Progress | None = None
) -> ImportPlan:
    """Read and check a workbook; nothing is written. ``actor=None`` is the system. Raises
    :class:`~anjian.core.sheets.WorkbookError` for a file refused before its rows are read."""
    plan = ImportPlan()
    book = open_book(source, [sheet.name for sheet in (ENTERPRISE_SHEET, LICENCE_SHEET)])
    lookups = _Lookups(actor)
    rows = book.rows(DATA_SHEET)
    if not rows:
        plan.errors.append(RowError(DATA_SHEET, 1, "", _("工作簿为空")))
        return plan
    in_file: set[str] = set()  # every well-formed code of the sheet, bad rows' too
    checked = check_sheet(
        rows,
        ENTERPRISE_SHEET,
        lambda row: _check_row(row, lookups, in_file),
        plan.errors,
        unique=lambda record: record["credit_code"],
        unique_column="credit_code",
        duplicate_message=_("统一社会信用代码与第%(row)s行重复"),
        progress=progress,
    )
    if not checked.present:
        return plan
    plan.rows = checked.rows
    records = checked.records
    seen = {record["credit_code"]: number for number, record in records}
    licence_records = check_licence_rows(book.rows(LICENCE_SHEET.name), plan.licences, plan.errors)
    if plan.rows == 0 and plan.licences.rows == 0 and not plan.errors:
        first = ENTERPRISE_SHEET.first_data_row
        plan.errors.append(
            RowError(
                DATA_SHEET, first, "", _("没有数据行（数据从第%(row)s行开始）") % {"row": first}
            )
        )
    existing = _existing(list(seen))
    others = _registered(sorted({r["credit_code"] for _n, r in licence_records} - set(existing)))
    ids = [e["pk"] for e in existing.values()] + [pk for pk, _name in others.values()]
    editable = set(ids)
    if actor is not None and ids:
        editable = set(
            Enterprise.objects.editable_by(actor).filter(pk__in=ids).values_list("pk", flat=True)
        )
    for number, record in records:
        current = existing.get(record["credit_code"])
        if current is None:
            plan.creates.append(record)
        elif current["pk"] not in editable:
            plan.errors.append(
                RowError(
                    DATA_SHEET,
                    number,
                    _HEADER_OF["credit_code"],
                    _("该企业已由其他单位登记，您无权修改"),
                )
            )
        else:
            record["pk"] = current["pk"]
            plan.updates.append(record)
            changes = _differences(current, record, lookups)
            if changes:
                plan.diffs.append(Diff(record["credit_code"], record["name"], changes))
    registered = {code: row["pk"] for code, row in existing.items()}
    registered.update({code: pk for code, (pk, _name) in others.items()})
    plan_licences(
        licence_records,
        plan.licences,
        plan.errors,
        in_file=in_file,
        registered=registered,
        editable=editable,
    )
    _add_licence_changes(plan, existing, others)
    sheet_order = {DATA_SHEET: 0, LICENCE_SHEET.name: 1}
    plan.errors.sort(key=lambda e: (sheet_order[e.sheet], e.row, e.column))
    return plan


def _registered(codes: list[str]) -> dict[str, tuple[int, str]]:
    """Id and name of the registered enterprises among ``codes``."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(codes), BATCH):
        chunk = Enterprise.objects.filter(credit_code__in=codes[start : start + BATCH])
        found.update(
            (code, (pk, name)) for code, pk, name in chunk.values_list("credit_code", "pk", "name")
        )
    return found


def _add_licence_changes(
    plan: ImportPlan, existing: dict[str, dict[str, Any]], others: dict[str, tuple[int, str]]
) -> None:
    """The licence changes of registered enterprises join their diffs (a diff of its own for an
    enterprise that changes only in its licences)."""
    diffs = {diff.key: diff for diff in plan.diffs}
    for code, lines in plan.licences.changes.items():
        if code not in diffs:
            name = existing[code]["name"] if code in existing else others[code][1]
            diffs[code] = Diff(code, name, [])
            plan.diffs.append(diffs[code])
        diffs[code].related.extend(lines)


def _existing(codes: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    fields = ["pk", "departments_overridden", *_FIELDS]
    fields = [f"{f}_id" if f in ("town", "grid", "industry") else f for f in fields]
    for start in range(0, len(codes), BATCH):
        chunk = codes[start : start + BATCH]
        for row in Enterprise.objects.filter(credit_code__in=chunk).values(*fields):
            row["category_ids"] = []
            row["department_ids"] = []
            found[row["credit_code"]] = row
    if found:
        by_pk = {row["pk"]: row for row in found.values()}
        through = Enterprise.categories.through.objects.filter(enterprise_id__in=list(by_pk))
        for enterprise_id, category_id in through.values_list(
            "enterprise_id", "supervisioncategory_id"
        ):
            by_pk[enterprise_id]["category_ids"].append(category_id)
        through_d = Enterprise.departments.through.objects.filter(enterprise_id__in=list(by_pk))
        for enterprise_id, department_id in through_d.values_list("enterprise_id", "department_id"):
            by_pk[enterprise_id]["department_ids"].append(department_id)
    return found


def _differences(
    current: dict[str, Any], record: dict[str, Any], lookups: _Lookups
) -> list[tuple[str, str, str]]:
    changes = []
    for key in _FIELDS:
        attr = f"{key}_id" if key in ("town", "grid", "industry") else key
        old, new = current.get(attr), record.get(attr)
        if key == "annual_revenue" and old is not None:
            old = Decimal(old).quantize(Decimal("0.01"))
        if old != new and not (old in (None, "") and new in (None, "")):
            changes.append((_HEADER_OF[key], shown(old), shown(new)))
    if sorted(current["category_ids"]) != record["category_ids"]:
        changes.append(
            (
                _HEADER_OF["categories"],
                shown(sorted(current["category_ids"])),
                shown(record["category_ids"]),
            )
        )
    if (
        record["department_ids"] is not None
        and sorted(current["department_ids"]) != record["department_ids"]
    ):
        changes.append(
            (
                _HEADER_OF["departments"],
                shown(sorted(current["department_ids"])),
                shown(record["department_ids"]),
            )
        )
    return changes


def _instance(record: dict[str, Any]) -> Enterprise:
    values = {key: record[key] for key in _FIELDS if key not in ("town", "grid", "industry")}
    enterprise = Enterprise(
        **values,
        town_id=record["town_id"],
        grid_id=record["grid_id"],
        industry_id=record["industry_id"],
        departments_overridden=record["department_ids"] is not None,
        name_initials=name_initials(record["name"]),
    )
    if "pk" in record:
        enterprise.pk = record["pk"]
    return enterprise


_INSERT_COLUMNS = [
    *[f"{f}_id" if f in ("town", "grid", "industry") else f for f in _FIELDS],
    "name_initials",
    "departments_overridden",
    "created_at",
    "updated_at",
]


def _insert_new(records: list[dict[str, Any]], progress: Progress | None) -> dict[str, int]:
    """Insert new enterprises; answers their ids by credit code."""
    ops = connection.ops
    last = Enterprise.objects.aggregate(last=Max("pk"))["last"]
    stamp = timezone.now()
    now = ops.adapt_datetimefield_value(stamp)
    adapters: dict[str, Callable[[Any], Any]] = {
        "standardisation_expires": ops.adapt_datefield_value,
        "insurance_expires": ops.adapt_datefield_value,
        "annual_revenue": lambda value: ops.adapt_decimalfield_value(value, 14, 2),
        "former_names": lambda value: ops.adapt_json_value(value, None),
    }
    columns = [(column, adapters.get(column)) for column in _INSERT_COLUMNS[: len(_FIELDS)]]
    rows = [
        (
            *[record[c] if adapt is None else adapt(record[c]) for c, adapt in columns],
            name_initials(record["name"]),
            record["department_ids"] is not None,
            now,
            now,
        )
        for record in records
    ]
    batches = range(0, len(rows), BATCH)
    for start in progress(batches, str(WRITING)) if progress else batches:
        executemany(Enterprise, _INSERT_COLUMNS, rows[start : start + BATCH])
    # Read back as a range of the primary key, stamped with this import's time (one indexed
    # query, not 10,000 parameters); another import's row is left out by its credit code.
    wanted = {record["credit_code"] for record in records}
    stamped = Enterprise.objects.filter(pk__gt=last or 0, created_at=stamp)
    return {code: pk for code, pk in stamped.values_list("credit_code", "pk") if code in wanted}


@transaction.atomic
def apply_import(
    plan: ImportPlan, *, actor: Any, progress: Progress | None = None
) -> tuple[int, int]:
    """Write a clean plan: new enterprises created, existing ones updated, their licences
    created or updated, in one transaction. Answers how many enterprises were created and how
    many changed (in their columns or their licences), as the preview counted them.

    All-or-nothing (DESIGN.md, import/export): a plan with any error writes nothing. Audited as
    one ``import`` record plus an ``update`` record per changed enterprise and one record per
    licence created or changed on an enterprise already registered.
    """
    if not plan.ok:
        raise ValueError("an import plan with errors is never applied")
    index = DepartmentIndex()
    created_ids = _insert_new(plan.creates, progress)
    changed_codes = {diff.key for diff in plan.diffs if diff.changes}
    updated = [_instance(r) for r in plan.updates if r["credit_code"] in changed_codes]
    before = {}
    if updated:
        for enterprise in Enterprise.objects.filter(pk__in=[e.pk for e in updated]):
            before[enterprise.pk] = audit.snapshot(enterprise)
        Enterprise.objects.bulk_update(
            updated, [*_FIELDS, "name_initials", "departments_overridden"], batch_size=BATCH
        )
    pairs = [(created_ids[r["credit_code"]], r) for r in plan.creates]
    pairs += [
        (e.pk, r)
        for e, r in zip(
            updated, [r for r in plan.updates if r["credit_code"] in changed_codes], strict=True
        )
    ]
    category_through = Enterprise.categories.through
    department_through = Enterprise.departments.through
    if updated:
        ids = [e.pk for e in updated]
        category_through.objects.filter(enterprise_id__in=ids).delete()
        department_through.objects.filter(enterprise_id__in=ids).delete()
    category_rows: list[tuple[int, int]] = []
    department_rows: list[tuple[int, int]] = []
    derived: dict[str, list[int]] = {}  # the departments of each industry, derived once
    for enterprise_id, record in pairs:
        category_rows.extend((enterprise_id, c) for c in record["category_ids"])
        departments = record["department_ids"]
        if departments is None:
            code = record["industry_code"]
            if code not in derived:
                derived[code] = index.for_industry(code, record["industry_section"])
            departments = derived[code]
        department_rows.extend((enterprise_id, d) for d in departments)
    executemany(category_through, ["enterprise_id", "supervisioncategory_id"], category_rows)
    executemany(department_through, ["enterprise_id", "department_id"], department_rows)
    apply_licences(plan.licences, created_ids, actor=actor)
    for enterprise in updated:
        audit.record(
            "update",
            actor=actor,
            obj=enterprise,
            before=before.get(enterprise.pk),
            after=audit.snapshot(enterprise),
            detail="Excel导入",
        )
    licences = plan.licences
    audit.record(
        "import",
        actor=actor,
        detail=f"企业名录导入：新增{len(created_ids)}家，更新{len(plan.diffs)}家，"
        f"未变{plan.unchanged}家；证照新增{len(licences.creates)}项，更新{len(licences.updates)}项",
    )
    return len(created_ids), len(plan.diffs)


def done_message(plan: ImportPlan, created: int, updated: int) -> str:
    """What the user is told once an import is written."""
    done = _("导入完成：新增%(c)s家，更新%(u)s家") % {"c": created, "u": updated}
    if plan.licences.rows:
        done += _("；证照新增%(c)s项，更新%(u)s项") % {
            "c": len(plan.licences.creates),
            "u": len(plan.licences.updates),
        }
    return done


class _RegistryImport:
    """The registry's import on the kit's page flow (:mod:`anjian.core.sheets.flow`)."""

    key = "enterprises"
    sheets = (DATA_SHEET, LICENCE_SHEET.name)
    title = gettext_lazy("导入企业名录")

    def plan(self, book: Book, *, actor: Any, progress: Progress | None = None) -> ImportPlan:
        return plan_import(book, actor=actor, progress=progress)

    def apply(self, plan: ImportPlan, *, actor: Any, progress: Progress | None = None) -> str:
        created, updated = apply_import(plan, actor=actor, progress=progress)
        return done_message(plan, created, updated)

    def review_url(self, token: str) -> str:
        return reverse("enterprises:import_review", args=[token])

    def done_url(self) -> str:
        return reverse("enterprises:list")


IMPORTER = _RegistryImport()
