"""Every operation of the OpenAPI document is exercised somewhere in the test suite."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _test_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("*/tests/test_*.py"))


@pytest.mark.django_db
def test_every_api_operation_is_called_by_a_test(client):
    sources = _test_sources()
    document = client.get("/api/v1/openapi.json").json()
    untested = []
    for path in document["paths"]:
        # "/api/v1/towns/{code}" is called as f"/api/v1/towns/{town.code}" or "/api/v1/towns/3704…"
        pattern = re.escape(path).replace(r"\{", "{").replace(r"\}", "}")
        pattern = re.sub(r"{[^}]+}", r"[^\"'?/\\s]+", pattern) + r"(?![\w/-])"
        if not re.search(pattern, sources):
            untested.append(path)
    assert not untested, f"API paths no test calls: {untested}"
