"""Every change to accounts: plain functions with a keyword-only actor, one transaction each,
audited in that transaction (``anjian.core.audit``)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accounts import roles, security
from anjian.accounts.access import grants_for
from anjian.accounts.choices import ROLE_JURISDICTION, JurisdictionKind, Role
from anjian.accounts.models import ApiToken, RoleAssignment, User
from anjian.core import audit
from anjian.core.updating import editing


class LoginRefused(Exception):
    """A password login refused: ``code`` is ``locked`` or ``invalid``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _locked_refusal() -> LoginRefused:
    return LoginRefused("locked", _("登录失败次数过多，账号或地址已锁定，请15分钟后再试。"))


# --- signing in ---------------------------------------------------------------------------------


def check_password_login(username: str, password: str, *, address: str) -> User:
    """The user whose password this is, under the lockout rules; else :class:`LoginRefused`.

    A locked account is refused before its password is checked. At a locked address only a
    user with a second factor gets past the password (the one-time code is still to come).
    Failures are committed even though the caller sees an exception: the count must survive.
    A user without a second factor has signed in completely here; the others once
    :func:`confirm_totp` accepts their code.
    """
    username = (username or "").strip()
    if security.account_locked(username):
        with transaction.atomic():
            audit.record("login_failed", actor=None, detail=f"{username.lower()} (locked)")
        raise _locked_refusal()
    user = authenticate(username=username, password=password)
    if user is None:
        with transaction.atomic():
            known = User.objects.filter(username__iexact=username).first()
            locked = security.register_failure(username, address, known)
        if locked or security.address_locked(address):
            raise _locked_refusal()
        raise LoginRefused("invalid", _("用户名或密码错误。"))
    if not user.totp_enabled:
        if security.address_locked(address):
            with transaction.atomic():
                audit.record(
                    "login_failed",
                    actor=None,
                    obj=user,
                    detail=f"{username.lower()} (address locked)",
                )
            raise _locked_refusal()
        with transaction.atomic():
            security.register_success(user, address)
    return user


@transaction.atomic
def signed_in(user: User, *, method: str, pending: list[str] | None = None) -> None:
    """Record a login step: ``password`` (with what is still owed), ``totp`` or ``token``."""
    detail = method if not pending else f"{method}; pending {','.join(pending)}"
    audit.record("login", actor=user, obj=user, detail=detail)


@transaction.atomic
def signed_out(user: Any, *, reason: str = "") -> None:
    """Record a logout (explicit, or the idle timeout)."""
    audit.record("logout", actor=user, obj=user if user is not None else None, detail=reason)


def confirm_totp(user: User, code: str, *, actor: Any, address: str = "") -> bool:
    """Check a TOTP code at sign-in; a code's time step is accepted once (no replay).

    A wrong (or replayed) code counts like a wrong password; :class:`LoginRefused` when the
    account is locked, before or by this code. An empty code is no guess and is not counted.
    """
    if security.account_locked(user.username):
        with transaction.atomic():
            audit.record("login_failed", actor=None, obj=user, detail="totp (locked)")
        raise _locked_refusal()
    if not (code or "").strip():
        return False
    with transaction.atomic():
        counter = security.totp_matches(user.totp_secret, code, user.totp_last_counter)
        claimed = bool(counter) and bool(
            User.objects.filter(pk=user.pk, totp_last_counter__lt=counter).update(
                totp_last_counter=counter
            )
        )
        if claimed:
            security.register_success(user, address)
            return True
        locked = security.register_failure(user.username, address, user, step="totp")
    if locked:
        raise _locked_refusal()
    return False


# --- passwords ----------------------------------------------------------------------------------


def _issued_password() -> str:
    """A random password that satisfies the policy (it is changed at first login)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(12))
        candidate = f"{body}#{secrets.randbelow(10)}"
        if any(c.islower() for c in body) and any(c.isupper() for c in body):
            return candidate


@transaction.atomic
def change_password(user: User, new_password: str, *, actor: Any) -> None:
    """The user sets a new password (validated against the policy); clears the forced change."""
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit.record("password_change", actor=actor, obj=user)


def _require_manager(actor: Any) -> None:
    if not grants_for(actor).has(Role.CITY, Role.ADMIN):
        raise PermissionDenied(_("仅市安委办和系统管理员可管理用户。"))


def _require_editable(user: User, actor: Any) -> None:
    if not User.objects.editable_by(actor).filter(pk=user.pk).exists():
        raise PermissionDenied(_("无权管理该用户。"))


@transaction.atomic
def reset_password(user: User, *, actor: Any) -> str:
    """An administrator issues a new password; the user must change it at next login."""
    _require_editable(user, actor)
    password = _issued_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit.record("password_reset", actor=actor, obj=user)
    return password


# --- TOTP enrolment -----------------------------------------------------------------------------


@transaction.atomic
def enable_totp(user: User, secret: str, code: str, *, actor: Any) -> bool:
    """Turn on the second factor once the user proves the authenticator app shows the code."""
    counter = security.totp_matches(secret, code)
    if not counter:
        return False
    before = {"totp_enabled": user.totp_enabled}
    user.totp_secret = secret
    user.totp_confirmed_at = timezone.now()
    user.totp_last_counter = counter
    user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter"])
    audit.record("totp_enable", actor=actor, obj=user, before=before, after={"totp_enabled": True})
    return True


@transaction.atomic
def disable_totp(user: User, *, actor: Any) -> None:
    """Turn off the second factor (refused for roles that require it, unless an admin resets)."""
    if actor is not None and actor.pk == user.pk and security.totp_required(user):
        raise PermissionDenied(_("您的角色必须使用动态口令。"))
    if actor is not None and actor.pk != user.pk:
        _require_editable(user, actor)
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    audit.record("totp_disable", actor=actor, obj=user)


# --- API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def create_token(
    user: User, *, actor: Any, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """A personal API token; the plain token is returned once and only its hash is stored."""
    plain = security.new_token()
    lifetime = timedelta(days=days or settings.API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=plain[:12],
        token_hash=security.hash_token(plain),
        expires_at=timezone.now() + lifetime,
    )
    audit.record("token_create", actor=actor, obj=token, after={"expires_at": token.expires_at})
    return token, plain


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Any) -> None:
    """Revoke a token at once (its next request answers 401); revoked once, audited once."""
    with editing(
        token, actor=actor, action="token_revoke", snapshot=lambda t: {"revoked_at": t.revoked_at}
    ) as edit:
        if token.revoked_at is None:
            edit.set({"revoked_at": timezone.now()})


# --- user administration ------------------------------------------------------------------------


def validate_jurisdiction(role: str, code: str) -> str:
    """The jurisdiction kind of ``role`` once ``code`` is known to exist; else ValidationError."""
    from anjian.orgs.models import CITY_CODE, Department, Grid, Town

    if role not in Role.values:
        raise ValidationError(_("未知角色：%(role)s") % {"role": role})
    kind = ROLE_JURISDICTION[role]
    code = (code or "").strip()
    exists: bool
    if kind == JurisdictionKind.CITY:
        exists = code == CITY_CODE
    elif kind == JurisdictionKind.TOWN:
        exists = Town.objects.filter(code=code).exists()
    elif kind == JurisdictionKind.DEPARTMENT:
        exists = Department.objects.filter(code=code).exists()
    elif kind == JurisdictionKind.GRID:
        exists = Grid.objects.filter(code=code).exists()
    elif apps.is_installed("anjian.enterprises"):
        enterprise = apps.get_model("enterprises", "Enterprise")
        exists = enterprise._default_manager.filter(credit_code=code).exists()
    else:
        exists = len(code) == 18
    if not exists:
        raise ValidationError(
            _("%(kind)s代码不存在：%(code)s")
            % {"kind": JurisdictionKind(kind).label, "code": code or "-"}
        )
    return str(kind)


def _check_grantable(user: User | None, role: str, actor: Any, held: set[str]) -> None:
    """:func:`anjian.accounts.roles.grant_refusal` as an exception: the one rule of who may
    grant which role to whom (三权分立), whatever page, import or API asks."""
    refusal = roles.grant_refusal(
        grants_for(actor), user.pk if user is not None else None, held, role
    )
    if refusal:
        raise PermissionDenied(refusal)


def _held_roles(user: User) -> set[str]:
    """Every role the account holds, in force or not (a future period still counts)."""
    return set(user.role_assignments.values_list("role", flat=True))


@dataclass(frozen=True)
class RoleSpec:
    role: str
    code: str
    valid_from: date | None = None
    valid_until: date | None = None


def _add_role(user: User, spec: RoleSpec, actor: Any, *, new: bool = False) -> RoleAssignment:
    """``new``: the account is being created by ``actor`` (so it is not the actor's own)."""
    # Lock the account's row: two grants at once must not both pass the separation check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    _check_grantable(None if new else user, spec.role, actor, _held_roles(user))
    kind = validate_jurisdiction(spec.role, spec.code)
    if spec.valid_from and spec.valid_until and spec.valid_until < spec.valid_from:
        raise ValidationError(_("截止日期早于生效日期。"))
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        role=spec.role,
        jurisdiction_kind=kind,
        jurisdiction_code=spec.code.strip(),
        defaults={"valid_from": spec.valid_from, "valid_until": spec.valid_until},
    )
    return assignment


@transaction.atomic
def create_user(
    *,
    actor: Any,
    username: str,
    display_name: str = "",
    phone: str = "",
    roles: list[RoleSpec] | None = None,
) -> tuple[User, str]:
    """Create an account with an issued password (changed at first login) and its roles."""
    _require_manager(actor)
    username = username.strip()
    if not username:
        raise ValidationError(_("用户名不能为空。"))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("用户名已存在：%(u)s") % {"u": username})
    password = _issued_password()
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name.strip(),
        phone=phone.strip(),
        must_change_password=True,
    )
    specs = roles or []
    for spec in specs:
        _add_role(user, spec, actor, new=True)
    after = audit.snapshot(user)
    after["roles"] = [f"{s.role}@{s.code}" for s in specs]
    audit.record("create", actor=actor, obj=user, after=after)
    return user, password


@transaction.atomic
def assign_role(user: User, spec: RoleSpec, *, actor: Any) -> RoleAssignment:
    """Grant a role bound to a jurisdiction (the kind must match the role; the code must exist)."""
    _require_editable(user, actor)
    assignment = _add_role(user, spec, actor)
    audit.record(
        "role_change",
        actor=actor,
        obj=user,
        after={"granted": assignment.role, "jurisdiction": assignment.jurisdiction},
    )
    return assignment


@transaction.atomic
def remove_role(assignment: RoleAssignment, *, actor: Any) -> None:
    """Withdraw one role of a user."""
    _require_editable(assignment.user, actor)
    _check_grantable(assignment.user, assignment.role, actor, set())
    before = {"revoked": assignment.role, "jurisdiction": assignment.jurisdiction}
    user = assignment.user
    assignment.delete()
    audit.record("role_change", actor=actor, obj=user, before=before)


@transaction.atomic
def set_active(user: User, active: bool, *, actor: Any) -> None:
    """Disable or re-enable an account; a disabled account's tokens stop working at once."""
    _require_editable(user, actor)
    if actor is not None and actor.pk == user.pk and not active:
        raise PermissionDenied(_("不能停用自己的账号。"))
    with editing(user, actor=actor, snapshot=lambda u: {"is_active": u.is_active}) as edit:
        edit.set({"is_active": active})


# --- grid inspectors ------------------------------------------------------------------------------
# A grid inspector's jurisdiction is the grid they are assigned to: assigning one to a grid
# grants the grid role there, taking them off withdraws it, and retiring the grid withdraws it
# from all of its inspectors (``grid_retiring``). The town assigns the inspectors of its own
# territory (users already holding the grid role there), the city office any grid inspector.


def _locked_grid_for_staffing(grid: Any, actor: Any) -> Any:
    from anjian.orgs.models import Grid

    locked = Grid.objects.editable_by(actor).select_for_update().filter(pk=grid.pk).first()
    if locked is None:
        raise PermissionDenied(_("无权修改该网格。"))
    if locked.retired_at is not None:
        raise ValidationError(_("该网格已撤销，不能配置网格员。"))
    return locked


def grid_inspector_candidates(actor: Any) -> Any:
    """Users holding the grid role whom ``actor`` sees: those a town or the city may assign."""
    holders = RoleAssignment.objects.visible_to(actor).filter(role=Role.GRID).values("user_id")
    return User.objects.filter(pk__in=holders, is_active=True).order_by("username")


def grid_inspectors(grid: Any) -> Any:
    """The users assigned to ``grid`` as its inspectors."""
    assigned = RoleAssignment.objects.filter(
        role=Role.GRID, jurisdiction_kind=JurisdictionKind.GRID, jurisdiction_code=grid.code
    ).values("user_id")
    return User.objects.filter(pk__in=assigned).order_by("username")


@transaction.atomic
def assign_grid_inspector(user: User, grid: Any, *, actor: Any) -> RoleAssignment:
    """Make ``user`` (a grid inspector the actor may assign) an inspector of ``grid``."""
    grid = _locked_grid_for_staffing(grid, actor)
    if not grid_inspector_candidates(actor).filter(pk=user.pk).exists():
        raise ValidationError(_("只能指派本辖区内的网格员。"))
    User.objects.select_for_update().filter(pk=user.pk).first()  # serialise per user
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=Role.GRID,
        jurisdiction_kind=JurisdictionKind.GRID,
        jurisdiction_code=grid.code,
    )
    if created:
        audit.record(
            "role_change",
            actor=actor,
            obj=user,
            after={"granted": Role.GRID, "jurisdiction": assignment.jurisdiction},
        )
    return assignment


@transaction.atomic
def remove_grid_inspector(user: User, grid: Any, *, actor: Any) -> None:
    """Take ``user`` off ``grid``: the grid is no longer their jurisdiction."""
    grid = _locked_grid_for_staffing(grid, actor)
    assignments = RoleAssignment.objects.select_for_update().filter(
        user=user,
        role=Role.GRID,
        jurisdiction_kind=JurisdictionKind.GRID,
        jurisdiction_code=grid.code,
    )
    if not assignments.exists():
        raise ValidationError(_("该用户不是本网格的网格员。"))
    before = {"revoked": Role.GRID, "jurisdiction": f"grid:{grid.code}"}
    assignments.delete()
    audit.record("role_change", actor=actor, obj=user, before=before)


def end_grid_assignments(sender: Any, *, grid: Any, actor: Any, **kwargs: Any) -> None:
    """``grid_retiring`` receiver: the retired grid is nobody's jurisdiction any more."""
    assignments = RoleAssignment.objects.select_for_update().filter(
        jurisdiction_kind=JurisdictionKind.GRID, jurisdiction_code=grid.code
    )
    for assignment in assignments.select_related("user"):
        before = {"revoked": assignment.role, "jurisdiction": assignment.jurisdiction}
        assignment.delete()
        audit.record(
            "role_change", actor=actor, obj=assignment.user, before=before, detail="grid retired"
        )
