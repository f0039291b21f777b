"""The enterprise map in a real browser: neutral clusters, a legend, plain attribution, filters."""

from __future__ import annotations

import re

import pytest

from anjian.accounts.choices import Role
from anjian.enterprises.demo import town_seats
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.enterprises.tests.test_browser import _signed_in
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Hues of the risk levels and of the old default clusters: none of them may colour a cluster.
_RISKY = {"red", "orange", "yellow", "green"}


def _hue_name(rgb: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    if max(r, g, b) - min(r, g, b) < 40:
        return "grey"
    if r >= g and r >= b:
        return "red" if g < r * 0.45 else "orange" if g < r * 0.8 else "yellow"
    return "green" if g >= b else "blue"


def test_the_map_is_neutral_with_a_legend_and_follows_the_lists_filters(
    browser_page, artifacts, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    first, second = Town.objects.order_by("code")[:2]
    seats = town_seats()
    for number, town in enumerate((first, first, first, second)):
        lng, lat = seats[town.code]
        make_enterprise(
            town,
            f"滕州市地图测试{number}化工有限公司",
            longitude=lng + number * 0.001,
            latitude=lat,
        )
    _signed_in(page, make_user("city_map", (Role.CITY, CITY_CODE)))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{page.base_url}/enterprises/map/")
    page.wait_for_selector("#enterprise-map[data-loaded='4']")
    page.wait_for_selector(".enterprise-cluster")

    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "Leaflet" not in attribution and "DataV" in attribution
    assert not page.locator(".leaflet-control-attribution svg").count()  # no flag
    assert page.locator("#map-legend").is_visible()
    colours = page.eval_on_selector_all(
        ".enterprise-cluster, .legend-cluster",
        "els => els.map(e => getComputedStyle(e).backgroundColor)",
    )
    assert colours and not {_hue_name(c) for c in colours} & _RISKY, colours
    page.screenshot(path=artifacts / "enterprises-map-legend-1920.png")

    page.select_option("#map-filters select[name=town]", first.code)
    page.wait_for_selector("#enterprise-map[data-loaded='3']")
    assert f"town={first.code}" in page.url
    assert f"town={first.code}" in page.get_attribute("#map-list-link", "href")
    page.fill("#map-filters #q", "地图测试2")
    page.wait_for_selector("#enterprise-map[data-loaded='1']")
    assert "q=" in page.url

    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / "enterprises-map-legend-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not errors
