"""The login page in a real browser: a wrong password, then an issued password that must be
changed before anything else, then the dashboard; and the TOTP step of an administrator."""

from __future__ import annotations

import pyotp
import pytest

from anjian.accounts import services
from anjian.accounts.choices import Role
from anjian.accounts.models import User
from anjian.orgs.models import CITY_CODE, Town
from conftest import TEST_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, username: str, password: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_first_login_forces_a_password_change(browser_page, artifacts, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    town = Town.objects.order_by("code").first()
    boss = make_user("browser_boss", (Role.CITY, CITY_CODE))
    _user, issued = services.create_user(
        actor=boss, username="browser_new", roles=[services.RoleSpec(Role.TOWN, town.code)]
    )

    _login(page, "browser_new", "wrong-password")
    assert "用户名或密码错误" in page.content()
    page.screenshot(path=artifacts / "accounts-login-error.png", full_page=True)

    _login(page, "browser_new", issued)
    assert page.url.endswith("/accounts/password/")
    assert page.locator("[data-testid=forced-change]").is_visible()
    page.screenshot(path=artifacts / "accounts-forced-change.png", full_page=True)
    page.goto(f"{page.base_url}/")
    assert page.url.endswith("/accounts/password/")  # nothing else before the change

    page.fill("#id_old_password", issued)
    page.fill("#id_new_password1", "password")
    page.fill("#id_new_password2", "password")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith("/accounts/password/")  # refused by the policy

    page.fill("#id_old_password", issued)
    page.fill("#id_new_password1", "Tengzhou#2026x")
    page.fill("#id_new_password2", "Tengzhou#2026x")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == f"{page.base_url}/"
    page.screenshot(path=artifacts / "accounts-after-change.png", full_page=True)
    assert not User.objects.get(username="browser_new").must_change_password


def test_administrator_enrols_totp_from_the_qr_page(browser_page, artifacts, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    make_user("browser_admin", (Role.ADMIN, CITY_CODE))
    _login(page, "browser_admin", TEST_PASSWORD)
    assert page.url.endswith("/accounts/totp/enrol/")
    assert page.locator("[data-testid=totp-qr] svg").count() == 1
    page.screenshot(path=artifacts / "accounts-totp-enrol.png", full_page=True)
    secret = page.locator("[data-testid=totp-secret]").inner_text().strip()
    page.fill("#id_code", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == f"{page.base_url}/"
    assert User.objects.get(username="browser_admin").totp_enabled
