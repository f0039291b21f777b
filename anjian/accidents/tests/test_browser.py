"""In a real browser: a town reports an accident with 3 deaths, sees it graded 较大 with its
reporting deadlines, and its quota warning on the home page. Screenshots go to docs/images."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from anjian.accidents import services
from anjian.accounts.choices import Role
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"


def _signed_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def test_report_three_deaths_graded_relatively_serious_with_deadlines_and_warning(
    committed_reference_data, browser_page, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    town = Town.objects.order_by("code").first()
    city = make_user("city_browser", (Role.CITY, CITY_CODE))
    services.set_quota(
        {"year": timezone.localdate().year, "kind": "town", "town": town.code,
         "deaths_allowed": 3},
        actor=city,
    )  # fmt: skip
    _signed_in(page, make_user("town_browser", (Role.TOWN, town.code)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{page.base_url}/accidents/new/")
    occurred = timezone.localtime() - timedelta(hours=1)
    page.fill("#id_occurred_at", occurred.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_town", town.code)
    page.fill("#id_place", "某建筑工地")
    page.select_option("#id_type", "WSA10012")
    page.fill("#id_deaths", "3")
    page.fill("#id_serious_injuries", "1")
    page.fill("#id_direct_loss_yuan", "800000")
    page.fill("#id_summary", "基坑边坡坍塌，3人被埋")
    page.screenshot(path=IMAGES / "accidents-report-1920.png", full_page=True)
    with page.expect_navigation():
        page.click("#accident-form button[type=submit]")
    grade = page.locator("#accident-grade")
    assert grade.inner_text() == "较大事故"
    chain = page.locator("#reporting-chain")
    assert chain.locator("tr[data-level=province]").count() == 1
    due = (occurred.replace(second=0, microsecond=0) + timedelta(hours=5)).strftime(
        "%Y-%m-%d %H:%M"
    )
    assert due in chain.inner_text()
    assert (
        page.locator("#investigation-due")
        .inner_text()
        .startswith((timezone.localdate() + timedelta(days=60)).isoformat())
    )
    assert page.locator("#veto").count() == 1
    page.screenshot(path=IMAGES / "accidents-detail-1920.png", full_page=True)
    page.goto(f"{page.base_url}/accidents/statistics/")
    towns = page.locator("#statistics-towns")
    assert town.name in towns.inner_text()
    assert page.locator("#statistics-quotas tr[data-level=over]").count() == 1
    page.screenshot(path=IMAGES / "accidents-statistics-1920.png", full_page=True)
    page.goto(f"{page.base_url}/")
    warning = page.locator("[data-panel=accident_quotas] tr[data-level=over]")
    assert warning.count() == 1
    assert "100%" in warning.inner_text()
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=IMAGES / "accidents-home-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
