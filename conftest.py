"""Project-wide test fixtures: personas built on the loaded reference data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.forms import BaseForm

from anjian.accounts.choices import ROLE_JURISDICTION
from anjian.accounts.models import RoleAssignment, User

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Load the real reference data once per test database."""
    from anjian.orgs.services import build_demo_grids, load_reference

    with django_db_blocker.unblock():
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids(per_town=2)
    yield


@pytest.fixture
def committed_reference_data(transactional_db: Any) -> None:
    """The reference data in a transactional test: such tests flush the database after each
    test, so the data loaded once per session may be gone; load it again when it is."""
    from anjian.orgs.models import Town
    from anjian.orgs.services import build_demo_grids, load_reference

    if not Town.objects.exists():
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids(per_town=2)


TEST_PASSWORD = "Str0ng!Passw0rd"  # noqa: S105


def make_user(username: str, *roles: tuple[str, str], password: str = TEST_PASSWORD) -> User:
    """A user holding ``roles``, each a (role, jurisdiction code) pair."""
    user = User.objects.create_user(username=username, password=password)
    for role, code in roles:
        RoleAssignment.objects.create(
            user=user,
            role=role,
            jurisdiction_kind=ROLE_JURISDICTION[role],
            jurisdiction_code=code,
        )
    return user


def form_data(form: BaseForm, **changes: Any) -> dict[str, Any]:
    """What a browser submits for ``form`` as rendered, with ``changes``."""
    data: dict[str, Any] = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = bound.field.widget.format_value(value) or ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def artifacts() -> Path:
    """Where tests keep screenshots and files for people to look at (ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def browser_page(live_server: Any) -> Iterator[Any]:
    """A Playwright page in Debian's headless Chromium, on a live server with reference data."""
    import os

    from playwright.sync_api import sync_playwright

    from anjian.orgs.models import Town
    from anjian.orgs.services import build_demo_grids, load_reference

    if not Town.objects.exists():  # live_server tests flush the database after each test
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids(per_town=2)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("ANJIAN_CHROMIUM", "/usr/bin/chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                # Back and Forward then load from the HTTP cache, as a browser that evicted the
                # page from its back-forward cache does: where a cached htmx fragment shows.
                "--disable-features=BackForwardCache",
            ],
        )
        page = browser.new_page(locale="zh-CN")
        page.base_url = live_server.url  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            browser.close()
