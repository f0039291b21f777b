"""The registry's filters and industry picker in a real browser (issue #10, items 9 and 12)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from anjian.accounts.choices import Role
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.enterprises.tests.test_browser import _signed_in
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_industry_filter_applies_while_typing(browser_page, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    town = Town.objects.order_by("code").first()
    make_enterprise(town, "滕州市化工甲有限公司", industry="2614")
    make_enterprise(town, "滕州市机械乙有限公司", industry="3411")
    _signed_in(page, make_user("city_filter", (Role.CITY, CITY_CODE)))
    page.goto(f"{page.base_url}/enterprises/")
    table = page.locator("[data-testid=enterprise-table]")
    assert "机械乙" in table.inner_text()
    page.locator("#industry-filter").press_sequentially("26")  # no Enter, no leaving the box
    # A locator assertion, not wait_for_function: the page's CSP forbids the eval it needs.
    expect(page.locator("[data-testid=enterprise-table]")).not_to_contain_text("机械乙")
    assert "化工甲" in table.inner_text()
    assert "industry=26" in page.locator("#export-link").get_attribute("href")


def test_industry_picker_searches_and_saves_the_choice(browser_page, artifacts, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    town = Town.objects.order_by("code").first()
    enterprise = make_enterprise(town, "滕州市选择丙有限公司", industry="2614")
    _signed_in(page, make_user("city_picker", (Role.CITY, CITY_CODE)))
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{page.base_url}/enterprises/{enterprise.pk}/edit/")
    search = page.locator("#id_industry")
    assert search.input_value() == "2614 有机化学原料制造"
    search.fill("")
    search.press_sequentially("金属结构")
    option = page.locator("[data-picker-option]", has_text="3311 金属结构制造")
    option.wait_for()
    page.screenshot(path=artifacts / "enterprises-industry-picker-375.png", full_page=True)
    option.click()
    assert search.input_value() == "3311 金属结构制造"
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    assert Enterprise.objects.get(pk=enterprise.pk).industry.code == "3311"
