from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anjian.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from anjian.accounts.access import grants_for
        from anjian.core.scoping import register_grants_provider

        register_grants_provider(grants_for)

        user_logged_out.connect(_on_logout, dispatch_uid="anjian.accounts.logout")


def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from anjian.accounts.services import signed_out

    if user is not None:
        signed_out(user, reason=getattr(request, "_anjian_logout_reason", ""))
