"""The import in a real browser: a bad row is reported, a good workbook lands in the list."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from anjian.accounts.choices import Role
from anjian.orgs.models import Town
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _signed_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def _upload(page, name: str, data: bytes) -> None:
    page.goto(f"{page.base_url}/enterprises/import/")
    page.set_input_files("input[type=file]", {"name": name, "mimeType": XLSX, "buffer": data})
    with page.expect_navigation():
        page.click("#import-check")


def test_import_reports_the_bad_row_then_imports_a_good_workbook(
    browser_page, artifacts, monkeypatch
):
    from anjian.enterprises.tests.test_importer import row, workbook

    # Playwright's sync API runs an event loop in this thread; the ORM calls here are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    town = Town.objects.order_by("code").first()
    _signed_in(page, make_user("town_browser", (Role.TOWN, town.code)))
    bad = workbook(
        row(town=town.name, name="滕州市浏览器甲化工有限公司"),
        row(town=town.name, name="滕州市浏览器乙化工有限公司", principal_phone="12345"),
    ).getvalue()
    page.set_viewport_size({"width": 375, "height": 812})
    _upload(page, "bad.xlsx", bad)
    errors = page.locator("[data-testid=import-errors]")
    assert "4" in errors.inner_text() and "主要负责人电话" in errors.inner_text()
    assert "未导入任何数据" in page.locator("#import-errors").inner_text()
    page.screenshot(path=artifacts / "enterprises-import-errors-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=artifacts / "enterprises-import-errors-1920.png", full_page=True)

    good = workbook(
        row(town=town.name, name="滕州市浏览器甲化工有限公司"),
        row(town=town.name, name="滕州市浏览器乙化工有限公司"),
    ).getvalue()
    _upload(page, "good.xlsx", good)
    assert "将新增 2 家" in page.locator("#import-preview").inner_text()
    page.screenshot(path=artifacts / "enterprises-import-preview-1920.png", full_page=True)
    with page.expect_navigation():
        page.click("#import-confirm")
    table = page.locator("[data-testid=enterprise-table]")
    assert "滕州市浏览器甲化工有限公司" in table.inner_text()
    assert "滕州市浏览器乙化工有限公司" in table.inner_text()
    page.screenshot(path=artifacts / "enterprises-list-1920.png", full_page=True)

    page.fill("#q", "TZSLLQY")  # pinyin initials of 滕州市浏览器乙…
    # A locator assertion, not wait_for_function: the page's CSP forbids the eval it needs.
    expect(page.locator("[data-testid=enterprise-table]")).not_to_contain_text("甲化工")
    assert "乙化工" in table.inner_text()
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / "enterprises-list-375.png", full_page=True)

    page.click("text=滕州市浏览器乙化工有限公司")
    page.wait_for_selector("[data-panel=history]")
    page.screenshot(path=artifacts / "enterprises-detail-375.png", full_page=True)
    page.set_viewport_size({"width": 1920, "height": 1080})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{page.base_url}/enterprises/map/")
    page.wait_for_selector("#enterprise-map[data-loaded='2']")  # the town's two enterprises
    page.wait_for_selector(".marker-cluster")  # the two share a point: one cluster of 2
    page.screenshot(path=artifacts / "enterprises-map-1920.png")
    assert not errors
