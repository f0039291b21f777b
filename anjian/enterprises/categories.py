"""Which supervision categories an industry suggests.

The regulators' lists in ``shared/data/safety_supervision_categories.csv`` name fields
(矿山, 危险化学品, 冶金, …) but, apart from a few, do not map them to GB/T 4754-2017 codes;
SOURCES.md marks the mapping column as indicative, not from the source documents. This table
follows that indicative column and the 工贸 scopes of 应急厅〔2019〕17号 where they were
retrieved. It only *suggests* categories (demo data, the create form's defaults); what an
enterprise is actually supervised as is recorded on the enterprise.
"""

from __future__ import annotations

__all__ = ["INDICATIVE_PREFIXES", "suggested_category_names"]

_MACHINERY = ("33", "34", "35", "36", "37", "38", "39", "40")
_LIGHT = ("13", "14", "15", "18", "19", "20", "21", "22", "23", "24", "29")
_MINES = ("06", "07", "08", "09", "10")
_BUILD = ("47", "48", "49", "50")
_TRANSPORT = ("53", "54", "55", "56", "57")
_CHEMICALS = ("26", "5162")

# Category name → GB/T 4754-2017 code prefixes (indicative, see the module docstring).
INDICATIVE_PREFIXES: dict[str, tuple[str, ...]] = {
    "矿山": _MINES,
    "煤矿": ("06",),
    "非煤矿山": ("08", "09", "10"),
    "危险化学品": _CHEMICALS,
    "烟花爆竹": ("2672",),
    "交通运输": _TRANSPORT,
    "建筑施工": _BUILD,
    "民用爆炸物品": ("2671",),
    "金属冶炼": ("31", "32"),
    "渔业生产": ("04",),
    "运输单位": _TRANSPORT,
    "危险物品的生产、经营、储存、装卸单位": (*_CHEMICALS, "2671", "2672"),
    "煤炭生产": ("06",),
    "非煤矿山开采": ("08", "09", "10"),
    "石油天然气开采": ("07",),
    "建设工程施工": _BUILD,
    "危险品生产与储存": _CHEMICALS,
    "烟花爆竹生产": ("2672",),
    "民用爆炸物品生产": ("2671",),
    "冶金": ("31",),
    "有色": ("32",),
    "建材": ("30",),
    "机械": _MACHINERY,
    "机械制造": _MACHINERY,
    "轻工": _LIGHT,
    "纺织": ("17",),
    "烟草": ("16",),
    "商贸": ("51", "52", "59"),
    "电力生产与供应": ("44",),
}


def suggested_category_names(industry_code: str) -> set[str]:
    """Category names whose indicative industry prefixes cover ``industry_code``."""
    return {
        name
        for name, prefixes in INDICATIVE_PREFIXES.items()
        if any(industry_code.startswith(prefix) for prefix in prefixes)
    }
