"""The auditor's view of the audit log: filters and an Excel export (itself audited)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from anjian.core import audit
from anjian.core.models import AuditLog
from anjian.core.scoping import get_visible_or_404
from anjian.core.sheets import write_table

EXPORT_LIMIT = 100_000


def _day(value: str, *, end: bool) -> datetime | None:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def filtered(request: HttpRequest) -> tuple[QuerySet[AuditLog], dict[str, str]]:
    """The records the user may read, narrowed by the query string's filters."""
    params = {
        k: request.GET.get(k, "").strip()
        for k in ("action", "actor", "object", "start", "end", "q")
    }
    records = AuditLog.objects.visible_to(request.user)
    if params["action"]:
        records = records.filter(action=params["action"])
    if params["actor"]:
        records = records.filter(actor_name__icontains=params["actor"])
    if params["object"]:
        records = records.filter(object_type=params["object"])
    start = _day(params["start"], end=False)
    if start:
        records = records.filter(at__gte=start)
    end = _day(params["end"], end=True)
    if end:
        records = records.filter(at__lte=end)
    if params["q"]:
        query = params["q"]
        records = records.filter(
            Q(object_repr__contains=query) | Q(detail__contains=query) | Q(client_address=query)
        )
    return records.order_by("-seq"), params


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first (the auditor's; nobody else's records are visible)."""
    records, params = filtered(request)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query_string = "&".join(f"{k}={v}" for k, v in params.items() if v)
    context: dict[str, Any] = {"page": page, "params": params, "query_string": query_string}
    return render(request, "core/audit_list.html", context)


@login_required
@require_GET
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record with its before and after values and its chain hashes."""
    entry = get_visible_or_404(AuditLog.objects, request.user, pk=pk)
    return render(request, "core/audit_detail.html", {"entry": entry})


@login_required
@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered records as an Excel workbook; the export is recorded in the log."""
    records, params = filtered(request)
    count = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal count
        for row in records[:EXPORT_LIMIT].iterator(chunk_size=2000):
            count += 1
            yield [
                row.seq,
                timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
                row.actor_name,
                row.action,
                row.object_type,
                row.object_id,
                row.object_repr,
                row.detail,
                row.client_address,
                str(row.before or ""),
                str(row.after or ""),
            ]

    headers = [
        _("序号"),
        _("时间"),
        _("操作人"),
        _("操作"),
        _("对象类型"),
        _("对象编号"),
        _("对象"),
        _("说明"),
        _("客户端地址"),
        _("变更前"),
        _("变更后"),
    ]
    # Every text a value: an object named "=HYPERLINK(…)" is not a formula here either.
    data = write_table(_("审计日志"), headers, rows())
    with transaction.atomic():
        audit.record(
            "export",
            actor=request.user,
            after={"filters": {k: v for k, v in params.items() if v}, "rows": count},
            detail="audit log",
        )
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.xlsx"'
    return response
