"""Login security (等保 level 3): password policy, lockout, TOTP and personal API tokens.

Lockout state lives in the database (:class:`LoginAttempt`, :class:`Lockout`), never in a
process, so every web node refuses the same account and the same address. Wrong passwords and
wrong one-time codes count alike.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import FilteredRelation, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts.access import active_assignments_q, grants_for
from anjian.accounts.choices import Role
from anjian.accounts.models import ApiToken, Lockout, LoginAttempt, User
from anjian.core import sqltemplates

# Roles that must use a second factor (等保: administrators and auditors).
TOTP_REQUIRED_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
TOKEN_PREFIX = "ajt_"  # noqa: S105 (a marker, not a secret)


# --- password policy ----------------------------------------------------------------------------


class CharacterClassesValidator:
    """At least three of the four classes: lower case, upper case, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"]
        if sum(bool(re.search(c, password)) for c in classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中的至少%(n)d类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的三类。")


class NotContainingUsernameValidator:
    """The password must not contain the username (in any case)."""

    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        if len(username) >= 3 and username.lower() in password.lower():
            raise ValidationError(_("密码不得包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不得包含用户名。")


# --- lockout ------------------------------------------------------------------------------------


def _window() -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _locked(kind: str, key: str) -> bool:
    return Lockout.objects.filter(kind=kind, key=key, until__gt=timezone.now()).exists()


def account_locked(username: str) -> bool:
    """Whether the account is locked: then not even the right password and code open it."""
    return _locked(Lockout.Kind.ACCOUNT, username.lower())


def address_locked(address: str) -> bool:
    """Whether the client address is locked (credential stuffing): only a user who also proves a
    second factor gets in from it."""
    return bool(address) and _locked(Lockout.Kind.ADDRESS, address)


def _since(kind: str, key: str) -> Any:
    """Start of the counting window: its length back from now, or the end of the last lock of
    this key if later (failures before a lock ended are not counted twice)."""
    since = timezone.now() - _window()
    last_lock = (
        Lockout.objects.filter(kind=kind, key=key)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )
    return max(since, last_lock) if last_lock is not None else since


def _lock(kind: str, key: str, user: User | None) -> None:
    from anjian.core import audit

    until = timezone.now() + timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    Lockout.objects.create(kind=kind, key=key, until=until)
    audit.record("lockout", actor=None, obj=user, detail=f"{kind}:{key}")


def register_failure(
    username: str, address: str, user: User | None, *, step: str = "password"
) -> bool:
    """Count a failed sign-in step (a wrong password, or a wrong one-time code: ``step="totp"``).

    The account is locked at ``LOGIN_FAILURE_LIMIT`` failures since its last complete sign-in
    within the window; the address only when failures from it within the window name
    ``LOGIN_ADDRESS_ACCOUNT_LIMIT`` distinct accounts (credential stuffing), so that one
    person's typos do not lock out an office behind one NAT. True when the account is locked.
    """
    from anjian.core import audit

    username = username.lower()
    LoginAttempt.objects.create(username=username, client_address=address, succeeded=False)
    detail = username if step == "password" else f"{username} ({step})"
    audit.record("login_failed", actor=None, obj=user, detail=detail)
    failures = LoginAttempt.objects.filter(succeeded=False)
    last_success = (
        LoginAttempt.objects.filter(username=username, succeeded=True)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    since = _since(Lockout.Kind.ACCOUNT, username)
    if last_success is not None:
        since = max(since, last_success)
    account_locked = (
        failures.filter(username=username, at__gt=since).count() >= settings.LOGIN_FAILURE_LIMIT
    )
    if account_locked:
        _lock(Lockout.Kind.ACCOUNT, username, user)
    if address and not address_locked(address):
        accounts = (
            failures.filter(client_address=address, at__gt=_since(Lockout.Kind.ADDRESS, address))
            .values("username")
            .distinct()
            .count()
        )
        if accounts >= settings.LOGIN_ADDRESS_ACCOUNT_LIMIT:
            _lock(Lockout.Kind.ADDRESS, address, user)
    return account_locked


def register_success(user: User, address: str) -> None:
    """A complete sign-in (the password, and the one-time code where one is configured):
    recorded so that the account's failure count starts again."""
    LoginAttempt.objects.create(
        username=user.username.lower(), client_address=address, succeeded=True
    )


def password_expired(user: User) -> bool:
    """Whether the password is older than ``PASSWORD_MAX_AGE_DAYS`` (0: passwords never expire)."""
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return bool(timezone.now() - changed > timedelta(days=days))


# --- TOTP ---------------------------------------------------------------------------------------


def totp_required(user: Any) -> bool:
    """Administrators and auditors must use a second factor; others may."""
    return bool(grants_for(user).roles & TOTP_REQUIRED_ROLES)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return str(
        pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=settings.TOTP_ISSUER)
    )


def totp_qr_svg(uri: str) -> str:
    """The provisioning URI as an inline SVG QR code (no external service, no image file)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4))


def totp_matches(secret: str, code: str, last_counter: int = 0) -> int:
    """The time step the code belongs to (±1 step), or 0; a step used before is refused."""
    code = (code or "").strip().replace(" ", "")
    if not secret or not code.isdigit():
        return 0
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=drift * totp.interval)
        counter = int(totp.timecode(moment))
        if counter > last_counter and secrets.compare_digest(totp.at(moment), code):
            return counter
    return 0


# --- personal API tokens ------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def user_for_token(token: str) -> User | None:
    """The active user of a usable token, with the grants of the user's active role
    assignments, in one indexed query; ``None`` otherwise.

    The query's SQL text is compiled once per process (:mod:`anjian.core.sqltemplates`);
    expiry, revocation, the user's ``is_active`` and the assignments' periods are checked by
    it on every request. The last-use time is written at most once a minute per token, so a
    busy client does not turn every read into a write.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    values = {"token_hash": hash_token(token), "now": now, "today": timezone.localdate(now)}
    sql, params, converters = sqltemplates.sql_for("api-token", _token_query, values)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sqltemplates.convert(cursor.fetchall(), converters)
    if not rows:
        return None
    token_pk, last_used_at = rows[0][:2]
    width = len(_USER_FIELDS)
    user = User.from_db(connection.alias, _USER_FIELDS, rows[0][2 : 2 + width])
    grants_for(user, [row[2 + width :] for row in rows if row[2 + width] is not None])
    if last_used_at is None or now - last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token_pk).update(last_used_at=now)
    return user


_USER_FIELDS = [field.attname for field in User._meta.concrete_fields]


def _token_query(values: Mapping[str, Any]) -> tuple[str, list[Any], sqltemplates.Converters]:
    """One query for a request's identity: the usable token, its active user and the user's
    active role assignments (LEFT JOIN: one row per assignment, one row with NULLs if none),
    each with its town's id, as :func:`~anjian.accounts.access.grants_for` takes them."""
    from anjian.orgs.models import Town

    prefix = "user__role_assignments__"
    town_id = Town.objects.filter(code=OuterRef("assignment__jurisdiction_code")).values("id")
    active = active_assignments_q(values["today"], prefix=prefix)
    queryset = (
        ApiToken.objects.filter(
            token_hash=values["token_hash"],
            revoked_at__isnull=True,
            expires_at__gt=values["now"],
            user__is_active=True,
        )
        .annotate(
            assignment=FilteredRelation("user__role_assignments", condition=active),
            assignment_town_id=Subquery(town_id[:1]),
        )
        .order_by()
        .values_list(
            "pk",
            "last_used_at",
            *(f"user__{name}" for name in _USER_FIELDS),
            "assignment__role",
            "assignment__jurisdiction_kind",
            "assignment__jurisdiction_code",
            "assignment_town_id",
        )
    )
    return sqltemplates.compile_queryset(queryset)
