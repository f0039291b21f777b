"""What the dangers module adds to the shell: menu entries, the home page's panels, the fact
"open major dangers" for the other modules, and the built-in checklists after migrating."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Count
from django.db.models.signals import post_migrate
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core import dashboard, navigation
from anjian.core.navigation import OFFICIALS, NavItem
from anjian.core.roles import Role
from anjian.enterprises import facts

# Who works with hidden dangers: the officials, the enterprises and the experts.
USERS = OFFICIALS | {Role.ENTERPRISE, Role.EXPERT}
ENTERPRISES = frozenset({Role.ENTERPRISE})


def open_major_dangers(enterprise_ids: Collection[int] | None) -> dict[int, str]:
    """``OPEN_MAJOR_DANGER``: the number of the enterprise's major dangers not closed out."""
    from anjian.dangers.models import HiddenDanger

    rows = HiddenDanger.objects.open().filter(is_major=True)
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    grouped = rows.order_by().values_list("enterprise_id").annotate(n=Count("pk"))
    return {enterprise_id: str(n) for enterprise_id, n in grouped}


def dangers_panel(user: Any) -> dict[str, Any] | None:
    """Open, overdue, major and listed dangers, and the rectification rates (this year)."""
    from anjian.dangers import queries

    figures = queries.overview(user)
    url = reverse("dangers:list")
    items = [
        {"label": gettext("未销号隐患"), "value": figures["open"], "url": f"{url}?status=open"},
        {"label": gettext("逾期未整改"), "value": figures["overdue"],
         "url": f"{url}?status=overdue"},
        {"label": gettext("重大隐患（未销号）"), "value": figures["major_open"],
         "url": f"{url}?status=open&major=1"},
        {"label": gettext("挂牌督办中"), "value": figures["listed"], "url": f"{url}?listed=1"},
    ]  # fmt: skip
    return {
        **figures,
        "items": items,
        "url": url,
        "figures_url": reverse("dangers:figures"),
    }


def _install_checklists(sender: Any, **kwargs: Any) -> None:
    if getattr(sender, "label", "") != "dangers":
        return
    from anjian.dangers.checklists import install

    install()


def register() -> None:
    from anjian.dangers import documents

    documents.register()
    facts.register(
        facts.FactProvider(facts.OPEN_MAJOR_DANGER, _("未销号的重大事故隐患"), open_major_dangers)
    )
    navigation.register(
        NavItem(_("隐患排查治理"), "dangers:list", "warning", USERS, order=200),
        NavItem(_("排查任务"), "dangers:tasks", "check", USERS, order=210),
        NavItem(_("隐患治理统计"), "dangers:figures", "chart", OFFICIALS, order=220),
        NavItem(_("排查清单"), "dangers:checklists", "list", USERS, order=230),
    )
    dashboard.register(
        dashboard.Panel(
            "dangers",
            _("隐患排查治理"),
            dangers_panel,
            "dangers/panels/dashboard.html",
            order=200,
            roles=USERS,
        )
    )
    post_migrate.connect(_install_checklists, dispatch_uid="anjian.dangers.checklists")


__all__ = ["dangers_panel", "open_major_dangers", "register"]
