from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anjian.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from anjian.accounts import shell
        from anjian.accounts.access import grants_for
        from anjian.accounts.services import end_grid_assignments
        from anjian.core.scoping import register_grants_provider
        from anjian.orgs.signals import grid_retiring

        register_grants_provider(grants_for)
        shell.register()
        grid_retiring.connect(end_grid_assignments, dispatch_uid="anjian.accounts.grid_retiring")

        user_logged_out.connect(_on_logout, dispatch_uid="anjian.accounts.logout")


def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from anjian.accounts.services import signed_out

    if user is not None:
        signed_out(user, reason=getattr(request, "_anjian_logout_reason", ""))
