"""What the accidents module adds to the UI shell: menu entries and home-page panels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anjian.core import dashboard, navigation
from anjian.core.navigation import OFFICIALS, NavItem
from anjian.core.roles import Role

READERS = OFFICIALS | {Role.ENTERPRISE}


def register() -> None:
    from anjian.accidents import panels

    navigation.register(
        NavItem(_("生产安全事故"), "accidents:list", "alert", READERS, order=400),
        NavItem(_("事故统计"), "accidents:statistics", "chart", OFFICIALS, order=410),
        NavItem(_("事故控制指标"), "accidents:quotas", "target", OFFICIALS, order=420),
    )
    dashboard.register(
        dashboard.Panel(
            "accident_quotas",
            _("事故与控制指标"),
            panels.quota_panel,
            "accidents/panels/quotas.html",
            order=400,
            roles=OFFICIALS,
        )
    )
    dashboard.register(
        dashboard.Panel(
            "accident_investigations",
            _("事故调查期限"),
            panels.investigations_panel,
            "accidents/panels/investigations.html",
            order=410,
            roles=OFFICIALS,
        )
    )
