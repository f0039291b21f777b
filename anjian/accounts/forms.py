"""Forms of the accounts pages (parsing only; changes go through ``services``)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.accounts.choices import Role


class LoginForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)


class TotpForm(forms.Form):
    code = forms.CharField(label=_("动态口令"), max_length=10)


class _GrantForm(forms.Form):
    """A form with a role field offering only the roles the viewer may grant
    (:func:`anjian.accounts.roles.grantable_roles`); the service checks again."""

    def __init__(self, *args: Any, grantable: Collection[str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if grantable is not None:
            field: Any = self.fields["role"]
            field.choices = [(v, label) for v, label in Role.choices if v in grantable]


class UserCreateForm(_GrantForm):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    jurisdiction_code = forms.CharField(label=_("管辖代码"), max_length=40)


class RoleForm(_GrantForm):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    jurisdiction_code = forms.CharField(label=_("管辖代码"), max_length=40)
    valid_from = forms.DateField(label=_("生效日期"), required=False)
    valid_until = forms.DateField(label=_("截止日期"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件"))


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=365, initial=90)
