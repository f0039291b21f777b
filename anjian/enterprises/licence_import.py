"""The licence sheet (``证照``) of the registry workbook: checked and written with the enterprises.

Each row names its enterprise by credit code: one in the same file's ``企业名录`` sheet, or one
already registered that the importing user may edit. A licence is known by its kind and number
(unique city-wide, :class:`~anjian.enterprises.models.Licence`): a row whose licence the
enterprise already holds updates it to the row's values (an empty cell clears its field); any
other row creates one. **Licences missing from the sheet are kept**: a sheet that lists some of
an enterprise's licences, or none, never deletes the others (a licence is removed on the
enterprise's page). The template's description row and docs/enterprises.md say so.

Checked like the main sheet, with lookups loaded in a fixed number of queries whatever the row
count; :func:`apply_licences` writes in bulk inside the importer's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.sheets import BATCH, Row, RowError, Rows, check_sheet, executemany, parse_date
from anjian.enterprises import credit_code as credit
from anjian.enterprises.excel import LICENCE_SHEET
from anjian.enterprises.models import Licence

__all__ = ["LicencePlan", "apply_licences", "check_licence_rows", "plan_licences"]

_HEADER = LICENCE_SHEET.header_of
_VALUES = ("issuer", "issued_on", "expires_on")


def _max_length(key: str) -> int:
    field = Licence._meta.get_field(key)
    return field.max_length if isinstance(field, models.CharField) and field.max_length else 0


_MAX_LENGTH = {key: _max_length(key) for key in ("kind", "number", "issuer")}
_INSERT_COLUMNS = ["enterprise_id", "kind", "number", *_VALUES]


@dataclass
class LicencePlan:
    """The licence rows of a checked workbook: what to create, what to update, and the lines
    each existing enterprise's diff shows (by credit code)."""

    rows: int = 0
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    changes: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


def _key(record: Mapping[str, Any]) -> tuple[str, str]:
    return record["kind"], record["number"]


def _error(number: int, key: str, message: str) -> RowError:
    return RowError(LICENCE_SHEET.name, number, _HEADER(key), message)


def _check_row(row: Row) -> dict[str, Any] | None:
    record: dict[str, Any] = {}
    try:
        record["credit_code"] = credit.normalize(row.get("credit_code"))
    except credit.CreditCodeError as problem:
        row.error("credit_code", problem.translate(_))
    for key in ("kind", "number", "issuer"):
        record[key] = row.text(key)
        if key != "issuer" and not record[key]:
            row.error(key, _("%(column)s不能为空") % {"column": _HEADER(key)})
        elif len(record[key]) > _MAX_LENGTH[key]:
            row.error(
                key,
                _("%(column)s超过%(limit)s字")
                % {"column": _HEADER(key), "limit": _MAX_LENGTH[key]},
            )
    for key in ("issued_on", "expires_on"):
        try:
            record[key] = parse_date(row.get(key))
        except ValueError as problem:
            record[key] = None
            row.error(key, str(problem))
    if record["issued_on"] and record["expires_on"] and record["expires_on"] < record["issued_on"]:
        row.error("expires_on", _("有效期至不能早于发证日期"))
    return record


def check_licence_rows(
    rows: Rows, plan: LicencePlan, errors: list[RowError]
) -> list[tuple[int, dict[str, Any]]]:
    """Each row on its own (credit code, kind and number present, lengths, dates, expiry not
    before issue) and the same licence twice in the sheet; the good rows by row number."""
    checked = check_sheet(
        rows,
        LICENCE_SHEET,
        _check_row,
        errors,
        unique=_key,
        unique_column="number",
        duplicate_message=_("证照类型和编号与第%(row)s行重复"),
    )
    plan.rows = checked.rows
    return checked.records


def _registered_licences(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The licences already registered under these (kind, number) pairs, with the credit code
    of their enterprise: one query per 2,000 numbers."""
    wanted = set(keys)
    numbers = sorted({number for _kind, number in wanted})
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in range(0, len(numbers), BATCH):
        rows = Licence.objects.filter(number__in=numbers[start : start + BATCH]).values(
            "pk", "kind", "number", *_VALUES, "enterprise_id", "enterprise__credit_code"
        )
        for row in rows:
            key = (row["kind"], row["number"])
            if key in wanted:
                found[key] = row
    return found


def _shown(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _diff_lines(
    current: dict[str, Any] | None, record: dict[str, Any]
) -> list[tuple[str, str, str]]:
    label = _("证照：%(kind)s %(number)s") % {"kind": record["kind"], "number": record["number"]}
    if current is None:
        details = _("；").join(
            f"{_HEADER(key)} {_shown(record[key])}" for key in _VALUES if record[key]
        )
        added = _("新增：%(details)s") % {"details": details} if details else _("新增")
        return [(label, "", added)]
    return [
        (f"{label} {_HEADER(key)}", _shown(current[key]), _shown(record[key]))
        for key in _VALUES
        if current[key] != record[key]
    ]


def plan_licences(
    records: list[tuple[int, dict[str, Any]]],
    plan: LicencePlan,
    errors: list[RowError],
    *,
    in_file: set[str],
    registered: Mapping[str, int],
    editable: set[int],
) -> None:
    """Link each checked row to its enterprise and to the licence it updates, if any.

    ``in_file`` are the credit codes of the 企业名录 sheet, ``registered`` the enterprise ids of
    the credit codes already in the database, ``editable`` those of them the importing user
    may change. The enterprise must be in the file or registered, and if registered,
    editable; the licence must not be registered to another enterprise.
    """
    current = _registered_licences(_key(record) for _number, record in records)
    for number, record in records:
        code = record["credit_code"]
        enterprise_id = registered.get(code)
        if enterprise_id is not None and enterprise_id not in editable:
            errors.append(
                _error(number, "credit_code", _("该企业已由其他单位登记，您无权修改其证照"))
            )
            continue
        if enterprise_id is None and code not in in_file:
            errors.append(
                _error(
                    number,
                    "credit_code",
                    _("统一社会信用代码“%(code)s”不在本文件的企业名录中，也未登记")
                    % {"code": code},
                )
            )
            continue
        existing = current.get(_key(record))
        if existing is not None and existing["enterprise__credit_code"] != code:
            errors.append(_error(number, "number", _("该证照已登记在其他企业名下")))
            continue
        record["enterprise_id"] = enterprise_id
        if existing is None:
            plan.creates.append(record)
        elif any(existing[key] != record[key] for key in _VALUES):
            record["pk"] = existing["pk"]
            plan.updates.append(record)
        else:
            continue
        if enterprise_id is not None:
            plan.changes.setdefault(code, []).extend(_diff_lines(existing, record))


def apply_licences(plan: LicencePlan, created: Mapping[str, int], *, actor: Any) -> None:
    """Write a clean licence plan; call inside the importer's transaction.

    ``created`` are the ids of the enterprises the import just created, by credit code. As with
    the enterprises, each change to an already registered enterprise is audited on its own
    (``create``/``update`` of the licence, which the enterprise's change history shows); the
    licences of new enterprises are counted in the import's summary record.
    """
    ops = connection.ops
    rows = [
        (
            record["enterprise_id"] or created[record["credit_code"]],
            record["kind"],
            record["number"],
            record["issuer"],
            ops.adapt_datefield_value(record["issued_on"]),
            ops.adapt_datefield_value(record["expires_on"]),
        )
        for record in plan.creates
    ]
    executemany(Licence, _INSERT_COLUMNS, rows)
    audited = [r for r in plan.creates if r["enterprise_id"] is not None]
    for licence in _licences_of(audited):
        audit.record(
            "create", actor=actor, obj=licence, after=audit.snapshot(licence), detail="Excel导入"
        )
    if not plan.updates:
        return
    licences = Licence.objects.in_bulk([record["pk"] for record in plan.updates])
    before = {pk: audit.snapshot(licence) for pk, licence in licences.items()}
    for record in plan.updates:
        for key in _VALUES:
            setattr(licences[record["pk"]], key, record[key])
    Licence.objects.bulk_update(list(licences.values()), list(_VALUES), batch_size=BATCH)
    for pk, licence in licences.items():
        audit.record(
            "update",
            actor=actor,
            obj=licence,
            before=before[pk],
            after=audit.snapshot(licence),
            detail="Excel导入",
        )


def _licences_of(records: list[dict[str, Any]]) -> Iterable[Licence]:
    """The licences just inserted for these records, read back for their ids."""
    registered = _registered_licences(_key(record) for record in records)
    return Licence.objects.in_bulk([row["pk"] for row in registered.values()]).values()
