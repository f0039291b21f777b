"""Drawing a risk zone on an uploaded plant layout in a real browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from anjian.accounts.choices import Role
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.enterprises.tests.test_browser import _signed_in
from anjian.orgs.models import Town
from anjian.risks.models import RiskZone
from anjian.risks.tests.conftest import LEC_HIGH, point_with
from anjian.risks.tests.test_plant import layout_png
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[3] / "docs" / "images"


def test_drawing_a_zone_on_the_uploaded_layout(browser_page, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    enterprise = make_enterprise(Town.objects.order_by("code").first(), "滕州市平面图测试有限公司")
    manager = make_user("plant_manager", (Role.ENTERPRISE, enterprise.credit_code))
    point = point_with(enterprise, manager, LEC_HIGH)
    _signed_in(page, manager)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/risks/enterprises/{enterprise.pk}/plant/")
    with page.expect_navigation():
        page.click("#plant-start")
    page.set_input_files("input[type=file]", {"name": "厂区.png", "mimeType": "image/png",
                                               "buffer": layout_png()})  # fmt: skip
    with page.expect_navigation():
        page.click("form[enctype] button")
    page.wait_for_selector("#plant-map .leaflet-image-layer")
    page.click("#zone-draw")
    box = page.locator("#plant-map").bounding_box()
    assert box is not None
    for dx, dy in ((0.3, 0.3), (0.6, 0.3), (0.45, 0.6)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    page.wait_for_selector("#plant-map[data-vertices='3']")
    page.fill("#zone-name", "液氨罐区")
    page.check(f"#zone-point-{point.pk}")
    with page.expect_navigation():
        page.click("#zone-save")
    zone = RiskZone.objects.get(layout__enterprise=enterprise)
    assert zone.name == "液氨罐区" and len(zone.polygon) == 3
    assert list(zone.points.all()) == [point]
    page.wait_for_selector("#plant-map[data-zones='1']")
    assert page.locator("path.risk-zone-high").count() == 1
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "risks-plant.png"))
    assert errors == []
