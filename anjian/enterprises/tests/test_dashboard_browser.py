"""The home page's charts in a real browser: drawn offline by ECharts from the page's data,
readable on a 375 px phone, and a click on a bar opens the list it counts."""

import pytest
from django.test import Client

from anjian.accounts.models import User
from anjian.core.democity import DemoContext, build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_home_page_draws_its_charts_on_a_phone(browser_page, artifacts, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop, sync ORM here
    build_demo(DemoContext(seed=2018, options={"enterprises": 300}))
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))  # a script's exception
    # The browser reports what the Content-Security-Policy refused as a console error.
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    client = Client()
    client.force_login(User.objects.get(username="city"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{page.base_url}/")
    towns = page.locator("[data-source=chart-enterprises-town]")
    towns.locator("svg").wait_for()
    assert towns.bounding_box()["width"] <= 375
    assert towns.bounding_box()["height"] >= 21 * 20  # one readable bar per town
    assert "荆河街道" in towns.inner_text()
    assert page.locator("[data-panel=enterprises] svg").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=artifacts / "home-city-375.png", full_page=True)
    assert errors == []
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=artifacts / "home-city-1920.png", full_page=True)

    status = page.locator("[data-source=chart-enterprises-status]")
    # Mouse coordinates are the viewport's: the panels above may push the chart below the fold.
    status.scroll_into_view_if_needed()
    box = status.bounding_box()
    centre_x, centre_y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    with page.expect_navigation():  # on the ring of the donut, where the first slice starts
        page.mouse.click(centre_x + 5, centre_y - 55)
    assert "/enterprises/?status=" in page.url
    assert errors == []  # the tooltip the pointer opened on the way included
