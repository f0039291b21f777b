"""Production mode refuses unsafe settings and passes Django's deployment checks; the database
connection is set up as documented."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 20 + "-production-secret-0123456789-abcdefghij"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_default_secret_key():
    result = _manage("check", ANJIAN_MODE="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _manage("check", ANJIAN_MODE="production", SECRET_KEY=GOOD_KEY, DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_passes_the_deployment_checks_clean():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        ANJIAN_MODE="production",
        SECRET_KEY=GOOD_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_malformed_boolean_fails_at_start_up():
    result = _manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "DEBUG='perhaps'" in result.stderr


@pytest.mark.django_db
def test_prepared_statements_keep_one_generic_plan():
    """On PostgreSQL the hot reads are prepared and never re-planned per request."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"


def test_a_tile_url_without_its_placeholders_refuses_to_start():
    result = _manage("check", ANJIAN_MAP_TILE_URL="https://tiles.example/map.png")
    assert result.returncode != 0 and "ANJIAN_MAP_TILE_URL" in result.stderr
    assert _manage("check", ANJIAN_MAP_TILE_URL="/tiles/{z}/{x}/{y}.png").returncode == 0


@pytest.mark.django_db
def test_custom_plans_hold_inside_and_end_with_the_block():
    from anjian.core.planning import custom_plans

    if connection.vendor != "postgresql":
        with custom_plans():
            assert connection.in_atomic_block  # the same block; no setting to make
        return
    with connection.cursor() as cursor:
        with pytest.raises(ZeroDivisionError), custom_plans():
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "force_custom_plan"
            _ = 1 / 0
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
