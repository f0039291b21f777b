"""Monthly partitions of the readings table on PostgreSQL (native range partitioning by time).

The table is created partitioned by migration 0002, with a DEFAULT partition so that a reading
whose month has no partition yet is still stored, never refused. :func:`ensure_partitions`
(run by the retention task and when the ingest starts) creates the current month's and the
next months' partitions ahead of time; :func:`drop_partitions_before` lets retention drop whole
months instead of deleting rows. On SQLite the table is a plain table and both do nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import connection

TABLE = "monitoring_reading"


def _month(day: date, offset: int) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y%m}"


def is_partitioned() -> bool:
    return connection.vendor == "postgresql"


def ensure_partitions(today: date, months_ahead: int = 2) -> list[str]:
    """Create the partitions of this month and the next ``months_ahead``; returns new names."""
    if not is_partitioned():
        return []
    created = []
    with connection.cursor() as cursor:
        for offset in range(months_ahead + 1):
            start, end = _month(today, offset), _month(today, offset + 1)
            name = partition_name(start)
            cursor.execute("SELECT to_regclass(%s)", [name])
            if cursor.fetchone()[0] is not None:
                continue
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{TABLE}" '
                f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
            )
            created.append(name)
    return created


def drop_partitions_before(cutoff: datetime) -> list[str]:
    """Drop the monthly partitions that end at or before ``cutoff``; returns their names."""
    if not is_partitioned():
        return []
    dropped = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
            [TABLE],
        )
        for (name,) in cursor.fetchall():
            suffix = name.removeprefix(f"{TABLE}_")
            if not suffix.isdigit():
                continue  # the default partition
            end = _month(date(int(suffix[:4]), int(suffix[4:]), 1), 1)
            if end <= cutoff.date():
                cursor.execute(f'DROP TABLE "{name}"')
                dropped.append(name)
    return dropped
