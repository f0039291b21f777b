"""The alarm board in a real browser: a new alarm appears without reloading; acknowledging it
works. Screenshots of the board and the installation page for docs/monitoring.md."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from anjian.accounts.choices import Role
from anjian.monitoring import ingest, services
from anjian.monitoring.models import Alarm
from anjian.orgs.models import Town
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def test_alarm_board_shows_a_new_alarm_live_and_acknowledges_it(
    browser_page: Any, artifacts: Any, monkeypatch: Any
) -> None:
    from anjian.enterprises.tests.conftest import make_enterprise
    from anjian.monitoring.tests.conftest import make_installation, make_sensor

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    town = Town.objects.order_by("code").first()
    city = make_user("city_browser", (Role.CITY, "370481"))
    town_user = make_user("town_browser", (Role.TOWN, town.code))
    installation = make_installation(make_enterprise(town, "滕州市浏览器化工有限公司"), city)
    services.save_inventory(installation, {"name": "液氯", "max_quantity_t": 60}, actor=city)
    make_sensor(installation, city, "TE-101")
    feeder = ingest.Ingestor()
    now = timezone.now()
    feeder.process(
        [("TE-101", (now - timedelta(minutes=30 - i)).isoformat(), 40 + i) for i in range(30)]
    )
    _signed_in(page, town_user)
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{page.base_url}/monitoring/alarms/")
    board = page.locator("[data-testid=alarm-board]")
    expect(board).to_contain_text("暂无未关闭的报警")

    feeder.process([("TE-101", timezone.now().isoformat(), 95)])  # H, not HH
    expect(board.locator("tr[data-state=raised]")).to_have_count(1, timeout=15000)
    expect(board).to_contain_text("TE-101")
    page.screenshot(path=artifacts / "monitoring-alarm-board-1920.png", full_page=True)

    with page.expect_navigation():
        board.locator("button[value=acknowledge]").click()
    expect(board.locator("tr[data-state=acknowledged]")).to_have_count(1)
    assert Alarm.objects.get().state == "acknowledged"
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / "monitoring-alarm-board-375.png", full_page=True)

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{page.base_url}/monitoring/installations/{installation.pk}/")
    expect(page.locator("[data-testid=r]")).to_contain_text("57.6")
    page.wait_for_selector(".monitoring-trend-drawn canvas")
    page.screenshot(path=artifacts / "monitoring-installation-1920.png", full_page=True)
