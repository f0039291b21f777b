"""Pages of the dangers module. Thin: parse, call a service or the workflow, render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anjian.core import audit
from anjian.core.attachments import BadFile
from anjian.core.htmx import template_for
from anjian.core.lifecycle_models import Attachment
from anjian.core.navigation import page_of
from anjian.core.roles import Role
from anjian.core.scoping import get_visible_or_404, grants_of
from anjian.core.sheets import write_table
from anjian.core.workflow import allowed_actions, allowed_actions_for_rows, history, workflow_of
from anjian.dangers import documents, importing, queries, services
from anjian.dangers.choices import DangerSource, DangerState
from anjian.dangers.filters import DangerFilter
from anjian.dangers.forms import (
    DangerForm,
    ExtensionForm,
    InspectionPlanForm,
    ListingForm,
    PlanForm,
    ReportForm,
)
from anjian.dangers.models import (
    Checklist,
    ExtensionRequest,
    HiddenDanger,
    InspectionTask,
    ListedSupervision,
)
from anjian.orgs.models import Town
from anjian.standards.rectification import CITATION, FIVE_IMPLEMENTATIONS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _actions(obj: Any, user: Any) -> list[Any]:
    workflow = workflow_of(obj)
    if workflow is None:
        raise TypeError(type(obj).__name__)
    return [workflow.actions[name] for name in allowed_actions(obj, user)]


def _filtered(request: HttpRequest) -> tuple[DangerFilter, Any]:
    filters = DangerFilter.from_params(request.GET)
    return filters, filters.apply(HiddenDanger.objects.visible_to(request.user))


@login_required
@page_of("dangers:list")
def danger_list(request: HttpRequest) -> HttpResponse:
    """The ledger (隐患台账) with filters; htmx swaps only the table."""
    filters, dangers = _filtered(request)
    page = Paginator(
        dangers.select_related("enterprise", "town").order_by("-created_at", "-id"), 20
    ).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "query_string": filters.query_string(),
        "page": page,
        "states": DangerState.choices,
        "sources": DangerSource.choices,
        "towns": Town.objects.all(),
        "may_report": grants_of(request.user).has(*services.REPORTERS),
    }
    template = template_for(request, "dangers/list.html", "dangers/_table.html")
    return render(request, template, context)


@login_required
def danger_create(request: HttpRequest) -> HttpResponse:
    """Report a hidden danger (登记), with a photo from the phone's camera."""
    if not grants_of(request.user).has(*services.REPORTERS):
        raise Http404
    form = DangerForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "GET" and request.GET.get("enterprise", "").isdigit():
        form.initial["enterprise"] = int(request.GET["enterprise"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        photos = [data["photo"]] if data.get("photo") else []
        try:
            danger = services.create_danger(
                data["enterprise"], data, actor=request.user, photos=photos
            )
        except ValidationError as error:
            form.add_error(None, error)
        except BadFile as error:
            form.add_error("photo", error.message)
        else:
            messages.success(request, _("隐患已登记"))
            return redirect(danger.get_absolute_url())
    return render(request, "dangers/form.html", {"form": form, "title": _("登记隐患")})


@login_required
def danger_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One danger: its facts, what the user may do now, its plan, extensions, listing and
    history; the photos before and after."""
    danger = get_visible_or_404(
        HiddenDanger.objects.select_related("enterprise", "town"), request.user, pk=pk
    )
    grants = grants_of(request.user)
    extensions = list(danger.extensions.order_by("-created_at", "-id"))
    extension_actions = allowed_actions_for_rows(extensions, request.user)
    for extension in extensions:
        extension.actions = [
            ExtensionRequest.workflow.actions[name] for name in extension_actions[extension.pk]
        ]
        extension.history = history(extension)  # the refusal's reason among them
    listings = list(
        danger.listings.order_by("-listed_at", "-id")
        .select_related("department")
        .prefetch_related("reports")
    )
    listing_actions = allowed_actions_for_rows(listings, request.user)
    own = grants.has(Role.ENTERPRISE) and danger.enterprise.credit_code in grants.own_enterprises
    for listing in listings:
        listing.actions = [
            ListedSupervision.workflow.actions[name] for name in listing_actions[listing.pk]
        ]
        listing.may_report = own and listing.state == "listed"
        listing.history = history(listing)  # the lifting's comment
    plan = getattr(danger, "plan", None)
    context = {
        "danger": danger,
        "actions": _actions(danger, request.user),
        "transitions": history(danger),
        "photos": Attachment.objects.of(danger).filter(transition__isnull=True),
        "plan": plan,
        "five": FIVE_IMPLEMENTATIONS,
        "five_citation": CITATION,
        "may_plan": danger.is_major
        and danger.state in (DangerState.REPORTED, DangerState.ASSESSED)
        and (own or grants.has(Role.TOWN, Role.DEPARTMENT, Role.CITY)),
        "may_extend": own and danger.state in (DangerState.ASSESSED, DangerState.RECTIFYING),
        "may_list": danger.is_major
        and danger.is_open
        and not any(x.state == "listed" for x in listings)
        and (grants.city_wide or (grants.has(Role.TOWN) and danger.town_id in grants.town_ids)),
        "extensions": extensions,
        "listings": listings,
    }
    return render(request, "dangers/detail.html", context)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def _document(request: HttpRequest, pk: int, build: Any, name: str) -> HttpResponse:
    danger = get_visible_or_404(
        HiddenDanger.objects.select_related("enterprise", "town"), request.user, pk=pk
    )
    if name == "销号单" and danger.state != DangerState.CLOSED_OUT:
        raise Http404
    try:
        data = build(danger)
    except ImproperlyConfigured as problem:  # the font is missing: say so, not a bare 500
        return HttpResponse(str(problem), status=503, content_type="text/plain; charset=utf-8")
    audit.record("export", actor=request.user, obj=danger, after={"what": name})
    return _pdf(data, f"隐患{danger.pk}-{name}.pdf")


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The rectification notice (整改通知书)."""
    return _document(request, pk, documents.rectification_notice_pdf, "整改通知书")


@login_required
def closing_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The closing-out record (销号单), once the danger is closed out."""
    return _document(request, pk, documents.closing_record_pdf, "销号单")


def _danger_form(
    request: HttpRequest, pk: int, form_class: Any, title: str, save: Any
) -> HttpResponse:
    danger = get_visible_or_404(
        HiddenDanger.objects.select_related("enterprise"), request.user, pk=pk
    )
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save(danger, form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("已保存"))
            return redirect(danger.get_absolute_url())
    return render(request, "dangers/form.html", {"form": form, "title": title, "danger": danger})


@login_required
def plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(danger: HiddenDanger, data: dict[str, Any]) -> None:
        services.add_rectification_plan(danger, data, actor=request.user)

    return _danger_form(request, pk, PlanForm, _("治理方案（五落实）"), save)


@login_required
def extension_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(danger: HiddenDanger, data: dict[str, Any]) -> None:
        services.create_extension_request(
            danger, data["deadline"], data["reason"], actor=request.user
        )

    return _danger_form(request, pk, ExtensionForm, _("申请延期"), save)


@login_required
def listing_add(request: HttpRequest, pk: int) -> HttpResponse:
    def save(danger: HiddenDanger, data: dict[str, Any]) -> None:
        services.create_listing(
            danger,
            actor=request.user,
            deadline=data["deadline"],
            report_interval_days=data["report_interval_days"],
            department=data.get("department"),
        )

    return _danger_form(request, pk, ListingForm, _("挂牌督办"), save)


@login_required
def report_add(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_visible_or_404(
        ListedSupervision.objects.select_related("danger"), request.user, pk=pk
    )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_progress_report(listing, form.cleaned_data["text"], actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("进展已报送"))
            return redirect(listing.get_absolute_url())
    return render(
        request,
        "dangers/form.html",
        {"form": form, "title": _("报送督办进展"), "danger": listing.danger},
    )


@login_required
def ledger_import(request: HttpRequest) -> HttpResponse:
    """Upload an existing ledger: every bad cell named, nothing written unless all are good."""
    if not services.may_report(request.user):
        raise Http404
    errors: list[Any] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [_("请选择文件")]
        else:
            try:
                created = importing.import_ledger(upload, actor=request.user)
            except importing.LedgerRejected as rejected:
                errors = [str(e) for e in rejected.errors]
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("已导入隐患 %(n)s 条") % {"n": len(created)})
                return redirect("dangers:list")
    return render(request, "dangers/import.html", {"errors": errors})


@login_required
def ledger_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(importing.template(), "隐患台账模板.xlsx")


LEDGER_HEADERS = (
    "编号", "企业", "镇街", "来源", "部位", "隐患描述", "类别", "重大隐患", "判定依据",
    "发现人", "发现时间", "整改责任人", "整改期限", "状态", "销号时间",
)  # fmt: skip


@login_required
@page_of("dangers:list")
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger (隐患台账) in its customary columns; every cell a value (audited)."""
    _filters, dangers = _filtered(request)
    rows = [
        (
            d.pk, d.enterprise.name, d.town.name, d.get_source_display(), d.place, d.description,
            d.get_category_display(), "是" if d.is_major else "否",
            d.criterion.citation if d.criterion else "", d.finder,
            d.found_at.strftime("%Y-%m-%d"), d.responsible_person, d.deadline,
            d.get_state_display(), d.closed_at.strftime("%Y-%m-%d") if d.closed_at else "",
        )
        for d in dangers.select_related("enterprise", "town").order_by("pk")[:100000]
    ]  # fmt: skip
    audit.record("export", actor=request.user, after={"what": "隐患台账", "count": len(rows)})
    return _xlsx(write_table("隐患台账", LEDGER_HEADERS, rows), "隐患台账.xlsx")


def _period(request: HttpRequest) -> tuple[str, date | None, date | None]:
    by = request.GET.get("by", "town")
    if by not in queries.DIMENSIONS:
        by = "town"
    start = (
        parse_date(request.GET.get("start", "") or "")
        if len(request.GET.get("start", "")) == 10
        else None
    )
    end = (
        parse_date(request.GET.get("end", "") or "")
        if len(request.GET.get("end", "")) == 10
        else None
    )
    return by, start, end


def _safe_period(request: HttpRequest) -> tuple[str, date | None, date | None]:
    try:
        return _period(request)
    except ValueError:
        return "town", None, None


DIMENSION_LABELS = {
    "town": gettext_lazy("按镇街"), "enterprise": gettext_lazy("按企业"),
    "industry": gettext_lazy("按行业门类"), "department": gettext_lazy("按监管部门"),
    "month": gettext_lazy("按月份"),
}  # fmt: skip


@login_required
@page_of("dangers:figures")
def figures(request: HttpRequest) -> HttpResponse:
    """The closed-loop figures by dimension and period, with a chart."""
    by, start, end = _safe_period(request)
    rows = queries.figures(request.user, by, start, end)
    chart = {
        "labels": [str(r["label"]) for r in rows[:30]],
        "found": [r["found"] for r in rows[:30]],
        "closed": [r["closed"] for r in rows[:30]],
        "open": [r["open"] for r in rows[:30]],
    }
    context = {
        "rows": rows,
        "totals": queries.totals(request.user, start, end),
        "by": by,
        "start": start,
        "end": end,
        "dimensions": list(DIMENSION_LABELS.items()),
        "chart": chart,
        "query": request.GET.urlencode(),
    }
    return render(request, "dangers/figures.html", context)


FIGURE_HEADERS = (
    "统计对象", "排查隐患数", "已销号", "按期销号", "撤销", "未销号", "逾期", "重大隐患",
    "重大隐患未销号", "整改率(%)", "按期整改率(%)", "平均销号天数",
)  # fmt: skip


@login_required
@page_of("dangers:figures")
def figures_export(request: HttpRequest) -> HttpResponse:
    by, start, end = _safe_period(request)
    rows = [
        (
            str(r["label"]), r["found"], r["closed"], r["on_time"], r["cancelled"], r["open"],
            r["overdue"], r["major"], r["major_open"], r["rectification_rate"],
            r["on_time_rate"], r["average_days"],
        )
        for r in queries.figures(request.user, by, start, end)
    ]  # fmt: skip
    audit.record("export", actor=request.user, after={"what": "隐患治理统计", "count": len(rows)})
    return _xlsx(write_table("隐患治理统计", FIGURE_HEADERS, rows), "隐患治理统计.xlsx")


@login_required
@page_of("dangers:checklists")
def checklists(request: HttpRequest) -> HttpResponse:
    rows = Checklist.objects.visible_to(request.user).prefetch_related("items")
    return render(request, "dangers/checklists.html", {"checklists": rows})


@login_required
@page_of("dangers:tasks")
def task_list(request: HttpRequest) -> HttpResponse:
    """Self-inspection tasks: those to do first, then the latest done."""
    tasks = InspectionTask.objects.visible_to(request.user).select_related(
        "plan", "enterprise", "checklist"
    )
    context = {
        "todo": tasks.filter(completed_at__isnull=True).order_by("due_on", "pk")[:50],
        "done": tasks.filter(completed_at__isnull=False).order_by("-completed_at")[:20],
        "may_plan": grants_of(request.user).has(Role.ENTERPRISE, Role.TOWN, Role.CITY),
    }
    return render(request, "dangers/tasks.html", context)


@login_required
def inspection_plan_create(request: HttpRequest) -> HttpResponse:
    if not grants_of(request.user).has(Role.ENTERPRISE, Role.TOWN, Role.CITY):
        raise Http404
    form = InspectionPlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_inspection_plan(data["enterprise"], data, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            services.generate_tasks()
            messages.success(request, _("自查计划已制定，本周期的任务已生成"))
            return redirect("dangers:tasks")
    return render(request, "dangers/form.html", {"form": form, "title": _("制定自查计划")})


def _decimal(value: str) -> Any:
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and abs(number) <= 180 else None


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Do a task on a phone: each item pass or fail, a photo for each failed one."""
    task = get_visible_or_404(
        InspectionTask.objects.select_related("plan", "enterprise", "checklist"),
        request.user,
        pk=pk,
    )
    items = list(task.checklist.items.all())
    errors: list[str] = []
    if request.method == "POST" and task.completed_at is None:
        results = []
        for item in items:
            verdict = request.POST.get(f"item-{item.pk}", "")
            if verdict not in ("pass", "fail"):
                errors.append(_("请逐项填写排查结果"))
                break
            results.append(
                services.ItemResult(
                    item.pk,
                    verdict == "pass",
                    request.POST.get(f"note-{item.pk}", ""),
                    tuple(request.FILES.getlist(f"photo-{item.pk}")),
                )
            )
        if not errors:
            try:
                dangers = services.complete_task(
                    task,
                    results,
                    actor=request.user,
                    latitude=_decimal(request.POST.get("latitude", "")),
                    longitude=_decimal(request.POST.get("longitude", "")),
                )
            except ValidationError as error:
                errors.extend(error.messages)
            except PermissionDenied:
                errors.append(_("您无权执行此排查任务"))
            except BadFile as error:
                errors.append(str(error.message))
            else:
                messages.success(
                    request,
                    _("排查完成，发现隐患 %(n)s 项") % {"n": len(dangers)},
                )
                return redirect(task.get_absolute_url())
    recorded = {r.item_id: r for r in task.results.select_related("danger")}
    rows = [{"item": item, "result": recorded.get(item.pk)} for item in items]
    context = {"task": task, "rows": rows, "errors": errors}
    return render(request, "dangers/task.html", context)
