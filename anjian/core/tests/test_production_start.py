"""The documented production start on this tree: collectstatic with the manifest storage, then a
page served in production mode whose assets resolve to the hashed copies (issue #11, item 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from anjian.core.tests.test_settings import GOOD_KEY, ROOT

# Served through Django's test client inside the production process: a secure request (the
# production mode redirects plain HTTP) for the sign-in page, which renders the base layout.
SERVE = """
from django.test import Client
response = Client().get("/accounts/login/", secure=True)
print("STATUS", response.status_code)
print(response.content.decode())
"""


def _production(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(
        ANJIAN_MODE="production",
        SECRET_KEY=GOOD_KEY,
        ANJIAN_VAR_DIR=str(tmp_path / "var"),
        STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_collectstatic_then_a_page_in_production_mode(tmp_path):
    collected = _production(tmp_path, "collectstatic", "--no-input")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()

    migrated = _production(tmp_path, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    served = _production(tmp_path, "shell", "-c", SERVE)
    assert served.returncode == 0, served.stderr
    _before, _mark, answer = served.stdout.partition("STATUS ")
    status, _newline, html = answer.partition("\n")
    assert status == "200", served.stdout + served.stderr
    # The manifest's hashed names: the page links the copies collectstatic made.
    assert "/static/vendor/htmx.min." in html and "/static/vendor/htmx.min.js" not in html
