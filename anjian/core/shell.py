"""What core adds to the UI shell: its menu entries and the "my unread messages" panel.

Every app has such a module, imported by its ``AppConfig.ready``; together they are the menu
and the home page (the registries are :mod:`anjian.core.navigation` and
:mod:`anjian.core.dashboard`).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core import dashboard, navigation
from anjian.core.models import Notification
from anjian.core.navigation import NavItem
from anjian.core.roles import Role


def messages_panel(user: Any) -> dict[str, Any]:
    """My unread messages: how many, and the latest five."""
    unread = Notification.objects.visible_to(user).unread()
    latest = unread.values("title", "created_at", "link")[:5]
    return {
        "unread": unread.count(),
        "url": reverse("core:inbox"),
        "latest": [{"title": n["title"], "at": n["created_at"], "link": n["link"]} for n in latest],
    }


def register() -> None:
    navigation.register(
        NavItem(_("工作台"), "core:home", "home", order=0),
        NavItem(_("审计日志"), "core:audit_list", "shield", frozenset({Role.AUDITOR}), order=800),
        NavItem(
            _("工作日历"),
            "core:calendar",
            "calendar",
            frozenset({Role.CITY, Role.ADMIN}),
            order=850,
        ),
        NavItem(_("消息"), "core:inbox", "bell", order=910),
        NavItem(_("后台任务"), "core:job_list", "clock", order=920),
    )
    dashboard.register(
        dashboard.Panel(
            "messages", _("我的未读消息"), messages_panel, "core/panels/messages.html", order=900
        )
    )
