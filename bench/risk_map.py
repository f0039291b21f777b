"""``GET /api/v1/risk-map`` (the city's four-colour map) against raw SQL + orjson, same run.

The floor is the same scoped query the endpoint runs (its SQL compiled from the same
queryset), executed on a cursor and serialised by orjson into the same FeatureCollection
(``feature_collection_json``, the view's own serialisation, the cyclic collector paused as
there): the ratio is what Django, ninja and the view add. Issue target: at most 1.5x for 100,000
enterprises. Size: ``RISK_BENCH_ENTERPRISES`` (default 10,000, to run in minutes on a shared
machine); database: ``RISK_BENCH_DATABASE_URL`` (its own, kept between runs).

Then the page: the city map (``/risks/map/``) served by a live server thread, opened in Debian's
headless Chromium (``ANJIAN_CHROMIUM``), timed from the navigation to the moment the shared map
script marks every marker loaded and clustered (``#risk-map[data-loaded]``), after one warm-up
visit. Issue target: interactive within 2 s. ``RISK_BENCH_BROWSER=0`` skips it.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import Result, setup_django

COMMAND = "python -m bench.risk_map"
PG_URL = os.environ.get(
    "RISK_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian_risks_bench"
)
ENTERPRISES = int(os.environ.get("RISK_BENCH_ENTERPRISES", "10000"))
ROUNDS = int(os.environ.get("RISK_BENCH_ROUNDS", "5"))
REQUESTS = 5  # per round and side
TARGET = 1.5
PAGE_TARGET_S = 2.0
BROWSER = os.environ.get("RISK_BENCH_BROWSER", "1") != "0"


def _ensure_database() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def _prepare() -> Any:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from anjian.accounts.models import RoleAssignment, User
    from anjian.core.democity import DemoContext
    from anjian.core.roles import Role
    from anjian.enterprises import demo as enterprises_demo
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import CITY_CODE, Town
    from anjian.orgs.services import build_demo_grids, load_reference
    from anjian.risks import demo as risks_demo

    call_command("migrate", verbosity=0)
    if not Town.objects.exists():
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids()
    if Enterprise.objects.count() < ENTERPRISES * 0.99:
        print(f"building {ENTERPRISES:,} demo enterprises and registers…", file=sys.stderr)
        context = DemoContext(seed=2018, options={"enterprises": ENTERPRISES})
        enterprises_demo.build(context)
        risks_demo.build(context)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    user, _created = User.objects.get_or_create(username="bench_risk_city")
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.CITY, jurisdiction_kind="city", jurisdiction_code=CITY_CODE
    )
    return user


def main() -> None:
    _ensure_database()
    setup_django(Path(tempfile.mkdtemp(prefix="anjian-bench-riskmap-")), PG_URL)
    import orjson
    from django.db import connection
    from django.test import Client

    from anjian.enterprises.models import Enterprise
    from anjian.risks.api import feature_collection_json
    from anjian.risks.queries import RiskFilter

    user = _prepare()
    client = Client()
    client.force_login(user)
    queryset = (
        RiskFilter()
        .enterprises(user)
        .filter(longitude__isnull=False, latitude__isnull=False)
        .order_by()
        .values_list("id", "name", "risk_level", "longitude", "latitude")
    )
    sql, params = queryset.query.sql_with_params()

    def raw() -> bytes:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return feature_collection_json(cursor.fetchall())

    def api() -> bytes:
        response = client.get("/api/v1/risk-map")
        assert response.status_code == 200
        return response.content

    assert orjson.loads(raw())["counts"] == orjson.loads(api())["counts"]
    samples: dict[str, list[float]] = {"api": [], "raw": []}
    for _round in range(ROUNDS):
        for name, call in (("api", api), ("raw", raw)):
            for _ in range(REQUESTS):
                started = time.perf_counter()
                call()
                samples[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) * 1000 for name, values in samples.items()}
    ratio = medians["api"] / medians["raw"]
    features = len(orjson.loads(api())["features"])
    Result(
        name=f"risk map API, {Enterprise.objects.count():,} enterprises (PostgreSQL)",
        figure=round(medians["api"], 1),
        floor=round(medians["raw"], 1),
        unit="ms median per request, in-process; floor: the same SQL + orjson",
        ratio=round(ratio, 2),
        target=f"<= {TARGET}x",
        passed=ratio <= TARGET,
        command=COMMAND,
        note=f"{features:,} features; {ROUNDS} alternating rounds of {REQUESTS}",
    ).emit()
    if BROWSER:
        _page(client, features)


def _page(client: Any, features: int) -> None:
    """The map page's time to interactive in headless Chromium, median of three visits."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    timings = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("ANJIAN_CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
            )
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            context.add_cookies([{"name": "sessionid", "url": base,
                                  "value": client.cookies["sessionid"].value}])  # fmt: skip
            page = context.new_page()
            for visit in range(4):  # the first warms the caches
                started = time.perf_counter()
                page.goto(f"{base}/risks/map/")
                page.wait_for_selector(f"#risk-map[data-loaded='{features}']", timeout=60_000)
                page.wait_for_selector(".marker-cluster", timeout=60_000)
                if visit:
                    timings.append(time.perf_counter() - started)
            browser.close()
    finally:
        server.terminate()
    median = statistics.median(timings)
    Result(
        name=f"risk map page in headless Chromium, {features:,} markers (clustered)",
        figure=round(median, 2),
        floor=PAGE_TARGET_S,
        unit="s from navigation to every marker loaded and clustered, median of 3; "
        "floor: the target",
        ratio=round(median / PAGE_TARGET_S, 2),
        target=f"<= {PAGE_TARGET_S} s",
        passed=median <= PAGE_TARGET_S,
        command=COMMAND,
        note="live server thread (PostgreSQL), Debian Chromium, 1920x1080",
    ).emit()


if __name__ == "__main__":
    main()
