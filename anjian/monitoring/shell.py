"""What the monitoring module adds to the shell: the enterprise fact it holds, menu entries,
home-page panels, the dossier section and the enterprise detail page's panel.

Every figure is counted through ``visible_to(user)`` and links to the page it counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.core import dashboard, navigation
from anjian.core.navigation import OFFICIALS, NavItem
from anjian.core.roles import Role
from anjian.enterprises import dossier, facts, panels

READERS = OFFICIALS | {Role.ENTERPRISE, Role.EXPERT}


def installations_panel(user: Any) -> dict[str, Any] | None:
    from anjian.monitoring.models import Installation, Sensor

    rows = Installation.objects.visible_to(user)
    by_level = dict(
        rows.filter(level__isnull=False).order_by().values_list("level").annotate(n=Count("pk"))
    )
    sensors = dict(
        Sensor.objects.visible_to(user).order_by().values_list("online").annotate(n=Count("pk"))
    )
    url = reverse("monitoring:installations")
    items = [
        {"label": gettext("%(level)s级") % {"level": level}, "value": by_level[level], "url": url}
        for level in sorted(by_level)
    ]
    return {
        "total": rows.count(),
        "url": url,
        "online": sensors.get(True, 0),
        "offline": sensors.get(False, 0),
        "charts": [{"key": "level", "kind": "bar", "title": gettext("按等级"), "items": items}],
    }


def alarms_panel(user: Any) -> dict[str, Any] | None:
    from anjian.monitoring.choices import AlarmState
    from anjian.monitoring.models import Alarm
    from anjian.monitoring.services import acknowledge_minutes

    alarms = Alarm.objects.visible_to(user).open()
    limit = timezone.now() - timedelta(minutes=acknowledge_minutes())
    return {
        "open": alarms.count(),
        "overdue": alarms.filter(state=AlarmState.RAISED, raised_at__lt=limit).count(),
        "url": reverse("monitoring:alarm_board"),
    }


def _plain(value: Any) -> str:
    return format(value.normalize(), "f")


def _dossier_rows(enterprise: Any) -> list[tuple[str, str]]:
    from anjian.monitoring.models import Installation

    rows = []
    for item in Installation.objects.filter(enterprise=enterprise).order_by("code"):
        grade = gettext("%(level)s级") % {"level": item.level} if item.level else gettext("未构成")
        rows.append(
            (
                f"{item.code} {item.name}",
                f"{item.get_unit_kind_display()}；S={_plain(item.s)}；"
                f"R={_plain(item.r) if item.r is not None else '—'}；{grade}；"
                f"{gettext('备案编号')} {item.filing_number or '—'}；"
                f"{gettext('主要负责人')} {item.principal_person or '—'}，"
                f"{gettext('技术负责人')} {item.technical_person or '—'}，"
                f"{gettext('操作负责人')} {item.operation_person or '—'}",
            )
        )
    return rows


def _panel(enterprise: Any, user: Any) -> dict[str, Any]:
    from anjian.monitoring.models import Installation

    return {
        "installations": Installation.objects.visible_to(user).filter(enterprise=enterprise),
    }


def register() -> None:
    from anjian.monitoring.services import highest_grades

    facts.register(
        facts.FactProvider(facts.MAJOR_HAZARD_INSTALLATION, _("重大危险源"), highest_grades)
    )
    navigation.register(
        NavItem(_("重大危险源"), "monitoring:installations", "fire", READERS, order=300),
        NavItem(_("报警看板"), "monitoring:alarm_board", "bell", READERS, order=310),
    )
    dashboard.register(
        dashboard.Panel(
            "installations",
            _("重大危险源"),
            installations_panel,
            "monitoring/panels/dashboard_installations.html",
            order=300,
            roles=READERS,
        )
    )
    dashboard.register(
        dashboard.Panel(
            "alarms",
            _("监测报警"),
            alarms_panel,
            "monitoring/panels/dashboard_alarms.html",
            order=310,
            roles=READERS,
        ),
    )
    dossier.register_section(
        dossier.DossierSection("installations", "重大危险源", 40, _dossier_rows)
    )
    panels.register_panel(
        panels.Panel(
            "installations", _("重大危险源"), "monitoring/panels/enterprise.html", 40, _panel
        )
    )
