"""The risk register as a workbook (风险分级管控清单), through the spreadsheet kit.

One row per hazard, in the customary layout: the point, the hazard, L/E/C or L/S before and
after measures, the level (export only: on import the level is computed through
:mod:`anjian.standards.risk`, never read), the measures of the five kinds, the control level
and the responsible person. Rows with the same point name make one point. An import is all or
nothing: every bad cell is named, and nothing is written unless every row is good.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from anjian.core.sheets import (
    Column,
    Row,
    RowError,
    Sheet,
    check_sheet,
    first_token,
    open_book,
    write_book,
    write_table,
)
from anjian.enterprises import validation
from anjian.enterprises.models import Enterprise
from anjian.risks import services
from anjian.risks.choices import ControlLevel, MeasureKind, Method, PointKind, RiskLevelChoice
from anjian.risks.models import RiskPoint
from anjian.standards import accident_types, hazard_factors

_MEASURE_COLUMNS = {
    MeasureKind.ENGINEERING: "engineering",
    MeasureKind.MANAGEMENT: "management",
    MeasureKind.TRAINING: "training",
    MeasureKind.PROTECTION: "protection",
    MeasureKind.EMERGENCY: "emergency",
}
_METHODS = {"LEC": Method.LEC, "LS": Method.LS}

REGISTER = Sheet(
    "风险分级管控清单",
    (
        Column("point", "风险点名称", "同名的行属于同一风险点", required=True, width=18),
        Column("kind", "类型", "设备设施或作业活动", required=True, width=10, choices="类型"),
        Column("location", "区域位置", "", width=12),
        Column("post", "岗位", "", width=10),
        Column("description", "危险源或潜在事件", "", required=True, width=24),
        Column("factor", "危险有害因素类别", "GB/T 13861-2022 代码", required=True, width=16,
               choices="危险有害因素"),
        Column("accidents", "可能导致的事故类型", "GB 6441-2025，多个用、分隔", width=18),
        Column("method", "评价方法", "LEC 或 LS", required=True, width=8, choices="评价方法"),
        Column("l", "L", "LEC：10/6/3/1/0.5/0.2/0.1；LS：1–5", required=True, width=6),
        Column("e", "E", "LEC：10/6/3/2/1/0.5", width=6),
        Column("c", "C", "LEC：100/40/15/7/3/1", width=6),
        Column("s", "S", "LS：1–5", width=6),
        Column("rl", "残余L", "采取措施后；不填则同固有风险", width=7),
        Column("re", "残余E", "", width=7),
        Column("rc", "残余C", "", width=7),
        Column("rs", "残余S", "", width=7),
        Column("level", "风险等级", "由系统计算，导入时不读取", width=10),
        Column("engineering", "工程技术措施", "", width=20),
        Column("management", "管理措施", "", width=20),
        Column("training", "培训教育措施", "", width=20),
        Column("protection", "个体防护措施", "", width=20),
        Column("emergency", "应急处置措施", "", width=20),
        Column("control_level", "管控层级", "公司级/车间级/班组级/岗位级", width=10,
               choices="管控层级"),
        Column("responsible", "责任人", "", width=10),
    ),
    freeze="B3",
)  # fmt: skip

_SPLIT = re.compile(r"[、,，;；/\s]+")


def _codes() -> dict[str, list[str]]:
    return {
        "类型": [str(label) for _value, label in PointKind.choices],
        "危险有害因素": [str(f) for f in hazard_factors.factors()],
        "评价方法": list(_METHODS),
        "管控层级": [str(label) for _value, label in ControlLevel.choices],
    }


def template() -> bytes:
    return write_book([(REGISTER, [])], _codes())


def _plain(value: Any) -> str:
    from anjian.risks.forms import plain

    return plain(value)


def _register_rows(points: Iterable[RiskPoint]) -> Iterable[list[Any]]:
    kinds = dict(PointKind.choices)
    levels = dict(RiskLevelChoice.choices)
    control = dict(ControlLevel.choices)
    names = {t.code: t.name for t in accident_types.types(accident_types.EDITION_2025)}
    for point in points:
        measures = list(point.measures.all())
        by_kind = {
            kind: "；".join(m.description for m in measures if m.kind == kind)
            for kind in MeasureKind.values
        }
        control_level = "、".join(sorted({str(control[m.control_level]) for m in measures}))
        responsible = "、".join(sorted({m.responsible for m in measures}))
        for hazard in point.hazards.all():
            yield [
                point.name, str(kinds[point.kind]), point.location, point.post,
                hazard.description, hazard.factor_code,
                "、".join(names.get(code, code) for code in hazard.accident_types),
                hazard.method.upper(), _plain(hazard.l_value), _plain(hazard.e_value),
                _plain(hazard.c_value), _plain(hazard.s_value), _plain(hazard.residual_l),
                _plain(hazard.residual_e), _plain(hazard.residual_c), _plain(hazard.residual_s),
                str(levels[hazard.residual_level]),
                *(by_kind[kind] for kind in MeasureKind.values), control_level, responsible,
            ]  # fmt: skip


def export_register(points: Any) -> tuple[bytes, int]:
    """The register of the given points in the import layout (so it imports back)."""
    rows = list(
        _register_rows(points.prefetch_related("hazards", "measures").order_by("name", "pk"))
    )
    return write_book([(REGISTER, rows)], _codes()), len(rows)


def export_points(points: Any) -> tuple[bytes, int]:
    """The regional risk database: one row per point."""
    kinds = dict(PointKind.choices)
    levels = dict(RiskLevelChoice.choices)
    rows = [
        [p.enterprise.name, p.enterprise.town.name, p.name, str(kinds[p.kind]), p.location,
         p.post, str(levels[p.level]), p.evaluated_on, p.review_due]
        for p in points.select_related("enterprise", "enterprise__town").order_by(
            "enterprise__name", "name", "pk")
    ]  # fmt: skip
    headers = [_("企业"), _("镇街"), _("风险点"), _("类型"), _("区域位置"), _("岗位"),
               _("风险等级"), _("评价日期"), _("再评估期限")]  # fmt: skip
    return write_table(_("风险数据库"), headers, rows), len(rows)


# --- import -------------------------------------------------------------------------------------


def _accident_codes(cell: str) -> tuple[list[str], list[str]]:
    types = accident_types.types(accident_types.EDITION_2025)
    by_name = {t.name: t.code for t in types}
    by_name |= {f"{t.name}（{t.scope_note}）": t.code for t in types if t.scope_note}
    codes = {t.code for t in types}
    found, unknown = [], []
    for item in _SPLIT.split(cell):
        if not item:
            continue
        code = item if item in codes else by_name.get(item)
        if code is None:
            unknown.append(item)
        elif code not in found:
            found.append(code)
    return found, unknown


def _check(row: Row) -> dict[str, Any] | None:
    kinds = {str(label): value for value, label in PointKind.choices} | {
        v: v for v in PointKind.values
    }
    control = {str(label): value for value, label in ControlLevel.choices}
    kind = kinds.get(row.text("kind"))
    if kind is None:
        row.error("kind", _("类型只能是“设备设施”或“作业活动”"))
    factor = first_token(row.text("factor"))
    try:
        hazard_factors.by_code(factor)
    except ValueError:
        row.error("factor", _("“%(code)s”不是GB/T 13861-2022的类别代码") % {"code": factor})
    accidents, unknown = _accident_codes(row.text("accidents"))
    if unknown:
        row.error(
            "accidents", _("不是GB 6441-2025的事故类型：%(names)s") % {"names": "、".join(unknown)}
        )
    method = _METHODS.get(row.text("method").upper())
    if method is None:
        row.error("method", _("评价方法只能是LEC或LS"))
    values = {
        "method": method,
        "l_value": row.text("l"),
        "e_value": row.text("e"),
        "c_value": row.text("c"),
        "s_value": row.text("s"),
        "residual_l": row.text("rl"),
        "residual_e": row.text("re"),
        "residual_c": row.text("rc"),
        "residual_s": row.text("rs"),
    }
    if method is not None:
        try:
            services.evaluation_fields(values)  # the standards module decides
        except ValidationError as error:
            column = {"l_value": "l", "residual_l": "rl"}
            for field, problems in error.message_dict.items():
                row.error(column.get(field, "l"), "；".join(problems))
    control_level = ""
    if row.text("control_level"):
        control_level = control.get(row.text("control_level"), "")
        if not control_level:
            row.error("control_level", _("管控层级只能是公司级、车间级、班组级或岗位级"))
    measures = [
        (kind_, row.text(column)) for kind_, column in _MEASURE_COLUMNS.items() if row.text(column)
    ]
    if measures and not row.text("responsible"):
        row.error("responsible", _("有管控措施时须填写责任人"))
    if measures and not control_level:
        row.error("control_level", _("有管控措施时须填写管控层级"))
    limits = [("point", 100), ("location", 100), ("post", 100), ("description", 200),
              ("responsible", 50)]  # fmt: skip
    limits += [(column, 1000) for column in _MEASURE_COLUMNS.values()]
    for key, limit in limits:
        if len(row.text(key)) > limit:
            row.error(key, _("不能超过%(n)d个字") % {"n": limit})
        else:
            try:
                validation.plain_text(row.text(key))
            except ValidationError as error:
                row.error(key, "；".join(error.messages))
    return {
        "point": {"name": row.text("point"), "kind": kind, "location": row.text("location"),
                  "post": row.text("post")},
        "hazard": {"description": row.text("description"), "factor_code": factor,
                   "accident_types": accidents, **values},
        "measures": [{"kind": k, "description": d, "control_level": control_level,
                      "responsible": row.text("responsible")} for k, d in measures],
    }  # fmt: skip


def check(data: bytes, filename: str = "") -> tuple[list[dict[str, Any]], list[RowError]]:
    book = open_book(data, [REGISTER.name], filename=filename)
    errors: list[RowError] = []
    checked = check_sheet(book.rows(REGISTER.name), REGISTER, _check, errors)
    if not checked.present and not errors:
        errors.append(RowError(REGISTER.name, 1, "", _("缺少必填列")))
    if checked.present and not checked.records and not errors:
        errors.append(RowError(REGISTER.name, REGISTER.first_data_row, "", _("文件中没有数据行")))
    return [record for _number, record in checked.records], errors


def import_register(
    enterprise: Enterprise, data: bytes, *, actor: Any, filename: str = ""
) -> tuple[int, list[RowError]]:
    """Check every row; when all are good, add the points, hazards and measures in one
    transaction. Returns (points created, errors); with errors nothing is written."""
    records, errors = check(data, filename)
    if errors:
        return 0, errors
    created = 0
    with transaction.atomic():
        points: dict[str, RiskPoint] = {}
        for record in records:
            name = record["point"]["name"]
            point = points.get(name)
            if point is None:
                point = services.create_point(enterprise, record["point"], actor=actor)
                points[name] = point
                created += 1
            services.add_hazard(point, record["hazard"], actor=actor)
            existing = {(m.kind, m.description) for m in point.measures.all()}
            for measure in record["measures"]:
                if (measure["kind"], measure["description"]) not in existing:
                    services.add_measure(point, measure, actor=actor)
                    existing.add((measure["kind"], measure["description"]))
    return created, []
