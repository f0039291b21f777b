"""Users and their roles, each role bound to a jurisdiction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accounts.choices import ROLE_JURISDICTION, JurisdictionKind, Role
from anjian.core.scoping import NOTHING, ScopedQuerySet

if TYPE_CHECKING:
    from anjian.accounts.access import Grants


def _managed_by(grants: Grants) -> bool:
    """The city office and system administrators manage accounts."""
    return grants.has(Role.CITY, Role.ADMIN)


def _separated_users() -> models.QuerySet[Any]:
    """Ids of the accounts holding a separated role (administrator, auditor)."""
    from anjian.accounts.roles import SEPARATED_ROLES

    return RoleAssignment.objects.filter(role__in=SEPARATED_ROLES).values("user_id")


def _managed_q(grants: Grants, *, write: bool, user_field: str) -> Q:
    """The administrator manages every account; the city office every account but those of
    the separated roles, which it only reads (三权分立: resetting the auditor's password would
    be taking over the auditor's account)."""
    if grants.has(Role.ADMIN) or not write:
        return Q()
    return ~Q(**{f"{user_field}__in": _separated_users()})


def _town_assignments_q(grants: Grants) -> Q:
    """Role assignments bound to one of the user's towns or to a grid of those towns."""
    from anjian.orgs.models import Grid

    if not grants.towns:
        return NOTHING
    grid_codes = Grid.objects.filter(town__code__in=grants.towns).values("code")
    return Q(jurisdiction_kind=JurisdictionKind.TOWN, jurisdiction_code__in=grants.towns) | Q(
        jurisdiction_kind=JurisdictionKind.GRID, jurisdiction_code__in=grid_codes
    )


class UserQuerySet(ScopedQuerySet["User"]):
    pass


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)
    totp_secret = models.CharField(_("动态口令密钥"), max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(_("动态口令启用时间"), null=True, blank=True)
    totp_last_counter = models.BigIntegerField(default=0)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = ScopedUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def totp_enabled(self) -> bool:
        return bool(self.totp_secret and self.totp_confirmed_at)

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """City office and administrators: every user; a town: users holding a role in its
        territory (the town or its grids); everyone: themselves (read only)."""
        if _managed_by(grants):
            return _managed_q(grants, write=write, user_field="pk")
        if write:
            return NOTHING
        condition = Q(pk=grants.user_id)
        if grants.towns:
            in_town = RoleAssignment.objects.filter(_town_assignments_q(grants))
            condition |= Q(pk__in=in_town.values("user_id"))
        return condition


class RoleAssignmentQuerySet(ScopedQuerySet["RoleAssignment"]):
    pass


class RoleAssignment(models.Model):
    """One role of a user, bound to one jurisdiction (``kind:code``), optionally for a period."""

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    jurisdiction_kind = models.CharField(
        _("管辖类型"), max_length=20, choices=JurisdictionKind.choices
    )
    jurisdiction_code = models.CharField(_("管辖代码"), max_length=40)
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()
    audit_safety_net = False  # services record grants and withdrawals as "role_change"

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "jurisdiction_kind", "jurisdiction_code"],
                name="unique_role_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.get_role_display()} {self.jurisdiction}"

    @property
    def jurisdiction(self) -> str:
        return f"{self.jurisdiction_kind}:{self.jurisdiction_code}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """As for users: the city office and administrators all; a town its territory's; others
        their own (read only)."""
        if _managed_by(grants):
            return _managed_q(grants, write=write, user_field="user_id")
        if write:
            return NOTHING
        return Q(user_id=grants.user_id) | _town_assignments_q(grants)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        expected = ROLE_JURISDICTION[self.role]
        if self.jurisdiction_kind != expected:
            raise ValidationError(
                _("角色%(role)s须绑定%(kind)s管辖")
                % {"role": Role(self.role).label, "kind": JurisdictionKind(expected).label}
            )


class LoginAttempt(models.Model):
    """One password check, kept in the database so that every web node counts the same failures."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    username = models.CharField(_("用户名"), max_length=150)
    client_address = models.CharField(_("客户端地址"), max_length=64, blank=True)
    succeeded = models.BooleanField(_("成功"), default=False)

    audit_safety_net = False  # logins are audited as "login"/"login_failed"

    class Meta:
        verbose_name = _("登录尝试")
        verbose_name_plural = _("登录尝试")
        indexes = [
            models.Index(fields=["username", "at"]),
            models.Index(fields=["client_address", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.client_address} {self.at:%Y-%m-%d %H:%M}"


class Lockout(models.Model):
    """An account or a client address refused until ``until`` (等保: lock after failures)."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("账号")
        ADDRESS = "address", _("地址")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("账号或地址"), max_length=150)
    until = models.DateTimeField(_("锁定至"))
    created_at = models.DateTimeField(_("锁定时间"), default=timezone.now)

    audit_safety_net = False  # audited as "lockout" by the security service

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")
        indexes = [models.Index(fields=["kind", "key", "until"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} until {self.until:%H:%M}"


class ApiTokenQuerySet(ScopedQuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A personal API token: only its SHA-256 is stored; it expires and can be revoked."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100, blank=True)
    prefix = models.CharField(_("前缀"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    audit_safety_net = False  # created and revoked by audited services; last use is not audited

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """A token belongs to its user alone."""
        return Q(user_id=grants.user_id)
