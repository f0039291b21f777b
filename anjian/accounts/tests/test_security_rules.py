"""The login-security rules at their thresholds: the password classes and the username rule, the
password age, the TOTP drift window and replay check, the lockout limits and window, and the
tokens' once-a-minute last-use write."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta

import pyotp
import pytest
import segno
from django.core.exceptions import ValidationError
from django.utils import timezone

from anjian.accounts import security
from anjian.accounts.access import grants_for
from anjian.accounts.choices import Role
from anjian.accounts.models import ApiToken, Lockout, LoginAttempt, RoleAssignment, User
from anjian.accounts.security import CharacterClassesValidator, NotContainingUsernameValidator
from anjian.core.models import AuditLog
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

# --- password policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "tengzhou#18",  # lower, symbol, digit: no upper case
        "TENGZHOU#18",  # upper, symbol, digit
        "Tengzhou#",  # upper, lower, symbol
        "Tengzhou18",  # upper, lower, digit
    ],
)
def test_exactly_three_classes_are_enough(password: str) -> None:
    CharacterClassesValidator().validate(password)


@pytest.mark.parametrize("password", ["tengzhou", "tengzhou18", "TENGZHOU#", "12345678#", "Tz"])
def test_two_classes_or_fewer_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        CharacterClassesValidator().validate(password)
    assert refused.value.code == "password_too_simple"
    assert refused.value.messages == ["密码须包含大写字母、小写字母、数字、符号中的至少3类。"]


def test_the_number_of_classes_is_a_parameter() -> None:
    strict = CharacterClassesValidator(min_classes=4)
    strict.validate("Tengzhou#18")
    with pytest.raises(ValidationError, match="至少4类"):
        strict.validate("Tengzhou18")
    CharacterClassesValidator(min_classes=2).validate("tengzhou18")
    assert CharacterClassesValidator().min_classes == 3
    assert CharacterClassesValidator().get_help_text() == (
        "至少包含大写字母、小写字母、数字、符号中的三类。"
    )


@pytest.mark.parametrize(
    ("username", "password", "refused"),
    [
        ("zhangsan", "ZhangSan#2018", True),  # in any case
        ("ZhangSan", "x-zhangsan-1", True),
        ("abc", "Xabc#2018", True),  # three characters are enough to count
        ("ab", "Xab#2018ab", False),  # two are not
        ("zhangsan", "Tengzhou#18", False),
    ],
)
def test_the_password_must_not_contain_the_username(
    username: str, password: str, refused: bool
) -> None:
    validator = NotContainingUsernameValidator()
    if refused:
        with pytest.raises(ValidationError) as error:
            validator.validate(password, User(username=username))
        assert error.value.code == "password_contains_username"
        assert error.value.messages == ["密码不得包含用户名。"]
    else:
        validator.validate(password, User(username=username))


def test_the_username_rule_without_a_user() -> None:
    for password in ("Tengzhou#18", "aXXXXb#18", "XXXXXXXX1#a"):
        NotContainingUsernameValidator().validate(password, None)
        NotContainingUsernameValidator().validate(password, User(username=""))
    assert NotContainingUsernameValidator().get_help_text() == "密码不得包含用户名。"


# --- password age -------------------------------------------------------------------------------


def test_a_password_expires_just_after_its_maximum_age(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    now = timezone.now()
    user = User(username="aging", date_joined=now - timedelta(days=400))
    user.password_changed_at = now - timedelta(days=90) + timedelta(seconds=5)
    assert not security.password_expired(user)
    user.password_changed_at = now - timedelta(days=90, seconds=5)
    assert security.password_expired(user)
    settings.PASSWORD_MAX_AGE_DAYS = 91
    assert not security.password_expired(user)


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch):
    """``timezone.now`` as the security module reads it, fixed, to test an exact instant."""
    fixed = timezone.now().replace(microsecond=500_000)
    monkeypatch.setattr(security.timezone, "now", lambda: fixed)
    return fixed


def test_a_password_exactly_at_its_maximum_age_has_not_expired(settings, now) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = User(username="exact", date_joined=now - timedelta(days=400))
    user.password_changed_at = now - timedelta(days=90)
    assert not security.password_expired(user)
    user.password_changed_at = now - timedelta(days=90, microseconds=1)
    assert security.password_expired(user)


def test_a_never_changed_password_ages_from_the_date_joined(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 30
    now = timezone.now()
    user = User(username="joined", date_joined=now - timedelta(days=31), password_changed_at=None)
    assert security.password_expired(user)
    user.date_joined = now - timedelta(days=29)
    assert not security.password_expired(user)


def test_passwords_never_expire_at_zero(settings) -> None:
    settings.PASSWORD_MAX_AGE_DAYS = 0
    user = User(username="ancient", date_joined=timezone.now() - timedelta(days=10_000))
    assert security.password_expired(user) is False


# --- TOTP ---------------------------------------------------------------------------------------

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TOTP = pyotp.TOTP(SECRET)
MOMENT = timezone.now().replace(microsecond=0)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch):
    """``timezone.now`` fixed in the middle of a 30-second step."""
    step_start = MOMENT - timedelta(seconds=MOMENT.timestamp() % 30) + timedelta(seconds=15)
    monkeypatch.setattr(security.timezone, "now", lambda: step_start)
    return step_start


def _code(moment, steps: int) -> str:
    return TOTP.at(moment + timedelta(seconds=30 * steps))


def _counter(moment, steps: int) -> int:
    return int(TOTP.timecode(moment + timedelta(seconds=30 * steps)))


@pytest.mark.parametrize(
    ("steps", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_codes_one_step_either_side_are_accepted(frozen, steps: int, accepted: bool) -> None:
    found = security.totp_matches(SECRET, _code(frozen, steps))
    assert found == (_counter(frozen, steps) if accepted else 0)


def test_a_step_used_before_is_refused_and_a_later_one_accepted(frozen) -> None:
    code, counter = _code(frozen, 0), _counter(frozen, 0)
    assert security.totp_matches(SECRET, code, last_counter=counter - 1) == counter
    assert security.totp_matches(SECRET, code, last_counter=counter) == 0
    assert security.totp_matches(SECRET, code, last_counter=counter + 1) == 0
    previous = _code(frozen, -1)
    assert security.totp_matches(SECRET, previous, last_counter=counter - 1) == 0
    assert security.totp_matches(SECRET, previous, last_counter=counter - 2) == counter - 1


def test_codes_are_read_leniently_but_must_be_digits(frozen) -> None:
    code, counter = _code(frozen, 0), _counter(frozen, 0)
    assert security.totp_matches(SECRET, f" {code[:3]} {code[3:]} ") == counter
    assert security.totp_matches(SECRET, "abcdef") == 0
    assert security.totp_matches(SECRET, "") == 0
    assert security.totp_matches(SECRET, None) == 0  # type: ignore[arg-type]
    assert security.totp_matches("", code) == 0


def test_the_totp_roles_and_enrolment_helpers() -> None:
    assert frozenset({Role.ADMIN, Role.AUDITOR}) == security.TOTP_REQUIRED_ROLES
    secret = security.new_totp_secret()
    assert len(secret) == 32 and pyotp.TOTP(secret).now().isdigit()
    uri = security.totp_uri(User(username="zhang"), secret)
    assert uri.startswith("otpauth://totp/Anjian:zhang?") and f"secret={secret}" in uri
    assert "issuer=Anjian" in uri
    svg = security.totp_qr_svg(uri)
    assert svg.startswith("<svg")
    # 4 pixels a module: the size the enrolment page is laid out for
    width = segno.make(uri, error="m").symbol_size(scale=4)[0]
    assert f'width="{width}"' in svg
    # at least medium error correction: a long name needs a larger symbol than the lowest level
    long_uri = security.totp_uri(User(username="a" * 60), secret)
    medium = segno.make(long_uri, error="m").symbol_size(scale=4)[0]
    assert medium > segno.make(long_uri, error="l").symbol_size(scale=4)[0]
    assert f'width="{medium}"' in security.totp_qr_svg(long_uri)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "required"), [("admin", True), ("auditor", True), ("city", False), ("town", False)]
)
def test_second_factor_is_required_of_administrators_and_auditors(role: str, required: bool):
    code = Town.objects.order_by("code").first().code if role == "town" else CITY_CODE
    assert security.totp_required(make_user(f"totp_{role}", (role, code))) is required


# --- lockout ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_account_locks_at_the_limit_and_not_before(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_LOCKOUT_SECONDS = 600
    assert security.register_failure("Mixed", "10.5.0.1", None) is False
    assert security.register_failure("mixed", "10.5.0.2", None) is False
    assert not security.account_locked("MIXED")
    assert security.register_failure("MIXED", "10.5.0.3", None) is True
    assert security.account_locked("mixed")
    lock = Lockout.objects.get()
    assert (lock.kind, lock.key) == ("account", "mixed")
    assert timedelta(seconds=590) < lock.until - timezone.now() <= timedelta(seconds=600)
    assert list(LoginAttempt.objects.values_list("username", flat=True).distinct()) == ["mixed"]
    assert AuditLog.objects.filter(action="lockout", detail="account:mixed").count() == 1
    assert AuditLog.objects.filter(action="login_failed", detail="mixed").count() == 3


@pytest.mark.django_db
def test_failures_count_within_the_window_only(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    security.register_failure("windowed", "", None)
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=610))
    assert security.register_failure("windowed", "", None) is False
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=590))
    assert security.register_failure("windowed", "", None) is True


@pytest.mark.django_db
def test_a_complete_sign_in_restarts_the_count(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    user = make_user("restarted")
    security.register_failure("restarted", "", user)
    LoginAttempt.objects.update(at=timezone.now() - timedelta(seconds=5))
    security.register_success(user, "10.6.0.1")
    assert LoginAttempt.objects.filter(succeeded=True, client_address="10.6.0.1").count() == 1
    assert security.register_failure("restarted", "", user) is False
    assert security.register_failure("restarted", "", user) is True


@pytest.mark.django_db
def test_the_address_locks_at_the_number_of_distinct_accounts(settings) -> None:
    settings.LOGIN_ADDRESS_ACCOUNT_LIMIT = 3
    settings.LOGIN_FAILURE_LIMIT = 100
    for name in ("a1", "a1", "a2", "a2", "a2"):
        security.register_failure(name, "10.8.0.1", None)
    assert not security.address_locked("10.8.0.1")
    security.register_failure("a3", "10.8.0.2", None)  # another address
    assert not security.address_locked("10.8.0.1")
    assert security.register_failure("a3", "10.8.0.1", None) is False  # the account is open
    assert security.address_locked("10.8.0.1")
    assert not security.address_locked("10.8.0.2")
    assert not security.account_locked("a3")
    security.register_failure("a4", "10.8.0.1", None)
    assert Lockout.objects.filter(kind="address").count() == 1  # no second lock while locked
    assert AuditLog.objects.filter(action="lockout", detail="address:10.8.0.1").count() == 1


@pytest.mark.django_db
def test_no_address_is_never_locked(settings) -> None:
    settings.LOGIN_ADDRESS_ACCOUNT_LIMIT = 1
    security.register_failure("nobody", "", None)
    assert not security.address_locked("")
    assert not Lockout.objects.filter(kind="address").exists()


@pytest.mark.django_db
def test_a_totp_failure_is_recorded_as_such(settings) -> None:
    user = make_user("codes")
    security.register_failure("codes", "10.9.0.1", user, step="totp")
    row = AuditLog.objects.get(action="login_failed")
    assert (row.detail, row.object_id) == ("codes (totp)", str(user.pk))


@pytest.mark.django_db
def test_a_lock_ends_at_its_until(now) -> None:
    Lockout.objects.create(kind="account", key="exact", until=now)
    Lockout.objects.create(kind="address", key="10.11.0.1", until=now)
    assert not security.account_locked("exact")
    assert not security.address_locked("10.11.0.1")
    Lockout.objects.update(until=now + timedelta(microseconds=1))
    assert security.account_locked("exact")
    assert security.address_locked("10.11.0.1")


@pytest.mark.django_db
def test_the_count_starts_at_the_latest_success(settings) -> None:
    settings.LOGIN_FAILURE_LIMIT = 2
    user = make_user("twice")
    now = timezone.now()
    for seconds, succeeded in ((10, True), (8, False), (6, True)):
        LoginAttempt.objects.create(
            username="twice", succeeded=succeeded, at=now - timedelta(seconds=seconds)
        )
    assert security.register_failure("twice", "", user) is False
    assert security.register_failure("twice", "", user) is True


@pytest.mark.django_db
def test_an_expired_lock_no_longer_refuses(settings) -> None:
    Lockout.objects.create(kind="account", key="old", until=timezone.now() - timedelta(seconds=1))
    Lockout.objects.create(kind="address", key="10.10.0.1", until=timezone.now())
    assert not security.account_locked("old")
    assert not security.address_locked("10.10.0.1")
    Lockout.objects.create(kind="address", key="10.10.0.1", until=timezone.now() + timedelta(1))
    assert security.address_locked("10.10.0.1")
    assert not security.account_locked("10.10.0.1")  # the kinds are kept apart


# --- personal API tokens ------------------------------------------------------------------------


@pytest.fixture
def fresh_sql():
    """The token query's SQL is compiled once per process: compile it again in this test."""
    from anjian.core import sqltemplates

    sqltemplates.clear()
    yield
    sqltemplates.clear()


def test_tokens_are_random_prefixed_and_stored_as_sha256() -> None:
    token = security.new_token()
    assert token.startswith("ajt_") and len(token) == 4 + 43
    assert token != security.new_token()
    assert security.hash_token("ajt_x") == hashlib.sha256(b"ajt_x").hexdigest()


@pytest.mark.django_db
def test_a_token_without_the_prefix_is_not_looked_up(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert security.user_for_token("not-a-token") is None
    assert security.user_for_token("ajt_unknown") is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("last_used", "written"),
    [(None, True), (timedelta(seconds=50), False), (timedelta(seconds=70), True)],
)
def test_the_last_use_is_written_at_most_once_a_minute(last_used, written, fresh_sql) -> None:
    town = Town.objects.order_by("code").first()
    user = make_user("lastuse", ("town", town.code))
    plain = security.new_token()
    before = None if last_used is None else timezone.now() - last_used
    token = ApiToken.objects.create(
        user=user,
        name="t",
        token_hash=security.hash_token(plain),
        expires_at=timezone.now() + timedelta(days=1),
        last_used_at=before,
    )
    assert security.user_for_token(plain) == user
    token.refresh_from_db()
    if written:
        assert token.last_used_at is not None
        assert timezone.now() - token.last_used_at < timedelta(seconds=5)
    else:
        assert token.last_used_at == before


@pytest.mark.django_db
def test_a_token_brings_its_users_active_grants(fresh_sql) -> None:
    town = Town.objects.order_by("code").first()
    user = make_user("granted", ("town", town.code), ("grid", "001-01"))
    RoleAssignment.objects.create(
        user=user,
        role="expert",
        jurisdiction_kind="enterprise",
        jurisdiction_code="91370481MA3C000002",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    plain = security.new_token()
    ApiToken.objects.create(
        user=user,
        name="t",
        token_hash=security.hash_token(plain),
        expires_at=timezone.now() + timedelta(days=1),
    )
    found = security.user_for_token(plain)
    assert found is not None and (found.pk, found.username) == (user.pk, "granted")
    grants = grants_for(found)
    assert grants.roles == {"town", "grid"}
    assert grants.towns == {town.code} and grants.town_ids == {town.pk}
    assert grants.grids == {"001-01"}
    assert grants.assigned_enterprises == frozenset()
    ApiToken.objects.update(revoked_at=timezone.now())
    assert security.user_for_token(plain) is None


@pytest.mark.django_db
def test_a_token_of_a_user_without_roles_or_past_its_expiry(fresh_sql) -> None:
    user = make_user("roleless")
    plain = security.new_token()
    token = ApiToken.objects.create(
        user=user,
        name="t",
        token_hash=security.hash_token(plain),
        expires_at=timezone.now() + timedelta(days=1),
    )
    found = security.user_for_token(plain)
    assert found == user
    assert grants_for(found).roles == frozenset()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert security.user_for_token(plain) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(days=1))
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert security.user_for_token(plain) is None


def _token_for(user: User, **fields) -> str:
    plain = security.new_token()
    fields.setdefault("expires_at", timezone.now() + timedelta(days=1))
    ApiToken.objects.create(user=user, name="t", token_hash=security.hash_token(plain), **fields)
    return plain


@pytest.mark.django_db
def test_a_token_stops_at_its_expiry_instant(fresh_sql, now) -> None:
    user = make_user("instant")
    plain = _token_for(user, expires_at=now)
    assert security.user_for_token(plain) is None
    ApiToken.objects.update(expires_at=now + timedelta(microseconds=1))
    assert security.user_for_token(plain) == user


@pytest.mark.django_db
def test_the_last_use_a_minute_ago_exactly_is_not_written_again(fresh_sql, now) -> None:
    user = make_user("minute")
    plain = _token_for(user, last_used_at=now - timedelta(minutes=1))
    security.user_for_token(plain)
    assert ApiToken.objects.get().last_used_at == now - timedelta(minutes=1)
    ApiToken.objects.update(last_used_at=now - timedelta(minutes=1, microseconds=1))
    security.user_for_token(plain)
    assert ApiToken.objects.get().last_used_at == now


@pytest.mark.django_db
def test_the_compiled_token_query_reads_todays_date_each_time(fresh_sql, monkeypatch) -> None:
    """An assignment ending today counts today and not tomorrow, with the SQL compiled once."""
    user = make_user("lastday")
    today = timezone.localdate()
    RoleAssignment.objects.create(
        user=user,
        role="expert",
        jurisdiction_kind="enterprise",
        jurisdiction_code="91370481MA3C000003",
        valid_until=today,
    )
    plain = _token_for(user, expires_at=timezone.now() + timedelta(days=5))
    found = security.user_for_token(plain)
    assert found is not None and grants_for(found).assigned_enterprises == {"91370481MA3C000003"}
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(security.timezone, "now", lambda: tomorrow)
    found = security.user_for_token(plain)
    assert found is not None and grants_for(found).assigned_enterprises == frozenset()


@pytest.mark.django_db
def test_a_token_request_reads_one_instant_for_its_expiry_and_its_date(
    fresh_sql, monkeypatch
) -> None:
    """A request just before midnight takes the assignments of that day, even when the clock
    has passed midnight by the time the date would be read a second time."""
    user = make_user("midnight")
    today = timezone.localdate()
    RoleAssignment.objects.create(
        user=user,
        role="expert",
        jurisdiction_kind="enterprise",
        jurisdiction_code="91370481MA3C000004",
        valid_until=today,
    )
    plain = _token_for(user, expires_at=timezone.now() + timedelta(days=5))
    last_moment = timezone.make_aware(datetime.combine(today, time.max))
    readings = iter([last_moment])
    monkeypatch.setattr(
        security.timezone, "now", lambda: next(readings, last_moment + timedelta(seconds=1))
    )
    found = security.user_for_token(plain)
    assert found is not None
    assert grants_for(found).assigned_enterprises == {"91370481MA3C000004"}
    assert ApiToken.objects.get().last_used_at == last_moment


@pytest.mark.django_db
def test_the_user_of_a_token_is_loaded_from_this_database(fresh_sql) -> None:
    from django.db import connection

    user = make_user("loaded")
    found = security.user_for_token(_token_for(user))
    assert found is not None
    assert found._state.db == connection.alias
    assert found._state.adding is False
    assert (found.username, found.is_active, found.password) == (
        user.username,
        True,
        user.password,
    )


def test_without_a_last_step_every_step_is_new(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default "no step used before" refuses no step, not even the first after the epoch."""
    first_step = datetime(1970, 1, 1, 0, 0, 45, tzinfo=UTC)  # step 1
    monkeypatch.setattr(security.timezone, "now", lambda: first_step)
    assert security.totp_matches(SECRET, TOTP.at(first_step)) == 1
    assert security.totp_matches(SECRET, TOTP.at(first_step), last_counter=1) == 0
