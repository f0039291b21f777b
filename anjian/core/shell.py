"""What core adds to the UI shell: its menu entries and the "my unread messages" panel.

Every app has such a module, imported by its ``AppConfig.ready``; together they are the menu
and the home page (the registries are :mod:`anjian.core.navigation` and
:mod:`anjian.core.dashboard`).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core import dashboard, deadlines, navigation, workflow
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


def awaiting_panel(user: Any) -> dict[str, Any] | None:
    """Items awaiting my action across every declared workflow, and my open deadlines: shown
    once a module declares a workflow (until then there is nothing to wait for)."""
    if not workflow.registered_workflows():
        return None
    items = workflow.awaiting(user, limit=5)
    return {
        "count": workflow.awaiting_count(user),
        "items": [
            {
                "title": str(item.workflow.title or item.workflow.model._meta.verbose_name),
                "id": item.object_id,
                "state": item.state_label,
            }
            for item in items
        ],
        **deadlines.counts(user),
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
            "awaiting",
            _("待我处理"),
            awaiting_panel,
            "core/panels/awaiting.html",
            order=dashboard.AWAITING_ORDER,
        )
    )
    dashboard.register(
        dashboard.Panel(
            "messages", _("我的未读消息"), messages_panel, "core/panels/messages.html", order=900
        )
    )
