"""The hidden-danger list API and a town's overview figures on PostgreSQL.

Data: ``BENCH_ENTERPRISES`` demo enterprises (default 2,000) and ``BENCH_DANGERS`` hidden
dangers (default 100,000; the issue's figure is ``BENCH_DANGERS=1000000
BENCH_ENTERPRISES=100000``), spread over the enterprises and a year, about 10 % open, 3 % major,
inserted with one ``generate_series`` statement into a database of its own
(``BENCH_DANGERS_DATABASE_URL``), kept between runs.

Measured in-process (Django test client, platform middleware, a town officer's session), 16
client threads at once, each with its own connection:

- ``GET /api/v1/hidden-dangers?status=open`` (the town's open dangers, first page of 20): p99,
  against the bare JSON view (``/bench/bare``) under the same 16 threads, and against the raw
  SQL of the same page (scope subquery, filter, order, limit) run directly;
- the town's overview figures (:func:`anjian.dangers.queries.totals`, this year): median
  against the raw SQL of its aggregate.

Targets (issue 14): the list at p99 under 50 ms with 16 clients, the figures under 200 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import Result, setup_django

PG_URL = os.environ.get(
    "BENCH_DANGERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian_bench_dangers"
)
ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "2000"))
DANGERS = int(os.environ.get("BENCH_DANGERS", "100000"))
CLIENTS = 16
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "40"))  # per client
COMMAND = "python -m bench.dangers_list"


def _ensure_database() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _insert_dangers(missing: int) -> None:
    """``missing`` dangers in one statement: enterprise by turn, a year of creation times."""
    from django.db import connection

    from anjian.dangers.models import HiddenDanger
    from anjian.enterprises.models import Enterprise

    table = HiddenDanger._meta.db_table
    enterprises = Enterprise._meta.db_table
    sql = f"""
        WITH e AS (SELECT id, town_id, row_number() OVER (ORDER BY id) - 1 AS n
                   FROM "{enterprises}")
        INSERT INTO "{table}" (enterprise_id, town_id, source, place, description, category,
            is_major, criterion_code, finder, found_at, responsible_person, deadline, state,
            created_at, closed_at)
        SELECT e.id, e.town_id,
            (ARRAY['self_inspection','grid_patrol','enforcement','expert'])[1 + g %% 4],
            '车间', '基准测试隐患', 'other', g %% 33 = 0, '', '',
            now() - (g %% 365) * interval '1 day',
            '', (now() - (g %% 365) * interval '1 day' + interval '15 days')::date,
            CASE WHEN g %% 10 = 0 THEN 'rectifying' ELSE 'closed_out' END,
            now() - (g %% 365) * interval '1 day',
            CASE WHEN g %% 10 = 0 THEN NULL ELSE now() - (g %% 365) * interval '1 day'
                 + interval '9 days' END
        FROM generate_series(1, %s) AS g
        -- the count as a scalar, so the join is a hash join on e.n (e.total in the condition
        -- made it a nested loop: 10^11 comparisons at 1,000,000 × 100,000)
        JOIN e ON e.n = g %% (SELECT count(*) FROM "{enterprises}")
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [missing])
        cursor.execute("VACUUM ANALYZE")


def _prepare() -> Any:
    from django.conf import settings
    from django.core.management import call_command

    from anjian.accounts.models import RoleAssignment, User
    from anjian.core.democity import DemoContext
    from anjian.core.roles import Role
    from anjian.dangers.models import HiddenDanger
    from anjian.enterprises import demo
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import Town
    from anjian.orgs.services import build_demo_grids, load_reference

    call_command("migrate", verbosity=0)
    if not Town.objects.exists():
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids()
    if Enterprise.objects.count() < ENTERPRISES * 0.99:
        print(f"building {ENTERPRISES:,} demo enterprises…", file=sys.stderr, flush=True)
        demo.build(DemoContext(seed=2018, options={"enterprises": ENTERPRISES}))
    missing = DANGERS - HiddenDanger.objects.count()
    if missing > 0:
        print(f"inserting {missing:,} hidden dangers…", file=sys.stderr, flush=True)
        _insert_dangers(missing)
    town = Town.objects.filter(pk__in=Enterprise.objects.values("town_id")).order_by("code").first()
    if town is None:
        raise RuntimeError("no enterprises to measure")
    user, _created = User.objects.get_or_create(username="bench_dangers_town")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.TOWN, jurisdiction_kind="town", jurisdiction_code=town.code
    )
    return user, town


def _concurrent(user: Any, url: str) -> list[float]:
    """Every request's time, ``CLIENTS`` threads at once."""
    from django.db import connections
    from django.test import Client

    samples: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(CLIENTS)

    def run() -> None:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm this connection
        barrier.wait()
        mine = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            mine.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content[:200]
        with lock:
            samples.extend(mine)
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98] * 1000


def _raw_page_ms(town: Any) -> float:
    """The list's own page as raw SQL: the scope subquery, the filter, the order, the limit."""

    from anjian.dangers.models import HiddenDanger
    from anjian.enterprises.models import Enterprise

    sql = (
        f'SELECT id, enterprise_id, state, is_major, deadline FROM "{HiddenDanger._meta.db_table}"'  # noqa: S608
        f' WHERE enterprise_id IN (SELECT id FROM "{Enterprise._meta.db_table}" WHERE town_id = %s)'
        " AND state IN ('reported','assessed','rectifying','awaiting_verification')"
        " ORDER BY created_at DESC, id DESC LIMIT 20"
    )
    return _median_sql(sql, [town.pk])


def _median_sql(sql: str, params: list[Any], repeat: int = 30) -> float:
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="anjian-bench-dangers-"))
    _ensure_database()
    setup_django(var, PG_URL)
    from django.db import connection
    from django.test import override_settings
    from django.utils import timezone

    from anjian.dangers import queries
    from anjian.dangers.models import HiddenDanger
    from anjian.enterprises.models import Enterprise

    user, town = _prepare()
    total = HiddenDanger.objects.count()
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
        bare = _concurrent(user, "/bench/bare")
        listing = _concurrent(user, "/api/v1/hidden-dangers?status=open&page_size=20")
    raw_page = _raw_page_ms(town)
    Result(
        name=f"hidden-danger list API, town, {total:,} dangers, {CLIENTS} clients (PostgreSQL)",
        figure=round(_p99(listing), 2),
        floor=round(_p99(bare), 2),
        unit="ms p99 per request, in-process; floor: bare JSON view under the same load",
        ratio=round(_p99(listing) / _p99(bare), 1),
        target="p99 < 50 ms",
        passed=_p99(listing) < 50,
        command=COMMAND,
        note=f"raw SQL of the page alone: {raw_page:.2f} ms median;"
        f" {ENTERPRISES:,} enterprises; {CLIENTS}×{REQUESTS} requests",
    ).emit()
    year_start = timezone.localdate().replace(month=1, day=1)
    times = []
    for _ in range(15):
        started = time.perf_counter()
        queries.totals(user, year_start, timezone.localdate())
        times.append(time.perf_counter() - started)
    figures_ms = statistics.median(times) * 1000
    raw = _median_sql(
        f"SELECT count(*), count(*) FILTER (WHERE state = %s), avg(closed_at - created_at)"  # noqa: S608
        f' FROM "{HiddenDanger._meta.db_table}" WHERE enterprise_id IN'
        f' (SELECT id FROM "{Enterprise._meta.db_table}" WHERE town_id = %s)'
        " AND created_at >= %s",
        ["closed_out", town.pk, year_start],
        repeat=15,
    )
    Result(
        name=f"town overview figures, {total:,} dangers (PostgreSQL)",
        figure=round(figures_ms, 2),
        floor=round(raw, 2),
        unit="ms median; floor: raw SQL of a comparable aggregate",
        ratio=round(figures_ms / raw, 1) if raw else 0.0,
        target="< 200 ms",
        passed=figures_ms < 200,
        command=COMMAND,
        note=f"{connection.vendor}",
    ).emit()


if __name__ == "__main__":
    main()
