"""Grids from a workbook, on the spreadsheet kit: a new city (or a registry moved from another
database) sets up its grids in one upload. Every row is checked first; then all or nothing.

A row names the town (code or name), the grid code, its name and description. A code not yet
in the city creates a grid; a code already in the row's town renames it or changes its
description; a code of another town is refused. Each change goes through the same service as
the pages (:func:`anjian.orgs.services.create_grid`, ``update_grid``), so the town's scope
and the row locks hold; the whole import is one transaction with a summary audit record.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core import audit
from anjian.core.sheets import (
    Column,
    Limits,
    Row,
    RowError,
    Sheet,
    WorkbookError,
    check_sheet,
    open_book,
    write_book,
)
from anjian.orgs import services
from anjian.orgs.forms import grid_towns
from anjian.orgs.models import Grid, Town

__all__ = ["SHEET", "ImportRejected", "import_grids", "template"]

SHEET = Sheet(
    "网格",
    (
        Column("town", "镇街", "镇街名称或12位区划代码", True, 14),
        Column("code", "网格编码", "全市唯一，1至20位字母、数字或“-”", True, 14),
        Column("name", "网格名称", "本镇街内不重复", True, 20),
        Column("description", "范围说明", "可空", width=30),
    ),
    freeze="A2",
    descriptions=False,
)
MAX_ROWS = 5000


class ImportRejected(Exception):
    """The file was refused; nothing was written. ``errors`` lists every bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def template() -> bytes:
    """An empty workbook with the headings, described in their comments."""
    return write_book([(SHEET, [])], {})


def _check(
    row: Row, towns: dict[str, Town], grids: dict[str, Grid], seen: dict[str, int]
) -> tuple[str, str, str, str]:
    town = towns.get(row.text("town"))
    if town is None:
        row.error("town", _("不是您可设立网格的镇街：%(v)s") % {"v": row.text("town") or "-"})
    code = row.text("code")
    if not services.GRID_CODE.match(code):
        row.error("code", _("网格编码须为1至20位字母、数字或“-”。"))
    elif code in seen:
        row.error("code", _("与第%(n)d行重复") % {"n": seen[code]})
    elif code in grids and town is not None and grids[code].town_id != town.pk:
        row.error("code", _("网格编码已被其他镇街使用：%(code)s") % {"code": code})
    elif code in grids and grids[code].retired_at is not None:
        row.error("code", _("该网格已撤销，不能修改。"))
    seen.setdefault(code, row.number)
    name = row.text("name")
    if not name:
        row.error("name", _("不能为空"))
    return town.code if town else "", code, name, row.text("description")


def import_grids(stream: IO[bytes] | bytes, *, actor: Any) -> tuple[int, int]:
    """Create or update every grid of the workbook, or none; returns (created, updated).

    :class:`ImportRejected` lists each bad row (and a name taken within a town, found when
    applying, refuses the whole file too).
    """
    allowed = list(grid_towns(actor))
    if not allowed:
        raise PermissionDenied(_("无权设立网格。"))
    try:
        book = open_book(stream, [SHEET.name], limits=Limits(rows=MAX_ROWS))
    except WorkbookError as problem:
        raise ImportRejected([RowError(SHEET.name, 1, "-", str(problem))]) from None
    towns = {key: town for town in allowed for key in (town.code, town.name)}
    grids = {grid.code: grid for grid in Grid.objects.all()}
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    checked = check_sheet(
        book.rows(SHEET.name), SHEET, lambda row: _check(row, towns, grids, seen), errors
    )
    if errors:
        raise ImportRejected(errors)
    return _apply(checked.records, towns, grids, actor)


@transaction.atomic
def _apply(
    records: list[tuple[int, tuple[str, str, str, str]]],
    towns: dict[str, Town],
    grids: dict[str, Grid],
    actor: Any,
) -> tuple[int, int]:
    created = updated = 0
    for number, (town_code, code, name, description) in records:
        try:
            if code in grids:
                before = (grids[code].name, grids[code].description)
                grid = services.update_grid(
                    grids[code], actor=actor, name=name, description=description
                )
                updated += (grid.name, grid.description) != before
            else:
                services.create_grid(
                    towns[town_code], actor=actor, code=code, name=name, description=description
                )
                created += 1
        except ValidationError as error:
            raise ImportRejected(
                [RowError(SHEET.name, number, "-", " ".join(error.messages))]
            ) from None
    audit.record(
        "import",
        actor=actor,
        after={"grids_created": created, "grids_updated": updated},
        detail=f"网格导入：新增{created}个，修改{updated}个",  # the log's text: not gettext
    )
    return created, updated
