"""The city's four-colour risk map in a real browser: markers in the four colours, the legend
saying town areas are absent, the level filter narrowing the markers, a marker's popup linking
to its enterprise, and a cluster in its worst colour listing the enterprises of one address."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from anjian.accounts.choices import Role
from anjian.enterprises.demo import town_seats
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.enterprises.tests.test_browser import _signed_in
from anjian.orgs.models import CITY_CODE, Town
from anjian.risks.tests.conftest import LEC_HIGH, LEC_LOW, LEC_MAJOR, LEC_MODERATE, point_with
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[3] / "docs" / "images"


def _hue(rgb: str) -> str:
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    if r >= g and r >= b:
        return "red" if g < r * 0.3 else "orange" if g < r * 0.7 else "yellow"
    return "blue"


def _open_map(page, user, loaded: int, size: tuple[int, int] = (1280, 900)) -> list[str]:
    """The map opened as the user, its markers loaded: the list the page's errors go to."""
    _signed_in(page, user)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{page.base_url}/risks/map/")
    page.wait_for_selector(f"#risk-map[data-loaded='{loaded}']")
    return errors


def test_the_city_map_shows_four_colours_and_filters_them(browser_page, artifacts, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    city = make_user("risk_map_city", (Role.CITY, CITY_CODE))
    seats = town_seats()
    towns = list(Town.objects.order_by("code")[:4])
    for town, values in zip(towns, (LEC_MAJOR, LEC_HIGH, LEC_MODERATE, LEC_LOW), strict=True):
        lng, lat = seats[town.code]
        enterprise = make_enterprise(town, f"滕州市四色图{town.code[-5:]}有限公司",
                                     longitude=lng, latitude=lat)  # fmt: skip
        point_with(enterprise, city, values)
    errors = _open_map(page, city, 4, (1920, 1080))
    element = page.locator("#risk-map")
    assert element.get_attribute("data-levels") == "major,high,moderate,low"
    hues = {_hue(c) for c in (element.get_attribute("data-colours") or "").split(";")}
    assert hues == {"red", "orange", "yellow", "blue"}
    assert page.locator("#town-areas-absent").is_visible()
    page.wait_for_timeout(500)
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "risks-map.png"))
    page.select_option("#level-filter", "major")
    page.wait_for_selector("#risk-map[data-loaded='1']")
    assert element.get_attribute("data-levels") == "major"
    assert "level=major" in page.url
    assert "level=major" in (page.locator("#risk-list-link").get_attribute("href") or "")
    page.goto(f"{page.base_url}/risks/")
    page.screenshot(path=str(DOCS / "risks-database.png"))
    assert errors == []


def test_the_city_office_loads_town_boundaries_and_the_map_shades_the_towns(
    browser_page, monkeypatch, tmp_path
):
    import json

    from anjian.risks.tests.conftest import city_strips

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    city = make_user("risk_towns_city", (Role.CITY, CITY_CODE))
    seats = town_seats()
    towns = list(Town.objects.order_by("code")[:3])
    for town, values in zip(towns, (LEC_MAJOR, LEC_MODERATE, LEC_LOW), strict=True):
        lng, lat = seats[town.code]
        enterprise = make_enterprise(town, f"滕州市镇街图{town.code[-5:]}有限公司",
                                     longitude=lng, latitude=lat)  # fmt: skip
        point_with(enterprise, city, values)
    upload = tmp_path / "towns.geojson"
    upload.write_text(json.dumps(city_strips(towns)), encoding="utf-8")
    errors = _open_map(page, city, 3, (1920, 1080))
    page.click("text=载入镇街边界")
    page.set_input_files("#towns-file", str(upload))
    page.click("text=校验并载入")
    page.wait_for_selector(f"[data-town='{towns[2].code}'][data-loaded='1']")
    page.goto(f"{page.base_url}/risks/map/")
    page.wait_for_selector("#risk-map[data-loaded='3'][data-areas='3']")
    assert page.locator("#town-areas-absent").count() == 0
    assert page.locator("#town-areas-legend").is_visible()
    fills = page.eval_on_selector_all(
        "#risk-map path.leaflet-interactive",
        "paths => paths.map(p => [p.getAttribute('fill'), p.getAttribute('fill-opacity')])",
    )
    assert len(fills) == 3  # the three towns (SVG; the markers are on the canvas)
    shades = sorted((_hue(fill), float(opacity)) for fill, opacity in fills)
    assert shades == [("blue", 0.15), ("red", 0.65), ("yellow", 0.15)]
    page.wait_for_timeout(500)
    page.screenshot(path=str(DOCS / "risks-map-towns.png"))
    assert errors == []


# The centre of the canvas pixels drawn in the major level's red, in page coordinates.
_RED_DOT = """canvas => {
  const rect = canvas.getBoundingClientRect();
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let x = 0, y = 0, n = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i] > 180 && pixels[i + 1] < 60 && pixels[i + 2] < 60 && pixels[i + 3] > 200) {
      x += (i / 4) % canvas.width; y += Math.floor(i / 4 / canvas.width); n++;
    }
  }
  return n ? [rect.left + x / n * rect.width / canvas.width,
              rect.top + y / n * rect.height / canvas.height] : null;
}"""


def test_clicking_a_marker_opens_a_popup_linking_to_the_enterprise(browser_page, monkeypatch):
    """The popups are made on the click, not ahead for every marker: the link must still come."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    city = make_user("risk_popup_city", (Role.CITY, CITY_CODE))
    town = Town.objects.order_by("code").first()
    lng, lat = town_seats()[town.code]
    enterprise = make_enterprise(town, "滕州市弹窗测试化工有限公司", longitude=lng, latitude=lat)
    point_with(enterprise, city, LEC_MAJOR)
    errors = _open_map(page, city, 1)
    assert page.locator(".leaflet-popup").count() == 0
    dot = page.eval_on_selector("#risk-map .leaflet-overlay-pane canvas", _RED_DOT)
    assert dot, "the major enterprise's red dot is drawn"
    page.mouse.click(*dot)
    link = page.locator("#risk-map .leaflet-popup-content a")
    expect(link).to_have_attribute("href", f"/risks/enterprises/{enterprise.pk}/")
    assert link.inner_text().startswith("滕州市弹窗测试化工有限公司 · ")
    assert errors == []


def test_a_cluster_shows_its_worst_level_and_lists_enterprises_sharing_an_address(
    browser_page, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    city = make_user("risk_cluster_city", (Role.CITY, CITY_CODE))
    town = Town.objects.order_by("code").first()
    lng, lat = town_seats()[town.code]
    for name, values in (("甲", LEC_LOW), ("乙", LEC_MAJOR)):
        enterprise = make_enterprise(
            town, f"滕州市同址{name}化工有限公司", longitude=lng, latitude=lat
        )
        point_with(enterprise, city, values)
    errors = _open_map(page, city, 2)
    cluster = page.locator("#risk-map .marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_class(re.compile(r"\brisk-major\b"))  # the worst of its two
    expect(cluster).to_have_text("2")
    cluster.click()  # zooms to its members: one address, so the last zoom level
    page.wait_for_selector(".leaflet-control-zoom-in.leaflet-disabled")
    expect(cluster).to_have_count(1)
    cluster.click()
    links = page.locator("#risk-map .leaflet-popup-content a")
    expect(links).to_have_count(2)
    assert sorted(links.all_inner_texts()) == [
        "滕州市同址乙化工有限公司 · 重大风险", "滕州市同址甲化工有限公司 · 低风险",
    ]  # fmt: skip
    assert errors == []
