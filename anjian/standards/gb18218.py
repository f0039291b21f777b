"""GB 18218-2018《危险化学品重大危险源辨识》: identifying and grading major hazard installations.

Identification (§4.2, formula 1): S = Σ qᵢ/Qᵢ; the unit is a major hazard installation when
S ≥ 1 (for a single substance: q ≥ Q). Grading (§4.3, formula 2): R = α·Σ βᵢ·qᵢ/Qᵢ, and Table 6
maps R to levels 1–4 (R ≥ 100 → 1; 50 ≤ R < 100 → 2; 10 ≤ R < 50 → 3; R < 10 → 4).

- Q, the threshold quantity: Table 1 for the 85 named substances; otherwise Table 2 by hazard
  category, taking the lowest threshold when a chemical has several hazards (§4.1). ✅
- β: Table 3 for the 14 named toxic gases, otherwise Table 4 by hazard category (§4.3.3). ✅
- α: Table 5, by the permanent population within 500 m outside the plant boundary (§4.3.4). ✅

Two choices the standard leaves open are the project's and are marked unchecked (未核对):

- the hazard category whose Table 4 β applies to a Table 1 substance that is not in Table 3.
  Each Table 1 row carries a default (``Substance.beta_category``) derived from the GHS
  classification in 《危险化学品目录（2015版）》; pass ``Item(category=...)`` to override it with
  the classification in the enterprise's safety data sheet;
- for a chemical with several hazard categories, β is taken from the category that set its
  threshold (the lowest Q); when two categories share that threshold, the larger β is taken.

All arithmetic is exact (:class:`fractions.Fraction`); the Decimal values shown on an
:class:`Assessment` are rounded toward -∞ to 28 significant digits, which never moves a value
across a threshold.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

from anjian.standards._base import Number, Status, fraction_to_decimal, read_csv, to_decimal, to_int

__all__ = [
    "TABLE1",
    "TABLE2",
    "TABLE3",
    "TABLE4",
    "TABLE5",
    "AlphaBand",
    "Assessment",
    "Basis",
    "Category",
    "Item",
    "Line",
    "Substance",
    "ToxicGas",
    "alpha",
    "assess",
    "category",
    "level_for",
    "substance",
]

CITATION = "GB 18218-2018《危险化学品重大危险源辨识》"


@dataclass(frozen=True)
class Substance:
    """A row of Table 1 (危险化学品名称及其临界量), as the standard writes it.

    ``lookup_names`` are extra names the project accepts for lookup (e.g. 天然气 for row 49);
    ``beta_category`` is the project's default Table 4 category for β (未核对 / unchecked),
    None for the substances of Table 3.
    """

    no: int
    name: str
    aliases: tuple[str, ...]
    lookup_names: tuple[str, ...]
    cas: tuple[str, ...]
    cas_as_written: str
    threshold_t: Decimal
    beta_category: str | None


@dataclass(frozen=True)
class Category:
    """A row of Table 2 (hazard category and its threshold) with its Table 4 β."""

    code: str
    hazard_class: str
    description: str
    threshold_t: Decimal
    beta: Decimal


@dataclass(frozen=True)
class ToxicGas:
    """A row of Table 3 (校正系数 β for named toxic gases)."""

    name: str
    cas: str
    beta: Decimal


@dataclass(frozen=True)
class AlphaBand:
    """A row of Table 5: α for ``min_people`` to ``max_people`` (None: no upper bound)."""

    min_people: int
    max_people: int | None
    alpha: Decimal


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split(";") if part)


def _load_table1() -> tuple[Substance, ...]:
    rows = []
    for row in read_csv("gb18218_table1.csv"):
        cas_numbers = tuple(re.sub(r"\(.*?\)", "", cas) for cas in _split(row["cas"]))
        rows.append(
            Substance(
                no=int(row["no"]),
                name=row["name"],
                aliases=_split(row["aliases"]),
                lookup_names=_split(row["lookup_names"]),
                cas=cas_numbers,
                cas_as_written=row["cas"],
                threshold_t=Decimal(row["threshold_t"]),
                beta_category=row["beta_category"] or None,
            )
        )
    return tuple(rows)


def _load_table2() -> Mapping[str, Category]:
    betas = {row["code"]: Decimal(row["beta"]) for row in read_csv("gb18218_table4.csv")}
    table = {
        row["code"]: Category(
            code=row["code"],
            hazard_class=row["hazard_class"],
            description=row["description"],
            threshold_t=Decimal(row["threshold_t"]),
            beta=betas[row["code"]],
        )
        for row in read_csv("gb18218_table2.csv")
    }
    return MappingProxyType(table)


TABLE1: tuple[Substance, ...] = _load_table1()
"""Table 1, all 85 rows in the standard's order (✅ checked against [S1])."""

TABLE2: Mapping[str, Category] = _load_table2()
"""Table 2 by category code (J1…J5, W1.1…W11), each with its Table 4 β (✅)."""

TABLE3: Mapping[str, ToxicGas] = MappingProxyType(
    {
        row["cas"]: ToxicGas(row["name"], row["cas"], Decimal(row["beta"]))
        for row in read_csv("gb18218_table3.csv")
    }
)
"""Table 3 by CAS number: β of the 14 named toxic gases (✅)."""

TABLE4: Mapping[str, Decimal] = MappingProxyType({code: c.beta for code, c in TABLE2.items()})
"""Table 4: β by category code for chemicals not in Table 3 (✅)."""

TABLE5: tuple[AlphaBand, ...] = tuple(
    AlphaBand(
        int(row["min_people"]),
        int(row["max_people"]) if row["max_people"] else None,
        Decimal(row["alpha"]),
    )
    for row in read_csv("gb18218_table5.csv")
)
"""Table 5: α by the number of people exposed outside the plant (✅)."""


def _normalise(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).lower()


def _index_names() -> Mapping[str, tuple[Substance, ...]]:
    index: dict[str, list[Substance]] = {}
    for row in TABLE1:
        names = {_normalise(n) for n in (row.name, *row.aliases, *row.lookup_names)}
        names.add(re.split(r"[(\[]", _normalise(row.name))[0])  # 硝酸铵(…) is found as 硝酸铵
        for name in names:
            index.setdefault(name, []).append(row)
    return MappingProxyType({key: tuple(rows) for key, rows in index.items()})


def _index_cas() -> Mapping[str, tuple[Substance, ...]]:
    index: dict[str, list[Substance]] = {}
    for row in TABLE1:
        for cas in row.cas:
            index.setdefault(cas, []).append(row)
    return MappingProxyType({key: tuple(rows) for key, rows in index.items()})


_BY_NAME = _index_names()
_BY_CAS = _index_cas()
_TABLE3_BY_NAME = {_normalise(gas.name): gas for gas in TABLE3.values()}
_CAS_PATTERN = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def _check_cas(cas: str) -> str:
    cas = cas.strip()
    match = _CAS_PATTERN.match(cas)
    if match is None:
        raise ValueError(f"malformed CAS number {cas!r} / CAS 号格式错误：{cas}")
    digits = match.group(1) + match.group(2)
    checksum = sum(int(d) * i for i, d in enumerate(reversed(digits), start=1)) % 10
    if checksum != int(match.group(3)):
        raise ValueError(f"CAS number {cas!r} fails its check digit / CAS 号校验位错误：{cas}")
    return cas


def _describe(rows: Sequence[Substance]) -> str:
    return "; ".join(f"{row.no} {row.name}" for row in rows)


def substance(query: str) -> Substance:
    """Return the Table 1 row for a CAS number, name or alias (GB 18218-2018 §4.1 a, Table 1).

    Raises ValueError when nothing matches, or when the query names several rows (硝化棉 and
    CAS 9004-70-0 name six nitrocellulose rows; give the full name as Table 1 writes it).
    """
    key = query.strip()
    rows = _BY_CAS.get(key) if _CAS_PATTERN.match(key) else _BY_NAME.get(_normalise(key))
    if not rows:
        raise ValueError(
            f"{query!r} is not in GB 18218-2018 Table 1 / {query} 不在 GB 18218-2018 表1 中"
        )
    if len(rows) > 1:
        raise ValueError(
            f"{query!r} matches several rows of Table 1, give the full name: {_describe(rows)} / "
            f"{query} 对应表1多行，请写明全称"
        )
    return rows[0]


def category(code: str) -> Category:
    """Return the Table 2 category for a code such as ``W5.1`` or ``J1`` (GB 18218-2018 Table 2)."""
    key = code.strip().upper()
    if key not in TABLE2:
        raise ValueError(
            f"unknown GB 18218-2018 Table 2 category {code!r}; allowed: {', '.join(TABLE2)} / "
            f"未知的表2类别 {code}"
        )
    return TABLE2[key]


def _categories(codes: str | None) -> tuple[Category, ...]:
    if codes is None or not codes.strip():
        return ()
    return tuple(category(code) for code in re.split(r"[\s,，、;；/]+", codes.strip()) if code)


def _deciding(categories: Sequence[Category]) -> Category:
    """The category that sets the threshold (lowest Q; ties: larger β, unchecked choice)."""
    return min(categories, key=lambda c: (c.threshold_t, -c.beta))


@dataclass(frozen=True, init=False)
class Item:
    """One dangerous chemical in a production or storage unit, with its quantity in tonnes.

    ``quantity_t`` is the actual quantity q, i.e. the design maximum of the tanks, vessels and
    stores (§4.2.2). The substance is given by ``cas`` or ``name`` (Table 1), or only by its
    Table 2 ``category`` code(s), e.g. ``"W5.1"`` or ``"W2,J3"`` for several hazards. For a
    Table 1 substance, ``category`` chooses the Table 4 β (it overrides the unchecked default).
    """

    quantity_t: Decimal
    cas: str | None = None
    name: str | None = None
    category: str | None = None

    def __init__(
        self,
        quantity_t: Decimal | float | str | int,
        cas: str | None = None,
        name: str | None = None,
        category: str | None = None,
    ) -> None:
        object.__setattr__(self, "quantity_t", to_decimal(quantity_t, "quantity_t / 实际存在量"))
        object.__setattr__(self, "cas", cas.strip() if cas and cas.strip() else None)
        object.__setattr__(self, "name", name.strip() if name and name.strip() else None)
        object.__setattr__(
            self, "category", category.strip() if category and category.strip() else None
        )
        if self.cas is None and self.name is None and self.category is None:
            raise ValueError(
                "an item needs a CAS number, a name or a Table 2 category / "
                "须给出 CAS 号、名称或表2类别"
            )


class Line(NamedTuple):
    """One item's figures: its threshold Q (t), its β and its ratio q/Q."""

    threshold_t: Decimal
    beta: Decimal
    ratio: Decimal


@dataclass(frozen=True)
class Basis:
    """Where an item's Q and β came from, for the calculation record (计算快照)."""

    substance: Substance | None
    category: Category | None
    threshold_source: str
    beta_source: str
    beta_status: Status
    label: str


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`: identification (S) and, for a major hazard, its grade (R).

    ``s`` and ``r`` are Decimals rounded toward -∞ from the exact values ``s_exact`` and
    ``r_exact``; ``r``, ``r_exact`` and ``level`` are None when the unit is not major.
    """

    s: Decimal
    is_major: bool
    r: Decimal | None
    level: int | None
    alpha: Decimal
    lines: tuple[Line, ...]
    basis: tuple[Basis, ...]
    s_exact: Fraction = field(repr=False)
    r_exact: Fraction | None = field(repr=False)
    exposed_people: int


def _resolve(item: Item) -> tuple[Decimal, Decimal, Basis]:
    categories = _categories(item.category)
    rows: tuple[Substance, ...] = ()
    toxic: ToxicGas | None = None
    label = item.name or item.cas or item.category or ""
    if item.cas is not None:
        cas = _check_cas(item.cas)
        rows = _BY_CAS.get(cas, ())
        toxic = TABLE3.get(cas)
    if item.name is not None:
        by_name = _BY_NAME.get(_normalise(item.name), ())
        if item.cas is not None and rows and by_name:
            rows = tuple(row for row in rows if row in by_name)
            if not rows:
                raise ValueError(
                    f"CAS {item.cas} and name {item.name!r} name different substances / "
                    f"CAS 号与名称不一致"
                )
        elif by_name:
            if item.cas is not None and any(row.cas for row in by_name):
                raise ValueError(
                    f"CAS {item.cas} is not that of {item.name!r} / CAS 号与名称不一致"
                )
            rows = by_name
        toxic = toxic or _TABLE3_BY_NAME.get(_normalise(item.name))
    if len(rows) > 1:
        raise ValueError(
            f"{label!r} matches several rows of Table 1, give the full name: {_describe(rows)} / "
            f"{label} 对应表1多行，请写明全称"
        )
    row = rows[0] if rows else None
    if row is not None:
        toxic = toxic or next((TABLE3[c] for c in row.cas if c in TABLE3), None)
        threshold, threshold_source = row.threshold_t, f"Table 1 No. {row.no} / 表1第{row.no}项"
        label = row.name
    elif categories:
        threshold = _deciding(categories).threshold_t
        threshold_source = f"Table 2 {_deciding(categories).code} / 表2"
    else:  # a CAS number or a name (Item guarantees one of the three) that Table 1 lacks
        raise ValueError(
            f"{label!r} is not in GB 18218-2018 Table 1; give its Table 2 hazard category "
            f"(e.g. W5.3, J1) / {label} 不在表1中，请给出表2危险性类别"
        )

    deciding = _deciding(categories) if categories else None
    if toxic is not None:
        beta, beta_source, status = toxic.beta, f"Table 3 {toxic.name} / 表3", Status.CHECKED
    elif deciding is not None:
        beta, beta_source, status = deciding.beta, f"Table 4 {deciding.code} / 表4", Status.CHECKED
    elif row is not None and row.beta_category is not None:
        deciding = TABLE2[row.beta_category]
        beta = deciding.beta
        beta_source = (
            f"Table 4 {deciding.code}, default category (unchecked) / 表4 默认类别（未核对）"
        )
        status = Status.UNCHECKED
    else:  # pragma: no cover - every Table 1 row has Table 3 β or a default category
        raise ValueError(f"no β for {label!r}; give its Table 2 hazard category")
    basis = Basis(row, deciding, threshold_source, beta_source, status, label)
    return threshold, beta, basis


PEOPLE = "exposed_people / 暴露人数"


def alpha(exposed_people: int) -> Decimal:
    """Return α for the people exposed within 500 m of the plant boundary (GB 18218-2018 Table 5).

    100 or more → 2.0; 50–99 → 1.5; 30–49 → 1.2; 1–29 → 1.0; 0 → 0.5.
    """
    people = to_int(exposed_people, PEOPLE)
    return next(  # Table 5's bands cover every count from 0 up
        band.alpha
        for band in TABLE5
        if people >= band.min_people and (band.max_people is None or people <= band.max_people)
    )


def level_for(r: Decimal | Fraction | Number) -> int:
    """Return the level (1 highest … 4) for a value of R (GB 18218-2018 §4.3.5, Table 6).

    R ≥ 100 → 1; 100 > R ≥ 50 → 2; 50 > R ≥ 10 → 3; R < 10 → 4.
    """
    value = r if isinstance(r, Fraction) else Fraction(to_decimal(r, "R"))
    if value >= 100:
        return 1
    if value >= 50:
        return 2
    if value >= 10:
        return 3
    return 4


def assess(items: Sequence[Item], exposed_people: int) -> Assessment:
    """Identify and grade one production or storage unit (GB 18218-2018 §4.2 formula 1, §4.3).

    S = Σ qᵢ/Qᵢ, major when S ≥ 1 (§4.2.2); for a major hazard R = α·Σ βᵢ·qᵢ/Qᵢ (formula 2)
    with α from Table 5 and the level from Table 6. Raises ValueError for an unknown or
    ambiguous substance, a negative quantity or a negative number of people.
    """
    if isinstance(items, Item):
        raise ValueError("items must be a sequence of Item / items 应为 Item 序列")
    people = to_int(exposed_people, PEOPLE)
    a = alpha(people)
    s = Fraction(0)
    weighted = Fraction(0)
    lines: list[Line] = []
    bases: list[Basis] = []
    for item in items:
        if not isinstance(item, Item):
            raise ValueError(f"expected gb18218.Item, got {item!r} / 应为 gb18218.Item")
        threshold, beta, basis = _resolve(item)
        ratio = Fraction(item.quantity_t) / Fraction(threshold)
        s += ratio
        weighted += Fraction(beta) * ratio
        lines.append(Line(threshold, beta, fraction_to_decimal(ratio)))
        bases.append(basis)
    is_major = s >= 1
    r_exact = Fraction(a) * weighted if is_major else None
    return Assessment(
        s=fraction_to_decimal(s),
        is_major=is_major,
        r=fraction_to_decimal(r_exact) if r_exact is not None else None,
        level=level_for(r_exact) if r_exact is not None else None,
        alpha=a,
        lines=tuple(lines),
        basis=tuple(bases),
        s_exact=s,
        r_exact=r_exact,
        exposed_people=people,
    )
