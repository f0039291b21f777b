"""The UI shell in a real browser: Chinese by default, English on request, phone and desktop."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page_in_chinese_switches_to_english_at_phone_and_desktop_width(
    browser_page, artifacts
):
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{page.base_url}/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("button", name="登录").is_visible()
    page.screenshot(path=artifacts / "login-zh-375.png", full_page=True)

    with page.expect_navigation():
        page.select_option("[data-testid=language-switch]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Sign in").is_visible()
    page.screenshot(path=artifacts / "login-en-375.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "no horizontal scrolling on a phone"

    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=artifacts / "login-en-1920.png", full_page=True)
    with page.expect_navigation():
        page.select_option("[data-testid=language-switch]", "zh-hans")
    assert page.get_by_role("button", name="登录").is_visible()
    page.screenshot(path=artifacts / "login-zh-1920.png", full_page=True)
