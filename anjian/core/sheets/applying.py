"""Writing many checked rows at once, inside the caller's one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

__all__ = ["BATCH", "executemany"]

BATCH = 2000


def executemany(model: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Plain multi-row INSERT through Django's cursor, ``BATCH`` rows a statement: the ORM's
    ``bulk_create`` builds a model instance and prepares every value field by field, which
    costs more than reading the workbook; the values here are already checked and in database
    form (``connection.ops.adapt_*``)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (quoted names; values bound)
        quote(model._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
