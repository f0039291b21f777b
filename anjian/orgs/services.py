"""Changes to the organisation: the towns' grids, and loading the reference data (divisions,
industries, categories, boundaries, departments).

Every grid change is one transaction with its audit record and a keyword-only ``actor``, and
locks the row it changes (the town's row when creating), so two officers editing at once are
serialised. Every loader is idempotent: it updates rows by their natural key, so running it
again changes nothing and duplicates nothing.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.scoping import ensure_editable
from anjian.core.updating import editing
from anjian.orgs.choices import IndustryLevel, TownKind
from anjian.orgs.models import (
    CITY_CODE,
    KEY_LIST,
    Boundary,
    Committee,
    Department,
    Grid,
    Industry,
    SupervisionCategory,
    Town,
    TownRenaming,
)
from anjian.orgs.signals import grid_retiring

APP_DATA_DIR = Path(__file__).resolve().parent / "data"
_LEVELS = {
    "门类": IndustryLevel.SECTION,
    "大类": IndustryLevel.DIVISION,
    "中类": IndustryLevel.GROUP,
    "小类": IndustryLevel.CLASS,
}
_TOWN_KINDS = {"town": TownKind.TOWN, "subdistrict": TownKind.SUBDISTRICT}
_REPLACED_BY = re.compile(r"replaced by (\d{12})")

Progress = Callable[[Iterable[Any], str], Iterable[Any]]


def _no_progress(items: Iterable[Any], _label: str) -> Iterable[Any]:
    return items


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _codes(cell: str) -> list[str]:
    return [code.strip() for code in cell.split(";") if code.strip()]


@dataclass
class LoadReport:
    towns: int = 0
    renamings: int = 0
    industries: int = 0
    categories: int = 0
    key_categories: int = 0
    boundaries: int = 0
    departments: int = 0
    committees: int = 0


@transaction.atomic
def load_reference(data_dir: Path, progress: Progress = _no_progress) -> LoadReport:
    """Load everything from ``data_dir`` (shared/data) and the app's own configuration files.

    One transaction and one audit record summarising what changed, however many rows.
    """
    with audit.bulk("import", actor=None, detail=f"reference data from {data_dir}"):
        return _load_all(data_dir, progress)


def _load_all(data_dir: Path, progress: Progress) -> LoadReport:
    report = LoadReport()
    report.towns, report.renamings = load_towns(data_dir / "tengzhou_divisions.csv")
    report.industries = load_industries(data_dir / "gbt4754_2017.csv", progress)
    report.categories = load_categories(data_dir / "safety_supervision_categories.csv")
    report.key_categories = load_key_categories(APP_DATA_DIR / "key_categories.csv")
    report.boundaries = load_boundaries(data_dir)
    report.departments = load_departments(APP_DATA_DIR / "departments.csv")
    report.committees = load_committees(APP_DATA_DIR / "committees.csv")
    return report


def load_towns(path: Path) -> tuple[int, int]:
    """Tengzhou's 21 towns and streets of 2018, with later renamings kept as history.

    A division that NBS later replaced (东沙河镇 → 东沙河街道, NBS 2020 edition) becomes a
    :class:`TownRenaming` of its successor, not a 22nd town.
    """
    rows = [r for r in _read_csv(path) if r["parent_code"] == CITY_CODE]
    current = [r for r in rows if r["in_nbs_2023"] == "Y"]
    for row in current:
        Town.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "kind": _TOWN_KINDS[row["level"]]}
        )
    renamings = 0
    for row in rows:
        match = _REPLACED_BY.search(row["valid_from_note"])
        if row["in_nbs_2023"] == "N" and match:
            successor = Town.objects.get(code=match.group(1))
            TownRenaming.objects.update_or_create(
                former_code=row["code"],
                defaults={
                    "town": successor,
                    "former_name": row["name"],
                    "former_kind": _TOWN_KINDS[row["level"]],
                    "changed_in": "NBS 2020 (2020-06-30)",
                },
            )
            renamings += 1
    return len(current), renamings


def load_industries(path: Path, progress: Progress = _no_progress) -> int:
    """GB/T 4754-2017, all four levels, parents before children."""
    rows = _read_csv(path)
    ids: dict[str, int] = dict(Industry.objects.values_list("code", "id"))
    for level in ("门类", "大类", "中类", "小类"):
        batch = [
            Industry(
                code=row["code"],
                name=row["name"],
                level=_LEVELS[level],
                parent_id=ids.get(row["parent_code"]) if row["parent_code"] else None,
                section=row["section"],
                description=row["description"],
            )
            for row in progress([r for r in rows if r["level"] == level], f"GB/T 4754 {level}")
        ]
        Industry.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "level", "parent", "section", "description"],
        )
        ids = dict(Industry.objects.values_list("code", "id"))
    return len(rows)


def load_categories(path: Path) -> int:
    """The supervision categories: regulators' lists of industries and fields."""
    rows = _read_csv(path)
    for row in rows:
        SupervisionCategory.objects.update_or_create(
            list_id=row["list_id"],
            order=int(row["item_order"]),
            defaults={
                "key": f"{row['list_id']}:{row['item_order']}",
                "list_name": row["list_name"],
                "name": row["item"],
                "source_document": row["source_document"],
                "source_article": row["source_article"],
                "industry_scope": row["gbt4754_2017_scope_from_source"],
                "note": row["note"],
            },
        )
    return len(rows)


KEY_LIST_NAME = "重点监管类别（市安委办配置）"
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


def load_key_categories(path: Path) -> int:
    """The city's key supervision categories (city office's file), by their stable key.

    Updated by key, so reordering or renaming in the file keeps enterprises' categories; a row
    removed from the file stays in the database (enterprises may still be recorded under it).
    The indicative industry codes are checked against GB/T 4754-2017.
    """
    rows = _read_csv(path)
    known = set(Industry.objects.values_list("code", flat=True))
    keys = [row["key"] for row in rows]
    if len(set(keys)) != len(keys) or not all(_KEY.match(key) for key in keys):
        raise ValueError(f"{path.name}: keys must be unique, lower case letters, digits and _")
    # Orders move out of the way first, so swapping two rows never trips the unique order.
    existing = SupervisionCategory.objects.filter(list_id=KEY_LIST)
    for offset, category in enumerate(existing.order_by("order")):
        SupervisionCategory.objects.filter(pk=category.pk).update(order=30000 + offset)
    for row in rows:
        missing = set(_codes(row["gbt4754_2017_indicative"])) - known
        if missing:
            raise ValueError(f"{row['key']}: unknown GB/T 4754-2017 codes {sorted(missing)}")
        SupervisionCategory.objects.update_or_create(
            key=row["key"],
            defaults={
                "list_id": KEY_LIST,
                "list_name": KEY_LIST_NAME,
                "order": int(row["order"]),
                "name": row["name"],
                "source_document": row["legal_basis"],
                "source_article": row["legal_article"][:100],
                "industry_scope": "",
                "indicative_industries": row["gbt4754_2017_indicative"],
                "note": row["note"],
            },
        )
    return len(rows)


def load_boundaries(data_dir: Path) -> int:
    """The city outline and Zaozhuang's counties, WGS84, for the offline maps."""
    city = json.loads((data_dir / "tengzhou_wgs84.geojson").read_text(encoding="utf-8"))
    Boundary.objects.update_or_create(
        code=CITY_CODE, defaults={"name": "滕州市", "geojson": _collection(city["features"])}
    )
    counties = json.loads(
        (data_dir / "zaozhuang_counties_wgs84.geojson").read_text(encoding="utf-8")
    )
    Boundary.objects.update_or_create(
        code="370400000000",
        defaults={"name": "枣庄市", "geojson": _collection(counties["features"])},
    )
    return 2


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _industries(codes: list[str], source: str) -> list[Industry]:
    found = list(Industry.objects.filter(code__in=codes))
    missing = set(codes) - {industry.code for industry in found}
    if missing:
        raise ValueError(f"{source}: unknown GB/T 4754-2017 codes {sorted(missing)}")
    return found


def load_departments(path: Path) -> int:
    """The industry departments and the industries each supervises (city office's file)."""
    rows = _read_csv(path)
    for row in rows:
        department, _ = Department.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "order": int(row["order"]),
            },
        )
        department.industries.set(_industries(_codes(row["industries"]), row["code"]))
    return len(rows)


def load_committees(path: Path) -> int:
    """The work safety committee and its specialised committees (city office's file)."""
    rows = _read_csv(path)
    for row in rows:
        committee, _ = Committee.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "order": int(row["order"]),
                "lead_department": Department.objects.get(code=row["lead_department"]),
            },
        )
        committee.members.set(Department.objects.filter(code__in=_codes(row["members"])))
        committee.industries.set(_industries(_codes(row["industries"]), row["code"]))
    return len(rows)


class DepartmentIndex:
    """Which departments supervise an industry, from the departments' industry lists.

    A department lists codes at any level of GB/T 4754-2017 (门类 letter, 大类, 中类, 小类);
    an enterprise of 小类 ``2614`` is supervised by every department listing ``26``, ``261``,
    ``2614`` or its section ``C``. Built with one query, so an import of 10,000 rows resolves
    every enterprise's departments without further queries.
    """

    def __init__(self) -> None:
        through = Department.industries.through.objects.values_list(
            "department_id", "industry__code"
        )
        self._by_code: dict[str, set[int]] = {}
        for department_id, code in through:
            self._by_code.setdefault(code, set()).add(department_id)

    def for_industry(self, code: str, section: str = "") -> list[int]:
        keys = {code[:n] for n in range(2, len(code) + 1)} | ({section} if section else set())
        found: set[int] = set()
        for key in keys:
            found |= self._by_code.get(key, set())
        return sorted(found)


@transaction.atomic
def build_demo_grids(per_town: int = 4) -> int:
    """A deterministic grid layout for the demo: ``per_town`` grids in every town."""
    created = 0
    for town in Town.objects.all():
        for number in range(1, per_town + 1):
            _, was_created = Grid.objects.get_or_create(
                code=f"{town.code[6:9]}-{number:02d}",
                defaults={
                    "name": f"{town.name}第{number}网格",
                    "town": town,
                    "description": f"{town.name}第{number}片区",
                },
            )
            created += was_created
    return created


# --- grids ----------------------------------------------------------------------------------------

GRID_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,19}$")


def _clean_grid_fields(name: str, description: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("网格名称不能为空。")})
    if len(name) > 100:
        raise ValidationError({"name": _("网格名称不能超过100个字符。")})
    return name, (description or "").strip()


def _check_name_free(town: Town, name: str, exclude_pk: int = 0) -> None:
    if Grid.objects.filter(town=town, name=name).exclude(pk=exclude_pk).exists():
        raise ValidationError(
            {"name": ValidationError(_("本镇街已有同名网格：%(n)s") % {"n": name}, "duplicate")}
        )


def _duplicate_code(code: str) -> ValidationError:
    message = _("网格编码已存在：%(code)s") % {"code": code}
    return ValidationError({"code": ValidationError(message, "duplicate")})


def _check_grid_editable(grid: Grid, actor: Any) -> None:
    """``PermissionDenied`` unless ``actor`` may change ``grid``; checked before its row is
    locked, which is safe because these services never move a grid to another town."""
    if not Grid.objects.editable_by(actor).filter(pk=grid.pk).exists():
        raise PermissionDenied(_("无权修改该网格。"))


@transaction.atomic
def create_grid(town: Town, *, actor: Any, code: str, name: str, description: str = "") -> Grid:
    """Create a grid in ``town``: the town's officers and the city office may.

    The town's row is locked, so that two officers creating grids of one town at once cannot
    both take the same name; the scope is checked again after writing (a town officer cannot
    create a grid in another town).
    """
    code = (code or "").strip()
    if not GRID_CODE.match(code):
        raise ValidationError({"code": _("网格编码须为1至20位字母、数字或“-”。")})
    name, description = _clean_grid_fields(name, description)
    town = Town.objects.select_for_update().get(pk=town.pk)
    if Grid.objects.filter(code=code).exists():
        raise _duplicate_code(code)
    _check_name_free(town, name)
    try:
        with transaction.atomic():  # a savepoint: another town may take the code meanwhile
            grid = Grid.objects.create(code=code, name=name, town=town, description=description)
    except IntegrityError:
        raise _duplicate_code(code) from None
    try:
        ensure_editable(grid, actor)
    except PermissionDenied:
        raise PermissionDenied(_("无权在该镇街设立网格。")) from None
    audit.record("create", actor=actor, obj=grid, after=audit.snapshot(grid))
    return grid


@transaction.atomic
def update_grid(
    grid: Grid, *, actor: Any, name: str | None = None, description: str | None = None
) -> Grid:
    """Rename a grid or change its description (the code stays: records and sheets name it).

    The grid's row is locked before it is read (:func:`anjian.core.updating.editing`), so two
    officers editing at once never overwrite each other's change unseen.
    """
    _check_grid_editable(grid, actor)
    with editing(grid, actor=actor) as edit:
        if grid.retired_at is not None:
            raise ValidationError(_("该网格已撤销，不能修改。"))
        new_name, new_description = _clean_grid_fields(
            grid.name if name is None else name,
            grid.description if description is None else description,
        )
        if new_name != grid.name:
            # The town's row is locked as when creating: two renames to one name are serialised.
            Town.objects.select_for_update().filter(pk=grid.town_id).first()
            _check_name_free(grid.town, new_name, exclude_pk=grid.pk)
        edit.set({"name": new_name, "description": new_description})
    return grid


@transaction.atomic
def retire_grid(grid: Grid, *, actor: Any) -> Grid:
    """Retire a grid: it stays on record, its inspectors lose it as jurisdiction and its
    enterprises are left without a grid (the apps owning them listen to ``grid_retiring``,
    in this transaction), until the town assigns them to another grid.

    The row is locked before ``retired_at`` is read, so of two officers retiring at once one
    retires it and the other is told it is retired; the listeners run after the grid is saved
    retired, so they see it as it will be committed.
    """
    _check_grid_editable(grid, actor)
    with editing(grid, actor=actor, action="retire") as edit:
        if grid.retired_at is not None:
            raise ValidationError(_("该网格已撤销。"))
        edit.set({"retired_at": timezone.now()})
    grid_retiring.send(sender=Grid, grid=grid, actor=actor)
    return grid
