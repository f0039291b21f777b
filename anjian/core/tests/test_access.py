"""The access test: every endpoint, every role, nothing of another jurisdiction leaks.

It enumerates every URL pattern (from the resolver) and every API operation (from the OpenAPI
document), so new endpoints join automatically, and for one persona per role on side A proves
that side B's objects are not listed, not counted, not readable and not writable, and that a
side-B object answers exactly as a missing one does (404). The machinery and its rules are in
:mod:`anjian.core.access_testing`.

**How an app joins.** Add ``anjian/<app>/tests/access_cases.py`` defining
``cases(world) -> list[AccessCase]`` (one case per scoped model: how to make a side-B object,
which routes name such an object and with which URL kwargs, which roles must not see it),
optionally ``setup(world)`` (e.g. create the enterprises of both sides and set
``world.enterprise_a``/``world.enterprise_b``), ``EXEMPT = {route: reason}`` and
``VOLATILE = {route: roles}``. See ``anjian/orgs/tests/access_cases.py`` for a small example.
A route with parameters that no case claims and no exemption names fails the test.

A deliberately unscoped set of endpoints (``leaky_urls.py``) proves that the test fails when
scoping is missing (the test of the test).
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from anjian.core.access_testing import build_world, check_access

pytestmark = pytest.mark.django_db


def test_no_endpoint_leaks_another_jurisdiction():
    world, cases, exempt, volatile = build_world()
    report = check_access(world, cases, exempt, volatile)
    assert report.requests > 100
    assert report.findings == [], "\n".join(report.findings)


def test_the_access_test_catches_unscoped_endpoints():
    world, cases, exempt, volatile = build_world()
    for case in cases:
        if case.name == "orgs.Grid":
            case.routes["leaky_grid_detail"] = lambda g: {"code": g.code}
    clear_url_caches()
    try:
        with override_settings(ROOT_URLCONF="anjian.core.tests.leaky_urls"):
            report = check_access(world, cases, exempt, volatile)
    finally:
        clear_url_caches()
    text = "\n".join(report.findings)
    assert "leaky_grid_list: the answer to town changes" in text
    assert "leaky_grid_count: the answer to grid changes" in text
    assert "leaky_grid_search: the answer" not in text  # the plain list is scoped
    assert "leaky_grid_search?q=" in text  # the search is not
    assert "leaky_grid_detail GET as town" in text
    assert "leaky_unclaimed: names an object (pk) but no access case claims it" in text
    assert not [f for f in report.findings if not f.startswith("leaky")]
