"""Views of the UI shell: dashboard, health check, inbox and job records."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from anjian.core import dashboard, services
from anjian.core.htmx import template_for
from anjian.core.models import Job, Notification
from anjian.core.scoping import get_visible_or_404


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page: the panels every module registered for the user's roles."""
    panels = [
        {"key": panel.key, "title": panel.title, "template": panel.template, "data": data}
        for panel, data in dashboard.panels_for(request.user)
    ]
    return render(request, "core/home.html", {"panels": panels})


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first."""
    notifications = Notification.objects.visible_to(request.user)
    page = Paginator(notifications, 20).get_page(request.GET.get("page"))
    template = template_for(request, "core/inbox.html", "core/_inbox_list.html")
    return render(request, template, {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read (htmx swaps the row, and the bell's count out of band)."""
    notification = get_visible_or_404(Notification.objects, request.user, pk=pk)
    services.mark_read(notification, actor=request.user)
    if request.headers.get("HX-Request"):
        return render(request, "core/_notification_read.html", {"n": notification})
    return redirect("core:inbox")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all the user's notifications read."""
    services.mark_all_read(actor=request.user)
    return redirect("core:inbox")


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """Background jobs the user started (all of them for a system administrator)."""
    page = Paginator(Job.objects.visible_to(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "core/job_list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's state, progress, log and error; htmx polls it while it runs."""
    job = get_visible_or_404(Job.objects, request.user, pk=pk)
    template = template_for(request, "core/job_detail.html", "core/_job_status.html")
    return render(request, template, {"job": job})
