"""Pages: installations (list, detail with the GB 18218 calculation, current values and trend)
and the alarm board that updates itself (htmx polling)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from anjian.core.htmx import template_for
from anjian.core.navigation import page_of
from anjian.core.scoping import get_visible_or_404
from anjian.core.workflow import allowed_actions, allowed_actions_for_rows, history
from anjian.monitoring import queries
from anjian.monitoring.choices import RejectReason
from anjian.monitoring.models import Alarm, Installation, Rejection


@login_required
@require_GET
@page_of("monitoring:installations")
def installation_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Installation.objects.visible_to(request.user)
        .select_related("enterprise")
        .order_by("level", "enterprise__name", "code")
    )
    since = timezone.localdate() - timedelta(days=7)
    rejected = (
        Rejection.objects.visible_to(request.user)
        .filter(day__gte=since)
        .order_by("reason")
        .values("reason")
        .annotate(n=Sum("count"))
    )
    labels = dict(RejectReason.choices)
    return render(
        request,
        "monitoring/installation_list.html",
        {
            "installations": rows[:500],
            "rejected": [(labels[r["reason"]], r["n"]) for r in rejected],
        },
    )


@login_required
@require_GET
def installation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    installation = get_visible_or_404(
        Installation.objects.select_related("enterprise"), request.user, pk=pk
    )
    sensors = list(installation.sensors.all())
    latest = queries.latest_values(s.pk for s in sensors)
    alarms = list(installation.alarms.select_related("sensor").order_by("-raised_at", "-pk")[:50])
    actions = allowed_actions_for_rows(alarms, request.user)
    workflow = Alarm.workflow
    return render(
        request,
        "monitoring/installation_detail.html",
        {
            "installation": installation,
            "calc": installation.calculation,
            "inventories": installation.inventories.all(),
            "sensors": [(s, latest.get(s.pk)) for s in sensors],
            "alarms": [
                (a, [workflow.actions[name] for name in actions.get(a.pk, [])]) for a in alarms
            ],
            "figures": queries.alarm_figures(installation.alarms.all()),
        },
    )


def _board_rows(request: HttpRequest) -> list[tuple[Any, list[Any]]]:
    alarms = list(
        Alarm.objects.visible_to(request.user)
        .open()
        .select_related("sensor", "installation", "enterprise")
        .order_by("-raised_at", "-pk")[:200]
    )
    actions = allowed_actions_for_rows(alarms, request.user)
    return [(a, [Alarm.workflow.actions[n] for n in actions.get(a.pk, [])]) for a in alarms]


@login_required
@require_GET
@page_of("monitoring:alarm_board")
def alarm_board(request: HttpRequest) -> HttpResponse:
    """Open alarms, newest first; the table reloads itself every few seconds."""
    template = template_for(request, "monitoring/alarm_board.html", "monitoring/_alarm_rows.html")
    return render(request, template, {"rows": _board_rows(request)})


@login_required
@require_GET
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = get_visible_or_404(
        Alarm.objects.select_related("sensor", "installation", "enterprise"), request.user, pk=pk
    )
    names = allowed_actions(alarm, request.user)
    return render(
        request,
        "monitoring/alarm_detail.html",
        {
            "alarm": alarm,
            "actions": [Alarm.workflow.actions[n] for n in names],
            "transitions": history(alarm),
        },
    )
