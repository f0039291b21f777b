"""The enterprise list of the API in one query: page, categories and count in one statement.

The count sums the town tally when the scope and filters speak of town and status alone
(:meth:`~anjian.enterprises.models.EnterpriseQuerySet.tally_rows`), and counts the enterprises
otherwise.

The statement is derived from ``filters.apply(Enterprise.objects.visible_to(user))``, the
same scoped queryset every other list starts from, and its SQL text is kept per process and
per *shape* (:mod:`anjian.core.sqltemplates`): the user's roles, how many jurisdiction codes
of each kind the grants hold, and which filters are set. A request of a known shape costs
no ORM compilation; the scope is still applied by the database on every request, with the
request's own grants. Filters whose SQL depends on their value beyond a parameter (industry
prefix or section, numeric category id, search text, licence expiry: it reads today's date)
(and standardisation grade and grid, rarer filters) are compiled per request.

Measured figures: docs/enterprises.md, "Performance".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection

from anjian.accounts.access import Grants, grants_for
from anjian.core import sqltemplates
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.models import Enterprise, EnterpriseQuerySet
from anjian.orgs.models import SupervisionCategory

FIELDS = (
    "id", "credit_code", "name", "town__code", "industry__code", "status", "longitude",
    "latitude", "risk_level",
)  # fmt: skip
# Grants fields holding sets of codes or ids: their sizes are part of the shape.
_SET_FIELDS = tuple(
    f.name for f in dataclasses.fields(Grants) if f.name not in ("user_id", "roles")
)
# Filters whose value is only ever a parameter of the SQL.
_PLAIN_FILTERS = ("town", "status", "category")


def page(
    user: Any, filters: EnterpriseFilter, offset: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The items of one page of the enterprises ``user`` may see, filtered, and their count."""
    values, key = _values_and_shape(user, filters)
    values = {**values, "offset": offset, "limit": limit}
    if key is None:
        sql, params, converters = _build(user, filters)(values)
    else:
        sql, params, converters = sqltemplates.sql_for(key, _build(user, filters), values)
    if not sql:  # nothing visible
        return [], 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sqltemplates.convert(cursor.fetchall(), converters)
    width = len(FIELDS)
    items = [_item(row, row[width]) for row in rows]
    if rows:
        count = rows[0][width + 1]
    elif offset == 0:
        count = 0
    else:  # past the last page no row carries the count (rare): ask for it
        count = filters.apply(Enterprise.objects.visible_to(user)).count()
    return items, count


def _values_and_shape(
    user: Any, filters: EnterpriseFilter
) -> tuple[dict[str, Any], tuple[Any, ...] | None]:
    """The request's values by name, and its shape (``None``: compile per request)."""
    signed_in = bool(user is not None and user.is_authenticated and user.is_active)
    values: dict[str, Any] = {}
    shape: list[Any] = ["enterprise-list", signed_in]
    if signed_in:
        grants = grants_for(user)
        values["user_id"] = grants.user_id
        shape.append(tuple(sorted(grants.roles)))
        for name in _SET_FIELDS:
            members = sorted(getattr(grants, name))
            shape.append(len(members))
            values.update({f"{name}.{index}": member for index, member in enumerate(members)})
    plain = not (
        filters.industry
        or filters.q
        or filters.licence
        or filters.grade
        or filters.grid
        or filters.category.isdigit()
    )
    for name in _PLAIN_FILTERS:
        value = getattr(filters, name)
        shape.append(bool(value))
        if value:
            values[f"filter.{name}"] = value
    return values, tuple(shape) if plain else None


def _build(user: Any, filters: EnterpriseFilter) -> sqltemplates.Builder:
    """The builder of the statement from values (the request's, or markers)."""

    def build(values: Mapping[str, Any]) -> tuple[str, list[Any], sqltemplates.Converters]:
        scoped_user = _user_from(user, values)
        applied = dataclasses.replace(
            filters,
            **{name: values[f"filter.{name}"] for name in _PLAIN_FILTERS if getattr(filters, name)},
        )
        enterprises = applied.apply(Enterprise.objects.visible_to(scoped_user))
        if enterprises.query.is_empty():
            return "", [], {}
        try:
            return _statement(enterprises, values["offset"], values["limit"])
        except EmptyResultSet:  # e.g. a town code that names no town
            return "", [], {}

    return build


def _user_from(user: Any, values: Mapping[str, Any]) -> Any:
    """A stand-in for ``user`` whose grants are made of ``values`` (markers or the real ones),
    for ``visible_to``; the real user when not signed in (``visible_to`` gives nothing)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return user
    grants = grants_for(user)
    sets = {
        name: frozenset(values[f"{name}.{index}"] for index in range(len(getattr(grants, name))))
        for name in _SET_FIELDS
    }
    stand_in = Grants(user_id=values["user_id"], roles=grants.roles, **sets)
    return SimpleNamespace(
        pk=values["user_id"], is_authenticated=True, is_active=True, _anjian_grants=stand_in
    )


def _statement(
    enterprises: EnterpriseQuerySet, offset: Any, limit: Any
) -> tuple[str, list[Any], sqltemplates.Converters]:
    """Page, categories and count of ``enterprises`` in one statement.

    The page is the ORM's own query without its ORDER BY, ordered and cut by the outer query
    (PostgreSQL pulls the plain subquery up: the plan is the page query's own); each row's
    category keys come from a correlated subquery evaluated for the page's rows only, the
    count from an uncorrelated one over the enterprises or their tally, evaluated once.
    """
    page_sql, page_params, converters = sqltemplates.compile_queryset(
        enterprises.order_by().values(*FIELDS)
    )
    tally = enterprises.tally_rows()
    if tally is None:
        count_sql, count_params, _ = sqltemplates.compile_queryset(
            enterprises.order_by().values("pk")
        )
        count = f"(SELECT COUNT(*) FROM ({count_sql}) n)"  # noqa: S608
    else:
        count_sql, count_params, _ = sqltemplates.compile_queryset(tally)
        count = f'(SELECT COALESCE(SUM(n."enterprises"), 0) FROM ({count_sql}) n)'  # noqa: S608
    ordering = [str(name) for name in enterprises.query.order_by or Enterprise._meta.ordering or ()]
    order = ", ".join(
        f'p."{name[1:]}" DESC' if name.startswith("-") else f'p."{name}"' for name in ordering
    )
    through = Enterprise.categories.through._meta.db_table
    category_table = SupervisionCategory._meta.db_table
    # A scalar lookup per link rather than a join: PostgreSQL would hash the category table
    # once per row (0.19 ms for a page against 0.11 ms).
    keys = (
        f'SELECT (SELECT c."key" FROM "{category_table}" c'  # noqa: S608
        f' WHERE c."id" = m."supervisioncategory_id") AS "key"'
        f' FROM "{through}" m WHERE m."enterprise_id" = p."id"'
    )
    if connection.vendor == "postgresql":
        categories = f"ARRAY({keys})"
    else:
        categories = f"(SELECT GROUP_CONCAT(k.\"key\", ',') FROM ({keys}) k)"  # noqa: S608
    columns = ", ".join(f'p."{name}"' for name in FIELDS)
    sql = (
        f"SELECT {columns}, {categories}, {count}"  # noqa: S608
        f" FROM ({page_sql}) p ORDER BY {order} LIMIT %s OFFSET %s"
    )
    return sql, [*count_params, *page_params, limit, offset], converters


def _item(row: tuple[Any, ...], categories: list[str] | str | None) -> dict[str, Any]:
    if isinstance(categories, str):  # SQLite's GROUP_CONCAT
        categories = categories.split(",")
    return {
        "id": row[0],
        "credit_code": row[1],
        "name": row[2],
        "town": row[3],
        "industry": row[4],
        "categories": sorted(categories or []),
        "status": row[5],
        "location": None if row[6] is None else {"lng": row[6], "lat": row[7]},
        "risk_level": row[8],
    }
