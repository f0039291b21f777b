"""Accident pages: the quick report, the list, the detail (grade, reporting chain,
supplementary reports, investigation), the quotas, the statistics and the public page.
Thin: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.accidents import services
from anjian.accidents.choices import InvestigationState, QuotaKind
from anjian.accidents.exporter import statistics_book
from anjian.accidents.forms import (
    AccidentFilterForm,
    AccidentForm,
    QuotaForm,
    ReportStepForm,
    SupplementaryForm,
)
from anjian.accidents.models import Accident, ReportStep
from anjian.accidents.queries import quota_rows, statistics, this_year, years_with_accidents
from anjian.core import audit, deadlines
from anjian.core.htmx import template_for
from anjian.core.navigation import page_of
from anjian.core.roles import Role
from anjian.core.scoping import get_visible_or_404, grants_of
from anjian.core.workflow import allowed_actions, history
from anjian.orgs.models import Town

REPORTERS = frozenset({Role.CITY, Role.TOWN, Role.DEPARTMENT})


def _may_report(user: Any) -> bool:
    return grants_of(user).has(*REPORTERS)


def _report_towns(user: Any) -> Any:
    grants = grants_of(user)
    if grants.city_wide or grants.has(Role.DEPARTMENT):
        return Town.objects.all()
    return Town.objects.filter(pk__in=grants.town_ids)


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == "type" and "type" in form.fields:
                target = "type"
            for item in errors:
                form.add_error(target, item.messages[0] if hasattr(item, "messages") else item)
    else:
        form.add_error(None, "; ".join(error.messages))


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return this_year()
    return year if 2000 <= year <= 2100 else this_year()


@login_required
@page_of("accidents:list")
def accident_list(request: HttpRequest) -> HttpResponse:
    rows = Accident.objects.visible_to(request.user).select_related("town", "enterprise")
    filters = AccidentFilterForm(request.GET or None, years=years_with_accidents(request.user))
    rows = filters.apply(rows)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query_string": query.urlencode(),
        "may_report": _may_report(request.user),
    }
    return render(
        request, template_for(request, "accidents/list.html", "accidents/_table.html"), context
    )


@login_required
@page_of("accidents:list")
def accident_create(request: HttpRequest) -> HttpResponse:
    if not _may_report(request.user):
        raise Http404
    towns = _report_towns(request.user)
    form = AccidentForm(request.POST or None, towns=towns)
    if request.method == "POST" and form.is_valid():
        try:
            accident = services.create_accident(form.payload(), actor=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        except PermissionDenied:
            form.add_error("town", _("无权报告该镇街的事故"))
        else:
            messages.success(
                request,
                _("事故快报已保存，等级：%(grade)s") % {"grade": accident.get_grade_display()},
            )
            return redirect(accident)
    return render(request, "accidents/form.html", {"form": form})


def _action_forms(accident: Accident, user: Any) -> list[dict[str, Any]]:
    workflow = Accident.workflow
    fields = {
        "start_investigation": [("team", _("调查组组成"), "textarea")],
        "extend": [("days", _("延长天数（最多60日）"), "number")],
        "submit_report": [
            ("findings", _("责任认定"), "textarea"),
            ("penalties", _("处理处罚"), "textarea"),
            ("recommendations", _("整改防范措施建议"), "textarea"),
            ("submitted_at", _("调查报告提交时间（不填为当前时间）"), "datetime"),
        ],
        "close": [
            ("closing_summary", _("结案公开摘要（不含个人信息）"), "textarea"),
            ("closed_at", _("结案时间（不填为当前时间）"), "datetime"),
        ],
    }
    return [
        {
            "action": workflow.actions[name],
            "fields": fields.get(name, []),
            "comment_required": workflow.actions[name].comment_required,
        }
        for name in allowed_actions(accident, user)
    ]


@login_required
@page_of("accidents:list")
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accident = get_visible_or_404(
        Accident.objects.select_related("town", "enterprise", "industry").prefetch_related(
            "departments"
        ),
        request.user,
        pk=pk,
    )
    editable = Accident.objects.editable_by(request.user).filter(pk=pk).exists()
    now = timezone.now()
    steps = list(accident.report_steps.all())
    for step in steps:
        step.is_overdue = step.overdue(now)
    context = {
        "accident": accident,
        "steps": steps,
        "supplementary": list(accident.supplementary_reports.select_related("reported_by")),
        "supplementary_form": SupplementaryForm(
            initial={
                "deaths": accident.deaths,
                "missing": accident.missing,
                "serious_injuries": accident.serious_injuries,
                "direct_loss_yuan": accident.direct_loss_yuan,
            }
        )
        if editable
        else None,
        "step_form": ReportStepForm() if editable else None,
        "window_open": timezone.localdate() <= accident.supplementary_until,
        "actions": _action_forms(accident, request.user),
        "transitions": history(accident),
        "investigation_deadline": deadlines.current_deadline(accident, "investigation"),
        "approval_deadline": deadlines.current_deadline(accident, "approval"),
        "may_publish": grants_of(request.user).city_wide
        and accident.state == InvestigationState.CLOSED
        and accident.published_at is None,
        "vetoes": list(accident.vetoes.select_related("town", "department")),
        "now": now,
    }
    return render(request, "accidents/detail.html", context)


@login_required
@require_POST
def supplement(request: HttpRequest, pk: int) -> HttpResponse:
    accident = get_visible_or_404(Accident.objects, request.user, pk=pk)
    form = SupplementaryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("补报内容有误：%(errors)s") % {"errors": _errors(form)})
        return redirect(accident)
    try:
        report = services.add_supplementary_report(accident, form.cleaned_data, actor=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    except PermissionDenied:
        raise Http404 from None
    else:
        if report.within_window:
            messages.success(request, _("补报已保存，事故等级按补报重新确定"))
        else:
            messages.warning(request, _("补报已保存；已超过补报期限，事故等级不再变更"))
    return redirect(accident)


def _errors(form: Any) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}"
        for f, e in form.errors.items()
    )


@login_required
@require_POST
def report_step(request: HttpRequest, pk: int, step_id: int) -> HttpResponse:
    step = get_visible_or_404(ReportStep.objects, request.user, pk=step_id, accident_id=pk)
    form = ReportStepForm(request.POST)
    if form.is_valid():
        try:
            services.record_report_step(step, form.cleaned_data["reported_at"], actor=request.user)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("已记录上报时间"))
    else:
        messages.error(request, _errors(form))
    return redirect("accidents:detail", pk=pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    accident = get_visible_or_404(Accident.objects, request.user, pk=pk)
    try:
        services.publish_summary(accident, actor=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("结案信息已公布"))
    return redirect(accident)


@login_required
@page_of("accidents:quotas")
def quota_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    city = grants_of(request.user).city_wide
    form = QuotaForm(request.POST or None, initial={"year": year}) if city else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.set_quota(form.payload(), actor=request.user)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("控制指标已保存"))
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    rows = quota_rows(request.user, year)
    context = {
        "year": year,
        "years": sorted(
            {this_year(), year, *range(this_year() - 3, this_year() + 1)}, reverse=True
        ),
        "towns": [r for r in rows if r.quota.kind == QuotaKind.TOWN],
        "industries": [r for r in rows if r.quota.kind == QuotaKind.INDUSTRY],
        "form": form,
    }
    return render(request, "accidents/quotas.html", context)


def _charts(stats: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": "months",
            "kind": "bar",
            "title": _("按月份：事故起数（本年）"),
            "items": [
                {"label": f"{m['month']}月", "value": m["accidents"]} for m in stats["months"]
            ],
        },
        {
            "key": "towns",
            "kind": "bar",
            "title": _("按镇街：死亡人数"),
            "items": [{"label": t["label"], "value": t["deaths"]} for t in stats["towns"]],
        },
        {
            "key": "divisions",
            "kind": "bar",
            "title": _("按行业大类：死亡人数"),
            "items": [{"label": d["label"], "value": d["deaths"]} for d in stats["divisions"]],
        },
        {
            "key": "grades",
            "kind": "pie",
            "title": _("按等级"),
            "items": [
                {"label": g["label"], "value": g["accidents"]}
                for g in stats["grades"]
                if g["accidents"]
            ],
        },
        {
            "key": "types",
            "kind": "bar",
            "title": _("按事故类型"),
            "items": [{"label": t["label"], "value": t["accidents"]} for t in stats["types"]],
        },
    ]


@login_required
@page_of("accidents:statistics")
def statistics_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    stats = statistics(request.user, year)
    context = {
        "stats": stats,
        "charts": _charts(stats),
        "year": year,
        "years": years_with_accidents(request.user),
    }
    return render(request, "accidents/statistics.html", context)


@login_required
@page_of("accidents:statistics")
def statistics_export(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    body = statistics_book(statistics(request.user, year))
    audit.record("export", actor=request.user, detail=f"accident statistics {year}")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="accidents-{year}.xlsx"'
    return response


def public_list(request: HttpRequest) -> HttpResponse:
    """No login: the published summaries of closed investigations (art. 34), and nothing of
    the people involved: date, town, type, grade, counts and the summary written for the
    public."""
    rows = (
        Accident.objects.filter(state=InvestigationState.CLOSED, published_at__isnull=False)
        .select_related("town")
        .only(
            "occurred_at",
            "town__name",
            "type_edition",
            "type_code",
            "grade",
            "deaths",
            "serious_injuries",
            "closing_summary",
            "published_at",
            "state",
        )
        .order_by("-published_at", "-pk")
    )
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(request, "accidents/public.html", {"page": page})
