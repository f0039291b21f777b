"""The enterprise list API over 100,000 enterprises on PostgreSQL vs a bare Django JSON view.

Both served by the same gunicorn (2 sync workers, the platform's middleware), loaded at 32
concurrent connections by ``wrk`` (Debian package, installed on first run; one thread, so that
on a small machine the load generator does not take a core from the server). Both endpoints are
warmed up, then measured in alternating rounds (bare, list, bare, list, …) of ``BENCH_SECONDS``
each; the figures are the medians of the rounds, the floor and the figure measured in the same
run on the same server. The machine's load average is printed with them.
Target (issue 5): at least 0.5× the bare view's requests/s and at most 3× its p99.
The list is a town officer's (``Authorization: Bearer`` token when the accounts API offers
one, otherwise a session cookie), filtered by status, 20 per page.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.common import ROOT, Result, setup_django

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian_bench")
ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "100000"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CONNECTIONS = 32
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
COMMAND = "python -m bench.api_list"
PASSWORD = "Bench!Passw0rd-2018"  # noqa: S105 (a throw-away benchmark database)


def _ensure_database() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def _prepare() -> tuple[str, str]:
    """Database with reference data, 100k enterprises and a town officer; returns the URL
    paths of the list and of the page-only floor for the officer's town."""
    from django.conf import settings
    from django.core.management import call_command

    from anjian.accounts.choices import Role
    from anjian.accounts.models import RoleAssignment, User
    from anjian.core.democity import DemoContext
    from anjian.enterprises import demo
    from anjian.enterprises.models import Enterprise
    from anjian.orgs.models import Town
    from anjian.orgs.services import build_demo_grids, load_reference

    call_command("migrate", verbosity=0)
    if not Town.objects.exists():
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids()
    if Enterprise.objects.count() < ENTERPRISES * 0.99:  # duplicate demo codes are skipped
        print(f"building {ENTERPRISES:,} demo enterprises…", file=sys.stderr, flush=True)
        demo.build(DemoContext(seed=2018, options={"enterprises": ENTERPRISES}))
    _analyze()
    town = Town.objects.order_by("code").first()
    assert town is not None
    user, created = User.objects.get_or_create(username="bench_town")
    user.set_password(PASSWORD)
    user.save()
    RoleAssignment.objects.get_or_create(
        user=user, role=Role.TOWN, jurisdiction_kind="town", jurisdiction_code=town.code
    )
    return (
        "/api/v1/enterprises?status=operating&page_size=20",
        f"/bench/page-only?town={town.pk}&status=operating",
    )


def _analyze() -> None:
    """Fresh statistics and visibility map, as autovacuum leaves them on a settled database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _auth_header(base: str) -> tuple[str, str]:
    """(header, how): a bearer token if the API issues them, else a session cookie."""
    import json

    request = urllib.request.Request(  # noqa: S310 (local benchmark server)
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": "bench_town", "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310
            token = json.loads(response.read())["token"]
            return f"Authorization: Bearer {token}", "token"
    except Exception:
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from anjian.accounts.models import User

        user = User.objects.get(username="bench_town")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"Cookie: sessionid={session.session_key}", "session cookie"


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (Debian package)…", file=sys.stderr, flush=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,
    )
    return "wrk"


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far (gone ones count nothing)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _server_pids(server: subprocess.Popen[bytes]) -> tuple[list[int], list[int]]:
    """The gunicorn workers, and every PostgreSQL process (backends and helpers)."""
    workers = subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
    ).stdout.split()
    database = subprocess.run(
        ["pgrep", "-f", "^postgres"], capture_output=True, text=True
    ).stdout.split()
    return [int(pid) for pid in workers], [int(pid) for pid in database]


def _load(
    wrk: str, url: str, header: str, seconds: int = SECONDS, server: Any = None
) -> tuple[float, float, float, float]:
    """(requests/s, p99 ms, worker CPU ms and PostgreSQL CPU ms per request) of one round."""
    workers, database = _server_pids(server) if server else ([], [])
    cpu_before = _cpu_seconds(workers), _cpu_seconds(database)
    command = [wrk, "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", url]
    if header:
        command[1:1] = ["-H", header]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        raise RuntimeError(f"errors under load:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    worker_ms = (_cpu_seconds(workers) - cpu_before[0]) * 1000 / requests
    database_ms = (_cpu_seconds(database) - cpu_before[1]) * 1000 / requests
    return rate, p99, worker_ms, database_ms


def _breakdown(path: str, header: str) -> str:
    """Where a list request's time goes, measured in-process (Django test client, same
    settings, no HTTP): request time of the list and of the bare view, the list's queries and
    their time as seen by the client (round trip included)."""
    from django.db import connection
    from django.test import Client, override_settings

    name, value = header.split(": ", 1)
    client = Client(**{f"HTTP_{name.upper()}": value})
    database = {"queries": 0, "seconds": 0.0}

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            database["queries"] += 1
            database["seconds"] += time.perf_counter() - started

    def median_ms(url: str, requests: int = 300) -> float:
        for _ in range(30):
            client.get(url)
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000

    with override_settings(ROOT_URLCONF="bench.urls", ALLOWED_HOSTS=["*"]):
        bare_ms = median_ms("/bench/bare")
        list_ms = median_ms(path)
        with connection.execute_wrapper(timed):
            for _ in range(100):
                client.get(path)
    queries = database["queries"] / 100
    database_ms = database["seconds"] / 100 * 1000
    return (
        f"in-process median: list {list_ms:.2f} ms ({queries:g} queries, "
        f"{database_ms:.2f} ms in the database incl. round trips), bare {bare_ms:.2f} ms"
    )


def main() -> None:
    var = Path(tempfile.mkdtemp(prefix="anjian-bench-api-"))
    _ensure_database()
    setup_django(var, PG_URL)
    path, page_only = _prepare()
    wrk = _wrk()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": PG_URL,
        "ANJIAN_VAR_DIR": str(var),
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "bench.wsgi:application",
         "--bind", f"127.0.0.1:{PORT}", "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz")  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        header, how = _auth_header(base)
        check = urllib.request.Request(base + path, headers=dict([header.split(": ", 1)]))  # noqa: S310
        with urllib.request.urlopen(check) as response:  # noqa: S310
            assert response.status == 200
        endpoints = {
            "bare": ("/bench/bare", ""),
            "one query": ("/bench/one-query", ""),
            "page only": (page_only, ""),
            "list": (path, header),
        }
        load_before = os.getloadavg()[0]
        for url, auth in endpoints.values():  # warm the workers, connections and plans
            _load(wrk, base + url, auth, 2)
        rounds: dict[str, list[tuple[float, float, float, float]]] = {k: [] for k in endpoints}
        for _round in range(ROUNDS):
            for name, (url, auth) in endpoints.items():
                rounds[name].append(_load(wrk, base + url, auth, server=server))
        load_after = os.getloadavg()[0]
        breakdown = _breakdown(path, header)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        shutil.rmtree(var, ignore_errors=True)
    medians = {
        name: tuple(statistics.median(run[i] for run in runs) for i in range(4))
        for name, runs in rounds.items()
    }
    print(
        "rounds: "
        + "; ".join(
            f"{name} " + ", ".join(f"{run[0]:.0f}/s p99 {run[1]:.1f} ms" for run in runs)
            for name, runs in rounds.items()
        ),
        file=sys.stderr,
    )
    cpu = ", ".join(
        f"{name} {worker:.2f} ms in the workers + {database:.2f} ms in PostgreSQL"
        for name, (_rate, _p99, worker, database) in medians.items()
    )
    note = (
        f"auth: {how}; {path}; median of {ROUNDS} alternating rounds of {SECONDS} s, wrk -t1;"
        f" load average {load_before:.1f} before, {load_after:.1f} after on {os.cpu_count()} CPUs;"
        f" CPU per request: {cpu}; {breakdown}"
    )
    (bare_rate, bare_p99, *_), (list_rate, list_p99, *_) = medians["bare"], medians["list"]
    unit = "req/s at 32 connections; floor: bare Django JSON view"
    Result(
        name=f"API list req/s, {ENTERPRISES:,} enterprises (PostgreSQL)",
        figure=round(list_rate),
        floor=round(bare_rate),
        unit=unit,
        ratio=round(list_rate / bare_rate, 2),
        target="≥ 0.5",
        passed=list_rate / bare_rate >= 0.5,
        command=COMMAND,
        note=note,
    ).emit()
    Result(
        name="API list p99",
        figure=round(list_p99, 1),
        floor=round(bare_p99, 1),
        unit="ms p99 at 32 connections; floor: bare Django JSON view",
        ratio=round(list_p99 / bare_p99, 2),
        target="≤ 3",
        passed=list_p99 / bare_p99 <= 3,
        command=COMMAND,
    ).emit()
    for name in ("one query", "page only"):
        rate = medians[name][0]
        Result(
            name=f"floor below the list: {name} (no authentication)",
            figure=round(rate),
            floor=round(bare_rate),
            unit=unit,
            ratio=round(rate / bare_rate, 2),
            target="",
            passed=True,
            command=COMMAND,
        ).emit()


if __name__ == "__main__":
    main()
