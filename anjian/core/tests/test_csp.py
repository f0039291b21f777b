"""The Content-Security-Policy: strict in both modes, and no template that would break it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "inline event handler": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "inline style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
}


@pytest.mark.django_db
def test_every_page_carries_a_strict_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    for name in ("default-src", "script-src", "style-src", "connect-src", "font-src"):
        assert directives[name] == "'self'", (name, policy)
    assert directives["img-src"] == "'self' data:"
    assert "unsafe" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_no_template_needs_an_unsafe_policy():
    """Behaviour lives in static files: a template with an inline script, an ``on…=`` handler or
    inline style would be blocked by the policy (and fails here before a browser sees it)."""
    found = []
    for template in ROOT.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        found += [
            f"{template.relative_to(ROOT)}: {kind}"
            for kind, rx in INLINE.items()
            if rx.search(text)
        ]
    assert not found, found


def test_a_tile_server_origin_joins_the_image_sources():
    from anjian.settings import _csp_origin

    assert _csp_origin("https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}") == [
        "https://t*.tianditu.gov.cn"
    ]
    assert _csp_origin("") == []
