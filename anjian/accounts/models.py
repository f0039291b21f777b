"""Users and their roles, each role bound to a jurisdiction."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from anjian.accounts.choices import ROLE_JURISDICTION, JurisdictionKind, Role


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


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

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        expected = ROLE_JURISDICTION[self.role]
        if self.jurisdiction_kind != expected:
            raise ValidationError(
                _("角色%(role)s须绑定%(kind)s管辖")
                % {"role": Role(self.role).label, "kind": JurisdictionKind(expected).label}
            )
