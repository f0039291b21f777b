"""The city office's home page over 100,000 enterprises on PostgreSQL, against the bare view.

In-process (Django test client, the platform's settings and middleware, signed in as a city
officer with a session): the median request time of the home page with every panel, of
``GET /api/v1/dashboard`` (the same figures as JSON) and of the bare Django JSON view, measured
in alternating rounds in the same run. The page's own query count and database time are
printed beside them. The city sees every enterprise, so its figures are the most expensive.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.api_list import ENTERPRISES, PG_URL, _analyze, _ensure_database
from bench.common import Result, setup_django

COMMAND = "python -m bench.dashboard"
ROUNDS = 5
REQUESTS = 20  # per round and endpoint


def _prepare() -> Any:
    """Reference data, the demo enterprises (built once, kept in the benchmark database) and a
    city officer."""
    from django.conf import settings
    from django.core.management import call_command

    from anjian.accounts.models import RoleAssignment, User
    from anjian.core.democity import DemoContext
    from anjian.core.roles import Role
    from anjian.enterprises import demo
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import CITY_CODE, Town
    from anjian.orgs.services import build_demo_grids, load_reference

    call_command("migrate", verbosity=0)
    if not Town.objects.exists():
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids()
    if Enterprise.objects.count() < ENTERPRISES * 0.99:  # duplicate demo codes are skipped
        print(f"building {ENTERPRISES:,} demo enterprises…", file=sys.stderr, flush=True)
        demo.build(DemoContext(seed=2018, options={"enterprises": ENTERPRISES}))
    _analyze()
    user, _created = User.objects.get_or_create(username="bench_city")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.CITY, jurisdiction_kind="city", jurisdiction_code=CITY_CODE
    )
    return user


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="anjian-bench-dashboard-"))
    _ensure_database()
    setup_django(var, PG_URL)
    from django.db import connection
    from django.test import Client, override_settings

    user = _prepare()
    client = Client()
    client.force_login(user)
    endpoints = {"bare": "/bench/bare", "home page": "/", "dashboard API": "/api/v1/dashboard"}
    samples: dict[str, list[float]] = {name: [] for name in endpoints}
    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"], DEBUG=False):
        for url in endpoints.values():  # warm connections, plans and caches
            for _ in range(3):
                assert client.get(url).status_code == 200
        for _round in range(ROUNDS):
            for name, url in endpoints.items():
                for _ in range(REQUESTS):
                    started = time.perf_counter()
                    client.get(url)
                    samples[name].append(time.perf_counter() - started)
        database = {"queries": 0, "seconds": 0.0}

        def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                database["queries"] += 1
                database["seconds"] += time.perf_counter() - started

        with connection.execute_wrapper(timed):
            client.get("/")
    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    total = client.get("/api/v1/dashboard", HTTP_HOST="testserver").json()["panels"]
    enterprises = next(p for p in total if p["key"] == "enterprises")["data"]["total"]
    note = (
        f"{enterprises:,} enterprises visible to the city; median of {ROUNDS} alternating rounds"
        f" of {REQUESTS} requests; the home page runs {database['queries']} queries,"
        f" {database['seconds'] * 1000:.1f} ms in the database incl. round trips"
    )
    bare = medians["bare"]
    for name in ("home page", "dashboard API"):
        Result(
            name=f"city {name}, {ENTERPRISES:,} enterprises (PostgreSQL)",
            figure=round(medians[name], 2),
            floor=round(bare, 2),
            unit="ms median per request, in-process; floor: bare Django JSON view",
            ratio=round(medians[name] / bare, 1),
            target="",
            passed=True,
            command=COMMAND,
            note=note,
        ).emit()


if __name__ == "__main__":
    main()
