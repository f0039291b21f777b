"""Query planning on PostgreSQL: where the connection's generic plans do not serve.

The connection keeps one generic plan per prepared statement (``plan_cache_mode`` in the
settings): right for the short, evenly selective reads that make up most requests. An
aggregate over one town's or one period's rows is not one of them: its generic plan cannot see
how few rows a town or a date range selects, and on 1,000,000 hidden dangers a town's year of
figures ran 4 to 5 times slower than with its actual values (``python -m bench.dangers_list``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def custom_plans() -> Iterator[None]:
    """Plan the queries run inside with their actual values (PostgreSQL; elsewhere nothing).

    ``SET LOCAL`` in a transaction of its own: the setting ends with it, whatever happens
    inside (inside an outer transaction it lasts until that one ends)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield
