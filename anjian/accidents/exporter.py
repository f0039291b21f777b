"""The statistics as a workbook in the layout of the monthly statistical report (事故统计月报):
by month, by town, by industry section and division, by type (naming its edition) and by grade,
each with the year before, and the year's quotas with their consumption. Cells are values,
never formulas (core sheets kit)."""

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
YEAR_ON_YEAR = (
    Column("accidents", "事故起数", "本年", width=10),
    Column("deaths", "死亡人数", "本年", width=10),
    Column("accidents_before", "上年同期起数", "上年", width=12),
    Column("deaths_before", "上年同期死亡", "上年", width=12),
    Column("accidents_change", "起数同比", "增减", width=10),
    Column("deaths_change", "死亡同比", "增减", width=10),
)
TOWNS = Sheet("按镇街", (Column("town", "镇街", "", width=16), *YEAR_ON_YEAR))
SECTIONS = Sheet(
    "按行业门类", (Column("section", "行业门类", "GB/T 4754-2017", width=12), *YEAR_ON_YEAR)
)
DIVISIONS = Sheet(
    "按行业大类", (Column("division", "行业大类", "GB/T 4754-2017", width=30), *YEAR_ON_YEAR)
)
TYPES = Sheet(
    "按事故类型",
    (
        Column("edition", "分类标准", "2026-07-01起按GB 6441-2025（可配置）", width=18),
        Column("code", "类型代码", "", width=10),
        Column("type", "事故类型", "", width=18),
        *YEAR_ON_YEAR,
    ),
)
GRADES = Sheet(
    "按等级", (Column("grade", "事故等级", "国务院令第493号第三条", width=14), *YEAR_ON_YEAR)
)
QUOTAS = Sheet(
    "控制指标",
    (
        Column("kind", "对象", "镇街/行业", width=8),
        Column("object", "镇街或行业", "", width=24),
        Column("allowed", "死亡人数控制指标", "", width=16),
        Column("accidents", "事故起数", "本年", width=10),
        Column("deaths", "死亡人数", "本年", width=10),
        Column("percent", "占指标（%）", "", width=12),
    ),
)

FIGURES = tuple(column.key for column in YEAR_ON_YEAR)


def _figures(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[key] for key in FIGURES)


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
            (TOWNS, [(t["label"], *_figures(t)) for t in stats["towns"]]),
            (SECTIONS, [(s["label"], *_figures(s)) for s in stats["sections"]]),
            (DIVISIONS, [(d["label"], *_figures(d)) for d in stats["divisions"]]),
            (
                TYPES,
                [(t["edition"], t["code"], t["label"], *_figures(t)) for t in stats["types"]],
            ),
            (GRADES, [(g["label"], *_figures(g)) for g in stats["grades"]]),
            (
                QUOTAS,
                [
                    (
                        str(q.quota.get_kind_display()),
                        q.label,
                        q.quota.deaths_allowed,
                        q.accidents,
                        q.deaths,
                        q.percent,
                    )
                    for q in stats["quotas"]
                ],
            ),
        ],
        validation_rows=0,
    )
