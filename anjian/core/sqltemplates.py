"""SQL text compiled once per process and per query *shape*, parameters bound per request.

The ORM spends about as long compiling a hot query as PostgreSQL spends running it (0.5 ms
for the enterprise list's page, 1.3 ms for the token check with its role assignments). For
the few hot reads, :func:`sql_for` builds the query with the ORM, through the very same code
(``visible_to``, the filters), twice, with two different sets of *marker* values; where the two
compiled texts agree and every parameter that differs is a marker, the text is kept and later
requests of the same shape only substitute their own values for the markers.

Only SQL text is cached, never data: permissions and results are always read from the
database. A shape whose SQL depends on values in a way the markers cannot follow (a ``LIKE``
pattern, an upper-cased text, a constant that is not a marker) is detected at the first
request and always compiled afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# The ORM's converters of a compiled query's columns: {position: (functions, expression)}.
Converters = dict[int, tuple[list[Any], Any]]
# Build the (sql, params, converters) of a shape from a mapping of names to values (markers
# or real); :func:`compile_queryset` gives them for a queryset.
Builder = Callable[[Mapping[str, Any]], tuple[str, list[Any], Converters]]
# Position of a parameter: ("value", name, adapter index) or ("constant", value, 0).
_Slot = tuple[str, Any, int]
_Template = tuple[str, list[_Slot], Converters]

_templates: dict[Hashable, _Template | None] = {}
_lock = threading.Lock()
_MAX_TEMPLATES = 512


def marker(example: Any, index: int, seed: int) -> Any:
    """A value of ``example``'s type that no real request carries, distinct per index (the
    value's position among the shape's values) and per seed (1 or 2)."""
    if isinstance(example, bool):
        raise TypeError("booleans shape the SQL: put them in the key")
    if isinstance(example, int):
        return -(10**12 * seed + index)
    if isinstance(example, datetime):
        return datetime(1900 + seed, 1, 1, tzinfo=UTC) + timedelta(seconds=index)
    if isinstance(example, date):
        return date(1900 + seed, 1, 1) + timedelta(days=index)
    if isinstance(example, str):
        return f"\x1fmarker{seed}:{index}\x1f"
    raise TypeError(f"no marker for {type(example).__name__}")


def _adapters(alias: str) -> list[Callable[[Any], Any]]:
    """How the ORM may have turned a value into a parameter: as it is, or as a datetime or a
    date of this backend (SQLite: text)."""
    ops = connections[alias].ops

    def as_datetime(value: Any) -> Any:
        return ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else None

    def as_date(value: Any) -> Any:
        is_date = isinstance(value, date) and not isinstance(value, datetime)
        return ops.adapt_datefield_value(value) if is_date else None

    return [lambda value: value, as_datetime, as_date]


def compile_queryset(queryset: QuerySet[Any]) -> tuple[str, list[Any], Converters]:
    """The SQL, parameters and column converters the ORM itself would use for ``queryset``."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    return sql, list(params), compiler.get_converters(fields)


def convert(
    rows: list[tuple[Any, ...]], converters: Converters, using: str = "default"
) -> list[Any]:
    """Rows of a template's query as the ORM would have returned them (SQLite's datetimes and
    booleans, JSON, …); the columns after the converters' positions are left as they are."""
    if not converters:
        return rows
    connection = connections[using]
    converted = []
    for row in rows:
        values = list(row)
        for position, (functions, expression) in converters.items():
            for function in functions:
                values[position] = function(values[position], expression, connection)
        converted.append(tuple(values))
    return converted


def _derive(alias: str, build: Builder, values: Mapping[str, Any]) -> _Template | None:
    names = sorted(values)
    first = {name: marker(values[name], index, 1) for index, name in enumerate(names)}
    second = {name: marker(values[name], index, 2) for index, name in enumerate(names)}
    sql, params, converters = build(first)
    sql_again, params_again, _converters = build(second)
    if sql != sql_again or len(params) != len(params_again):
        return None
    adapters = _adapters(alias)
    slots: list[_Slot] = []
    for one, two in zip(params, params_again, strict=True):
        if one == two:
            if any(str(marker_value) in str(one) for marker_value in first.values()):
                return None
            slots.append(("constant", one, 0))
            continue
        found = [
            ("value", name, index)
            for name in first
            for index, adapt in enumerate(adapters)
            if adapt(first[name]) == one and adapt(second[name]) == two
        ]
        if not found:
            return None
        slots.append(found[0])
    return sql, slots, converters


def sql_for(
    key: Hashable, build: Builder, values: Mapping[str, Any], using: str = "default"
) -> tuple[str, list[Any], Converters]:
    """(sql, params) of ``build(values)``, compiled once per ``key`` (the shape: everything
    that changes the SQL text apart from the values) and per database."""
    full_key = (using, connections[using].vendor, key)
    if full_key in _templates:
        template = _templates[full_key]
    else:
        template = _derive(using, build, values)
        with _lock:
            if len(_templates) >= _MAX_TEMPLATES:
                _templates.clear()
            _templates[full_key] = template
    if template is None:
        return build(values)
    sql, slots, converters = template
    adapters = _adapters(using)
    params = [
        adapters[index](values[what]) if kind == "value" else what for kind, what, index in slots
    ]
    return sql, params, converters


def clear() -> None:
    """Forget every template (tests that change the schema or the settings)."""
    with _lock:
        _templates.clear()
