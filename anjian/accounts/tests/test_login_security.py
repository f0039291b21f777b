"""Login security (等保 level 3): lockout, idle timeout, password policy, TOTP, forced change,
CSRF, personal API tokens, and the audit records each leaves."""

from __future__ import annotations

import time
from datetime import timedelta

import pyotp
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from anjian.accounts import security, services
from anjian.accounts.access import grants_for
from anjian.accounts.middleware import ACTIVITY_KEY, PENDING_KEY
from anjian.accounts.models import ApiToken, Lockout, LoginAttempt, RoleAssignment, User
from anjian.core.models import AuditLog
from anjian.orgs.models import CITY_CODE, Town
from conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_code() -> str:
    return Town.objects.order_by("code").values_list("code", flat=True)[0]


def _login(client: Client, username: str, password: str = TEST_PASSWORD, address: str = "10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _actions(**filters) -> list[str]:
    return list(AuditLog.objects.filter(**filters).order_by("seq").values_list("action", flat=True))


# --- password policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!x", "too short"),
        ("alllowercase1", "two classes"),
        ("Zhangsan#2018", "contains the username"),
        ("Password1!", "a common password"),
    ],
)
def test_password_policy_refuses_weak_passwords(password, reason):
    user = User(username="zhangsan")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_password_policy_accepts_three_classes_of_eight():
    validate_password("Tengzhou#18", User(username="zhangsan"))


# --- lockout ------------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes(client, town_code):
    make_user("victim", ("town", town_code))
    for number in range(5):
        response = _login(client, "victim", "wrong-password", address=f"10.1.0.{number}")
        assert response.status_code == 200
    assert Lockout.objects.filter(kind="account", key="victim").exists()
    response = _login(client, "victim", TEST_PASSWORD, address="10.9.9.9")
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    lock = Lockout.objects.get(kind="account", key="victim")
    assert timedelta(minutes=14) < lock.until - timezone.now() <= timedelta(minutes=15)
    assert "lockout" in _actions()
    assert _actions(action="login_failed").count("login_failed") >= 6


def test_lockout_expires_after_fifteen_minutes(client, town_code):
    make_user("patient", ("town", town_code))
    for _ in range(5):
        _login(client, "patient", "wrong-password")
    Lockout.objects.update(until=timezone.now() - timedelta(seconds=1))
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    response = _login(client, "patient")
    assert response.status_code == 302


def test_failures_from_one_address_do_not_lock_out_the_office(client, town_code):
    """Behind one NAT, one person's five typos lock that person's account, nobody else's."""
    make_user("typist", ("town", town_code))
    make_user("colleague", ("town", town_code))
    for _ in range(5):
        _login(client, "typist", "wrong-password", address="10.2.0.1")
    for number in range(4):
        _login(client, f"nobody{number}", "wrong-password", address="10.2.0.1")
    assert Lockout.objects.filter(kind="account", key="typist").exists()
    assert not Lockout.objects.filter(kind="address").exists()
    assert _login(Client(), "colleague", address="10.2.0.1").status_code == 302


def _fail_on_accounts(count: int, address: str) -> None:
    for number in range(count):
        _login(Client(), f"stuffed{number}", "wrong-password", address=address)


def test_an_address_failing_on_many_accounts_is_locked(client, town_code, settings):
    assert settings.LOGIN_ADDRESS_ACCOUNT_LIMIT == 20
    settings.LOGIN_ADDRESS_ACCOUNT_LIMIT = 4  # configurable; the rule is the same at 20
    make_user("bystander", ("town", town_code))
    _fail_on_accounts(3, "10.2.1.1")
    _login(Client(), "stuffed0", "wrong-password", address="10.2.1.1")  # an account counts once
    assert not Lockout.objects.filter(kind="address").exists()
    _fail_on_accounts(4, "10.2.1.1")
    lock = Lockout.objects.get(kind="address", key="10.2.1.1")
    assert timedelta(minutes=14) < lock.until - timezone.now() <= timedelta(minutes=15)
    assert "lockout" in _actions()
    response = _login(client, "bystander", address="10.2.1.1")
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert _login(Client(), "bystander", address="10.2.1.2").status_code == 302


def test_a_locked_address_still_lets_in_a_user_with_a_second_factor(client, town_code, settings):
    settings.LOGIN_ADDRESS_ACCOUNT_LIMIT = 3
    user = make_user("careful", ("town", town_code))
    totp = _enable_totp(user)
    _fail_on_accounts(3, "10.2.2.1")
    assert Lockout.objects.filter(kind="address", key="10.2.2.1").exists()
    assert (
        "锁定" in _login(client, "careful", "wrong-password", address="10.2.2.1").content.decode()
    )
    response = _login(client, "careful", address="10.2.2.1")
    assert response["Location"] == "/accounts/totp/"
    response = client.post("/accounts/totp/", {"code": totp.now()}, REMOTE_ADDR="10.2.2.1")
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def _lock_ended_a_minute_ago() -> None:
    """The failures were two minutes ago, still inside the 15-minute window; the lock ended."""
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=2))
    Lockout.objects.update(until=timezone.now() - timedelta(minutes=1))


def test_the_address_count_starts_again_after_its_lock(town_code, settings):
    settings.LOGIN_ADDRESS_ACCOUNT_LIMIT = 2
    _fail_on_accounts(2, "10.2.3.1")
    _lock_ended_a_minute_ago()
    _login(Client(), "later", "wrong-password", address="10.2.3.1")
    assert Lockout.objects.filter(kind="address").count() == 1


def test_the_account_limit_is_configurable(client, town_code, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user("strict", ("town", town_code))
    for _ in range(2):
        _login(client, "strict", "wrong-password")
    assert not Lockout.objects.exists()
    _login(client, "strict", "wrong-password")
    assert Lockout.objects.filter(kind="account", key="strict").exists()


def test_four_failures_do_not_lock_and_the_account_still_opens(client, town_code):
    make_user("nearly", ("town", town_code))
    for _ in range(4):
        response = _login(client, "nearly", "wrong-password")
        assert "用户名或密码错误" in response.content.decode()
    assert not Lockout.objects.exists()
    assert _login(client, "nearly").status_code == 302


def test_an_expired_lock_opens_the_account_and_its_failures_are_not_counted_again(
    client, town_code
):
    make_user("released", ("town", town_code))
    for _ in range(5):
        _login(Client(), "released", "wrong-password")
    assert security.account_locked("Released")
    _lock_ended_a_minute_ago()
    assert not security.account_locked("released")
    _login(Client(), "released", "wrong-password")
    assert Lockout.objects.count() == 1
    assert _login(client, "released").status_code == 302


def test_failures_older_than_the_window_do_not_count(client, town_code):
    make_user("slow", ("town", town_code))
    for _ in range(4):
        _login(client, "slow", "wrong-password")
    LoginAttempt.objects.update(at=timezone.now() - timedelta(minutes=16))
    _login(client, "slow", "wrong-password")
    assert not Lockout.objects.exists()


def test_a_success_restarts_the_account_count(client, town_code):
    make_user("forgetful", ("town", town_code))
    for _ in range(4):
        _login(client, "forgetful", "wrong-password", address="10.3.0.1")
    assert _login(client, "forgetful", address="10.3.0.2").status_code == 302
    client.post("/accounts/logout/")
    _login(client, "forgetful", "wrong-password", address="10.3.0.3")
    assert not Lockout.objects.filter(kind="account").exists()


# --- audit of login and logout ------------------------------------------------------------------


def test_login_and_logout_are_audited_with_the_client_address(client, town_code):
    user = make_user("recorded", ("town", town_code))
    _login(client, "recorded", address="10.4.0.1")
    client.post("/accounts/logout/")
    rows = AuditLog.objects.filter(actor_id=user.pk).order_by("seq")
    assert [r.action for r in rows] == ["login", "logout"]
    assert rows[0].client_address == "10.4.0.1"
    assert rows[0].request_id


# --- idle timeout -------------------------------------------------------------------------------


def test_idle_session_is_logged_out_after_thirty_minutes(client, town_code, settings):
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 30 * 60
    make_user("sleepy", ("town", town_code))
    _login(client, "sleepy")
    assert client.get("/").status_code == 200
    session = client.session
    session[ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/").status_code == 302
    assert AuditLog.objects.filter(action="logout", detail="idle timeout").exists()


def test_active_session_stays(client, town_code):
    make_user("busy", ("town", town_code))
    _login(client, "busy")
    session = client.session
    session[ACTIVITY_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get("/").status_code == 200


# --- CSRF ---------------------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused(town_code):
    make_user("csrf", ("town", town_code))
    client = Client(enforce_csrf_checks=True)
    response = _login(client, "csrf")
    assert response.status_code == 403


def test_session_api_write_without_csrf_is_refused(town_code):
    user = make_user("csrfapi", ("town", town_code))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/auth/token", {}, content_type="application/json")
    assert response.status_code in (401, 422)  # no session needed: not a CSRF target
    page = client.get("/accounts/profile/")
    assert page.status_code == 200
    assert client.post("/accounts/tokens/", {"name": "x", "days": 5}).status_code == 403


# --- forced password change ---------------------------------------------------------------------


def test_issued_password_must_be_changed_at_first_login(client, town_code):
    admin = make_user("boss", ("admin", CITY_CODE))
    user, issued = services.create_user(
        actor=admin, username="newbie", roles=[services.RoleSpec("town", town_code)]
    )
    response = _login(client, "newbie", issued)
    assert response["Location"] == "/accounts/password/"
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/users/me").status_code == 401
    response = client.post(
        "/accounts/password/",
        {
            "old_password": issued,
            "new_password1": "Tengzhou#2026x",
            "new_password2": "Tengzhou#2026x",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password
    assert "password_change" in _actions(object_id=str(user.pk))


def test_forced_change_refuses_a_weak_new_password(client, town_code):
    admin = make_user("boss2", ("admin", CITY_CODE))
    _user, issued = services.create_user(
        actor=admin, username="weakling", roles=[services.RoleSpec("town", town_code)]
    )
    _login(client, "weakling", issued)
    response = client.post(
        "/accounts/password/",
        {"old_password": issued, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_admin_password_reset_forces_a_change_and_is_audited(client, town_code):
    admin = make_user("boss3", ("admin", CITY_CODE))
    user = make_user("resettee", ("town", town_code))
    issued = services.reset_password(user, actor=admin)
    user.refresh_from_db()
    assert user.must_change_password
    row = AuditLog.objects.filter(action="password_reset").latest("seq")
    assert (row.actor_id, row.object_id) == (admin.pk, str(user.pk))
    assert _login(client, "resettee", issued)["Location"] == "/accounts/password/"


# --- TOTP ---------------------------------------------------------------------------------------


def _enable_totp(user: User) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.save()
    return pyotp.TOTP(secret)


def test_totp_is_asked_after_the_password(client, town_code):
    user = make_user("twofactor", ("town", town_code))
    totp = _enable_totp(user)
    response = _login(client, "twofactor")
    assert response["Location"] == "/accounts/totp/"
    assert client.get("/").status_code == 302
    assert client.post("/accounts/totp/", {"code": "000000"}).status_code == 200
    response = client.post("/accounts/totp/", {"code": totp.now()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_totp_codes_on_the_totp_page_lock_the_account(client, town_code):
    user = make_user("guesser", ("town", town_code))
    totp = _enable_totp(user)
    _login(client, "guesser")
    for _ in range(4):
        response = client.post("/accounts/totp/", {"code": "000000"})
        assert response.status_code == 200
    assert not Lockout.objects.exists()
    response = client.post("/accounts/totp/", {"code": "000000"})
    assert response["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert Lockout.objects.filter(kind="account", key="guesser").exists()
    assert AuditLog.objects.filter(action="login_failed", detail="guesser (totp)").count() == 5
    # neither the password nor a right code opens the locked account
    assert "锁定" in _login(client, "guesser").content.decode()
    with pytest.raises(services.LoginRefused):
        services.confirm_totp(user, totp.now(), actor=user)


def test_the_password_does_not_reset_the_count_of_wrong_codes(town_code):
    """Each new session after the right password keeps counting: 3 + 2 wrong codes lock."""
    user = make_user("persistent", ("town", town_code))
    _enable_totp(user)
    first = Client()
    _login(first, "persistent")
    for _ in range(3):
        first.post("/accounts/totp/", {"code": "000000"})
    second = Client()
    _login(second, "persistent")
    second.post("/accounts/totp/", {"code": "000000"})
    assert not Lockout.objects.exists()
    assert second.post("/accounts/totp/", {"code": "000000"})["Location"] == "/accounts/login/"
    assert security.account_locked("persistent")


def test_wrong_codes_with_the_right_password_lock_the_token_request(client):
    admin = make_user("apiguess", ("admin", CITY_CODE))
    totp = _enable_totp(admin)
    payload = {"username": "apiguess", "password": TEST_PASSWORD, "otp": "000000"}
    for _ in range(4):
        response = client.post("/api/v1/auth/token", payload, content_type="application/json")
        assert (response.status_code, response.json()["code"]) == (401, "otp_required")
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (401, "locked")
    payload["otp"] = totp.now()
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (401, "locked")
    assert not ApiToken.objects.exists()


def test_an_empty_code_is_not_a_guess(client):
    admin = make_user("apiempty", ("admin", CITY_CODE))
    _enable_totp(admin)
    payload = {"username": "apiempty", "password": TEST_PASSWORD}
    for _ in range(6):
        response = client.post("/api/v1/auth/token", payload, content_type="application/json")
        assert response.json()["code"] == "otp_required"
    assert not Lockout.objects.exists()


def test_a_right_code_restarts_the_count(town_code):
    user = make_user("recovering", ("town", town_code))
    totp = _enable_totp(user)
    for _ in range(4):
        assert not services.confirm_totp(user, "000000", actor=user)
    assert services.confirm_totp(user, totp.now(), actor=user)
    user.refresh_from_db()
    assert not services.confirm_totp(user, "000000", actor=user)
    assert not Lockout.objects.exists()


def test_a_totp_code_cannot_be_replayed(town_code):
    user = make_user("replay", ("town", town_code))
    totp = _enable_totp(user)
    code = totp.now()
    assert services.confirm_totp(user, code, actor=user)
    user.refresh_from_db()
    assert not services.confirm_totp(user, code, actor=user)


def test_admin_without_totp_must_enrol_before_anything_else(client):
    make_user("newadmin", ("admin", CITY_CODE))
    response = _login(client, "newadmin")
    assert response["Location"] == "/accounts/totp/enrol/"
    page = client.get("/accounts/totp/enrol/")
    assert b"<svg" in page.content
    assert client.get("/accounts/users/").status_code == 302
    secret = client.session["anjian_totp_secret"]
    response = client.post("/accounts/totp/enrol/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/accounts/users/").status_code == 200
    assert User.objects.get(username="newadmin").totp_enabled


def test_auditor_needs_totp_and_others_do_not(town_code):
    assert security.totp_required(make_user("aud", ("auditor", CITY_CODE)))
    assert not security.totp_required(make_user("plain", ("town", town_code)))


def test_totp_is_optional_for_other_roles_and_can_be_turned_off(town_code):
    user = make_user("optional", ("town", town_code))
    _enable_totp(user)
    services.disable_totp(user, actor=user)
    assert not User.objects.get(pk=user.pk).totp_enabled
    admin = make_user("mustkeep", ("admin", CITY_CODE))
    _enable_totp(admin)
    with pytest.raises(Exception, match="动态口令"):
        services.disable_totp(admin, actor=admin)


# --- personal API tokens ------------------------------------------------------------------------


def test_token_is_issued_for_a_password_and_authenticates(client, town_code):
    make_user("apiuser", ("town", town_code))
    response = client.post(
        "/api/v1/auth/token",
        {"username": "apiuser", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    stored = ApiToken.objects.get(user__username="apiuser")
    assert stored.token_hash != body["token"]
    assert stored.token_hash == security.hash_token(body["token"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert api.get("/api/v1/users/me").json()["username"] == "apiuser"


def test_token_request_with_a_bad_password_is_401_and_counts_towards_lockout(client, town_code):
    make_user("apibad", ("town", town_code))
    for _ in range(5):
        response = client.post(
            "/api/v1/auth/token",
            {"username": "apibad", "password": "nope"},
            content_type="application/json",
        )
        assert response.status_code == 401
    response = client.post(
        "/api/v1/auth/token",
        {"username": "apibad", "password": TEST_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "locked"


def test_admin_token_needs_the_totp_code(client):
    admin = make_user("apiadmin", ("admin", CITY_CODE))
    totp = _enable_totp(admin)
    payload = {"username": "apiadmin", "password": TEST_PASSWORD}
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 401
    payload["otp"] = totp.now()
    response = client.post("/api/v1/auth/token", payload, content_type="application/json")
    assert response.status_code == 200


def test_expired_and_revoked_tokens_are_refused(town_code):
    user = make_user("tokens", ("town", town_code))
    token, plain = services.create_token(user, actor=user, days=1)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get("/api/v1/users/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/users/me").status_code == 401
    token2, plain2 = services.create_token(user, actor=user)
    api2 = Client(HTTP_AUTHORIZATION=f"Bearer {plain2}")
    assert api2.get("/api/v1/users/me").status_code == 200
    services.revoke_token(token2, actor=user)
    assert api2.get("/api/v1/users/me").status_code == 401
    assert {"token_create", "token_revoke"} <= set(_actions(actor_id=user.pk))


def test_disabled_users_tokens_stop_working(town_code):
    admin = make_user("disabler", ("city", CITY_CODE))
    user = make_user("leaver", ("town", town_code))
    _token, plain = services.create_token(user, actor=user)
    services.set_active(user, False, actor=admin)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {plain}").get("/api/v1/users/me").status_code == 401


def test_token_check_is_one_query(town_code, django_assert_num_queries):
    """The token, its user and the user's grants (with the town's id) in one query."""
    user = make_user("fast", ("town", town_code))
    expert = make_user("fast_expert", ("expert", "91370481MA3C000001"))
    RoleAssignment.objects.create(
        user=expert,
        role="expert",
        jurisdiction_kind="enterprise",
        jurisdiction_code="91370481MA3C000002",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    _token, plain = services.create_token(user, actor=user)
    security.user_for_token(plain)  # first use writes last_used_at
    with django_assert_num_queries(1):
        found = security.user_for_token(plain)
        assert found == user
        grants = grants_for(found)
    assert grants.towns == {town_code}
    assert grants.town_ids == {Town.objects.get(code=town_code).pk}
    _token, plain = services.create_token(expert, actor=expert)
    found = security.user_for_token(plain)
    assert found is not None
    # the expired assignment is not among the grants
    assert grants_for(found).assigned_enterprises == {"91370481MA3C000001"}


def test_profile_lists_tokens_and_creates_one(client, town_code):
    user = make_user("profiled", ("town", town_code))
    client.force_login(user)
    client.post("/accounts/tokens/", {"name": "脚本", "days": 30})
    page = client.get("/accounts/profile/").content.decode()
    assert "脚本" in page
    assert "ajt_" in page
    assert PENDING_KEY not in client.session


# --- password age, login history, housekeeping --------------------------------------------------


def test_an_expired_password_must_be_changed(client, town_code, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = make_user("aged", ("town", town_code))
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    assert _login(client, "aged")["Location"] == "/accounts/password/"
    fresh = make_user("fresh", ("town", town_code))
    assert not security.password_expired(fresh)


def test_profile_shows_recent_logins_with_failures(client, town_code):
    make_user("watched", ("town", town_code))
    _login(client, "watched", "wrong-password", address="10.7.0.9")
    _login(client, "watched", address="10.7.0.1")
    page = client.get("/accounts/profile/").content.decode()
    assert "10.7.0.9" in page
    assert "10.7.0.1" in page


def test_old_login_attempts_are_purged():
    from anjian.accounts.tasks import purge_login_attempts

    LoginAttempt.objects.create(username="old", at=timezone.now() - timedelta(days=31))
    LoginAttempt.objects.create(username="new")
    assert purge_login_attempts() == 1
    assert list(LoginAttempt.objects.values_list("username", flat=True)) == ["new"]


def test_no_menu_while_a_login_step_is_owed(client):
    make_user("menuless", ("admin", CITY_CODE))
    _login(client, "menuless")
    page = client.get("/accounts/totp/enrol/")
    assert page.context["menu"] == []
