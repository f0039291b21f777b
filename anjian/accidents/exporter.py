"""The statistics as a workbook in the layout of the monthly statistical report (事故统计月报):
by month with the year before, by town, by industry section, by type (naming its edition) and
by grade. Cells are values, never formulas (core sheets kit)."""

from __future__ import annotations

from typing import Any

from anjian.core.sheets import Column, Sheet, write_book

MONTHS = Sheet(
    "月报",
    (
        Column("month", "月份", "", width=8),
        Column("accidents", "事故起数", "本年", width=10),
        Column("deaths", "死亡人数", "本年", width=10),
        Column("accidents_before", "上年同期起数", "上年", width=12),
        Column("deaths_before", "上年同期死亡", "上年", width=12),
        Column("accidents_change", "起数同比", "增减", width=10),
        Column("deaths_change", "死亡同比", "增减", width=10),
    ),
)
TOWNS = Sheet(
    "按镇街",
    (
        Column("town", "镇街", "", width=16),
        Column("accidents", "事故起数", "", width=10),
        Column("deaths", "死亡人数", "", width=10),
    ),
)
SECTIONS = Sheet(
    "按行业门类",
    (
        Column("section", "行业门类", "GB/T 4754-2017", width=12),
        Column("accidents", "事故起数", "", width=10),
        Column("deaths", "死亡人数", "", width=10),
    ),
)
TYPES = Sheet(
    "按事故类型",
    (
        Column("edition", "分类标准", "2026-07-01起按GB 6441-2025（可配置）", width=18),
        Column("code", "类型代码", "", width=10),
        Column("type", "事故类型", "", width=18),
        Column("accidents", "事故起数", "", width=10),
        Column("deaths", "死亡人数", "", width=10),
    ),
)
GRADES = Sheet(
    "按等级",
    (
        Column("grade", "事故等级", "国务院令第493号第三条", width=14),
        Column("accidents", "事故起数", "", width=10),
    ),
)


def statistics_book(stats: dict[str, Any]) -> bytes:
    months = [
        (
            f"{m['month']}月",
            m["accidents"],
            m["deaths"],
            m["accidents_before"],
            m["deaths_before"],
            m["accidents"] - m["accidents_before"],
            m["deaths"] - m["deaths_before"],
        )
        for m in stats["months"]
    ]
    rows: list[tuple[Any, ...]] = list(months)
    rows.append(("合计", *(sum(int(row[i]) for row in months) for i in range(1, 7))))
    return write_book(
        [
            (MONTHS, rows),
            (TOWNS, [(t["label"], t["accidents"], t["deaths"]) for t in stats["towns"]]),
            (SECTIONS, [(s["label"], s["accidents"], s["deaths"]) for s in stats["sections"]]),
            (
                TYPES,
                [
                    (t["edition"], t["code"], t["label"], t["accidents"], t["deaths"])
                    for t in stats["types"]
                ],
            ),
            (GRADES, [(g["label"], g["accidents"]) for g in stats["grades"]]),
        ],
        validation_rows=0,
    )
