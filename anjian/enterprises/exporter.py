"""Export of any filtered list to the registry workbook (same sheets and columns as the import):
the enterprises, and in the ``证照`` sheet the licences of those enterprises. Coded columns are
written as labels (a status as 在营, a category by its name), which the import reads back."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import QuerySet

from anjian.core.sheets import NO, YES, workbook_labels
from anjian.enterprises.choices import EnterpriseStatus, StandardisationGrade
from anjian.enterprises.excel import LICENCE_SHEET, NONE, default_codes, write_workbook
from anjian.enterprises.models import Enterprise, Licence
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Department, Industry, SupervisionCategory, Town

__all__ = ["export_workbook", "template_workbook"]

_CHUNK = 2000
# The licence sheet's columns, in order, as fields of a licence.
_LICENCE_FIELDS = [
    "enterprise__credit_code" if column.key == "credit_code" else column.key
    for column in LICENCE_SHEET.columns
]


def _codes() -> dict[str, list[str]]:
    return default_codes(
        Town.objects.order_by("code").values_list("name", flat=True),
        (
            f"{code} {name}"
            for code, name in Industry.objects.filter(level=IndustryLevel.CLASS)
            .order_by("code")
            .values_list("code", "name")
        ),
        SupervisionCategory.objects.key_list().values_list("name", flat=True),
    )


def template_workbook() -> bytes:
    """The empty import template: headers, descriptions, drop-down lists."""
    return write_workbook([], _codes())


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _rows(ids: Sequence[int]) -> Iterator[list[Any]]:
    # Labels, not codes: a category by its name (the import also takes its key).
    categories = dict(SupervisionCategory.objects.values_list("pk", "name"))
    departments = {
        pk: short or name
        for pk, name, short in Department.objects.values_list("pk", "name", "short_name")
    }
    statuses = workbook_labels(EnterpriseStatus)
    grades = workbook_labels(StandardisationGrade)
    for chunk in _chunks(ids):
        by_category: dict[int, list[str]] = {}
        for enterprise_id, category_id in Enterprise.categories.through.objects.filter(
            enterprise_id__in=chunk
        ).values_list("enterprise_id", "supervisioncategory_id"):
            by_category.setdefault(enterprise_id, []).append(categories[category_id])
        by_department: dict[int, list[str]] = {}
        for enterprise_id, department_id in Enterprise.departments.through.objects.filter(
            enterprise_id__in=chunk
        ).values_list("enterprise_id", "department_id"):
            by_department.setdefault(enterprise_id, []).append(departments[department_id])
        rows = Enterprise.objects.filter(pk__in=chunk).order_by("pk").values(
            "pk", "credit_code", "name", "former_names", "address", "longitude", "latitude",
            "town__name", "grid__code", "industry__code", "industry__name",
            "departments_overridden", "employees", "annual_revenue", "above_designated_size",
            "legal_representative", "principal", "principal_phone", "safety_manager",
            "safety_manager_phone", "status", "standardisation_grade",
            "standardisation_expires", "insurance_insurer", "insurance_expires",
        )  # fmt: skip
        for row in rows:
            yield [
                row["credit_code"],
                row["name"],
                "；".join(row["former_names"] or []),
                row["address"],
                row["longitude"],
                row["latitude"],
                row["town__name"],
                row["grid__code"] or "",
                f"{row['industry__code']} {row['industry__name']}",
                "；".join(sorted(by_department.get(row["pk"], []))) or NONE
                if row["departments_overridden"]
                else "",
                row["employees"],
                float(row["annual_revenue"]) if row["annual_revenue"] is not None else None,
                YES if row["above_designated_size"] else NO,
                row["legal_representative"],
                row["principal"],
                row["principal_phone"],
                row["safety_manager"],
                row["safety_manager_phone"],
                statuses[row["status"]],
                "；".join(sorted(by_category.get(row["pk"], []))),
                grades[row["standardisation_grade"]] if row["standardisation_grade"] else "",
                row["standardisation_expires"],
                row["insurance_insurer"],
                row["insurance_expires"],
            ]


def _licence_rows(ids: Sequence[int]) -> Iterator[list[Any]]:
    """The licences of these enterprises, in the enterprises' order."""
    for chunk in _chunks(ids):
        yield from (
            list(row)
            for row in Licence.objects.filter(enterprise_id__in=chunk)
            .order_by("enterprise_id", "kind", "number")
            .values_list(*_LICENCE_FIELDS)
        )


def export_workbook(queryset: QuerySet[Enterprise]) -> tuple[bytes, int]:
    """The enterprises of ``queryset`` (already scoped and filtered) and their licences as a
    workbook, and the enterprises' count."""
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    rows = list(_rows(ids))
    data = write_workbook(
        rows, _codes(), licences=_licence_rows(ids), validation_rows=len(rows) + 200
    )
    return data, len(rows)
