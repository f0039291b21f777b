"""Pages of the registry. Thin: parse, call a service, render."""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.accounts.access import grants_for
from anjian.accounts.choices import Role
from anjian.core.htmx import template_for
from anjian.core.jobs import enqueue
from anjian.core.models import Job
from anjian.core.navigation import page_of
from anjian.core.scoping import get_visible_or_404
from anjian.core.sheets import WorkbookError, read_upload
from anjian.core.sheets import flow as sheets_flow
from anjian.core.updating import StaleVersion
from anjian.enterprises import services
from anjian.enterprises.categories import suggested_category_keys
from anjian.enterprises.choices import ChangeRequestState, EnterpriseStatus
from anjian.enterprises.dossier import build_pdf
from anjian.enterprises.exporter import export_workbook, template_workbook
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.forms import DecisionForm, EnterpriseForm, ImportForm, LicenceForm
from anjian.enterprises.importer import IMPORTER
from anjian.enterprises.models import ChangeRequest, Enterprise, Licence
from anjian.enterprises.panels import PANELS
from anjian.enterprises.queries import (
    change_rows,
    department_sources,
    licence_states,
    map_points,
    status_counts,
)
from anjian.enterprises.tasks import build_dossier_zip, zip_path
from anjian.orgs.models import Grid, SupervisionCategory, Town

# Suggestions for the licence kind field (free text: other kinds are recorded as written).
LICENCE_KINDS = (
    "安全生产许可证",
    "危险化学品安全生产许可证",
    "危险化学品安全使用许可证",
    "危险化学品经营许可证",
    "烟花爆竹经营（批发）许可证",
    "烟花爆竹经营（零售）许可证",
    "非药品类易制毒化学品生产备案证明",
    "建筑施工企业安全生产许可证",
    "道路运输经营许可证",
    "排污许可证",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTERS = (Role.CITY, Role.TOWN)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _filtered(request: HttpRequest) -> tuple[EnterpriseFilter, Any]:
    filters = EnterpriseFilter.from_params(request.GET)
    return filters, filters.apply(Enterprise.objects.visible_to(request.user))


def _filter_context(filters: EnterpriseFilter) -> dict[str, Any]:
    """What the filter fields (``_filter_fields.html``) of the list and the map need."""
    return {
        "filters": filters,
        "query_string": filters.query_string(),
        "towns": Town.objects.all(),
        "categories": SupervisionCategory.objects.key_list(),
        "statuses": EnterpriseStatus.choices,
        "licence_warning_days": settings.LICENCE_EXPIRY_WARNING_DAYS,
    }


@login_required
@page_of("enterprises:list")
def enterprise_list(request: HttpRequest) -> HttpResponse:
    """The registry with filters and search; htmx swaps only the table."""
    filters, enterprises = _filtered(request)
    page = Paginator(
        enterprises.select_related("town", "industry").only(
            "pk",
            "name",
            "credit_code",
            "status",
            "town__name",
            "industry__code",
            "industry__name",
            "risk_level",
        ),
        20,
    ).get_page(request.GET.get("page"))
    states = licence_states([enterprise.pk for enterprise in page])
    for enterprise in page:
        enterprise.licence_state = states.get(enterprise.pk, "")
    grants = grants_for(request.user)
    context = {
        **_filter_context(filters),
        "page": page,
        "counts": status_counts(enterprises),
        "may_import": grants.has(*IMPORTERS),
    }
    template = template_for(request, "enterprises/list.html", "enterprises/_table.html")
    return render(request, template, context)


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one enterprise: its profile and each module's panel."""
    enterprise = get_visible_or_404(
        Enterprise.objects.select_related("town", "grid", "industry").prefetch_related(
            "departments", "categories"
        ),
        request.user,
        pk=pk,
    )
    panels = [
        {"panel": panel, **panel.context(enterprise, request.user)}
        for panel in sorted(PANELS.values(), key=lambda p: p.order)
    ]
    editable = Enterprise.objects.editable_by(request.user).filter(pk=pk).exists()
    context = {
        "enterprise": enterprise,
        "panels": panels,
        "editable": editable,
        "department_sources": department_sources(enterprise),
    }
    return render(request, "enterprises/detail.html", context)


@login_required
def my_enterprise(request: HttpRequest) -> HttpResponse:
    """An enterprise user's own enterprise."""
    enterprise = Enterprise.objects.visible_to(request.user).first()
    if enterprise is None:
        raise Http404
    return redirect("enterprises:detail", pk=enterprise.pk)


_NOT_FIELDS = ("categories", "reason", "override_departments", "departments", "version")


def _creatable_towns(request: HttpRequest) -> Any:
    """The towns the user may register enterprises in: the city office all, a town its own."""
    grants = grants_for(request.user)
    if grants.city_wide:
        return Town.objects.all()
    if grants.has(Role.TOWN) and grants.towns:
        return Town.objects.filter(code__in=grants.towns)
    raise PermissionDenied(_("只有市安委办和镇街可以登记企业"))


@login_required
def enterprise_create(request: HttpRequest) -> HttpResponse:
    """Register an enterprise (the city office; a town in its own territory)."""
    towns = _creatable_towns(request)
    form = EnterpriseForm(
        request.POST or None, towns=towns, grids=Grid.objects.filter(town__in=towns)
    )
    del form.fields["reason"], form.fields["version"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        departments, _derive = form.department_choice()
        try:
            enterprise = services.create_enterprise(
                {k: v for k, v in data.items() if k not in _NOT_FIELDS},
                actor=request.user,
                categories=data["categories"],
                departments=departments,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已登记"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/edit.html", {"form": form, "enterprise": None})


@login_required
def enterprise_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a profile; identity changes by an enterprise user become a change request."""
    enterprise = get_visible_or_404(
        Enterprise.objects.editable_by(request.user).select_related("industry"),
        request.user,
        pk=pk,
    )
    assign = services.may_assign_departments(enterprise, request.user)
    # Grids: those the user sees, and the enterprise's own town's (an enterprise user sees none).
    grids = Grid.objects.filter(
        Q(pk__in=Grid.objects.visible_to(request.user).values("pk")) | Q(town_id=enterprise.town_id)
    )
    form = EnterpriseForm(
        request.POST or None,
        instance=pristine_copy(enterprise),
        initial={"version": services.enterprise_version(enterprise)},
        grids=grids,
        may_assign_departments=assign,
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        departments, derive = form.department_choice()
        try:
            change_request = services.update_enterprise(
                enterprise,
                {k: v for k, v in data.items() if k not in _NOT_FIELDS},
                actor=request.user,
                categories=data["categories"],
                departments=departments,
                derive_departments=derive,
                reason=data.get("reason", ""),
                expected_version=data["version"] or None,
            )
        except StaleVersion:
            conflict = True  # the template says so, with a link to the current record
        else:
            if change_request is not None:
                messages.info(request, _("名称、代码、位置、镇街的变更已提交镇街审核"))
            else:
                messages.success(request, _("已保存"))
            return redirect("enterprises:detail", pk=pk)
    context = {
        "conflict": conflict,
        "form": form,
        "enterprise": enterprise,
        "department_sources": department_sources(enterprise),
        "suggested_categories": SupervisionCategory.objects.key_list().filter(
            key__in=suggested_category_keys(enterprise.industry.code)
        ),
    }
    return render(request, "enterprises/edit.html", context)


_M = TypeVar("_M")


def pristine_copy(obj: _M) -> _M:
    """A copy for a ModelForm, which writes the submitted values into its instance while it
    validates: the service then compares the untouched object with the new values."""
    return copy.deepcopy(obj)


def _editable_enterprise(request: HttpRequest, pk: int) -> Enterprise:
    enterprise: Enterprise = get_visible_or_404(
        Enterprise.objects.editable_by(request.user), request.user, pk=pk
    )
    return enterprise


@login_required
def licence_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a licence to an enterprise the user may edit."""
    enterprise = _editable_enterprise(request, pk)
    form = LicenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_licence(enterprise, form.cleaned_data, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("证照已添加"))
            return redirect("enterprises:detail", pk=pk)
    return render(
        request,
        "enterprises/licence_form.html",
        {"form": form, "enterprise": enterprise, "licence": None, "kinds": LICENCE_KINDS},
    )


@login_required
def licence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a licence (kind, number, issuer, validity)."""
    licence = get_visible_or_404(
        Licence.objects.editable_by(request.user).select_related("enterprise"),
        request.user,
        pk=pk,
    )
    form = LicenceForm(
        request.POST or None,
        instance=pristine_copy(licence),
        initial={"version": services.licence_version(licence)},
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.update_licence(
                licence,
                form.cleaned_data,
                actor=request.user,
                expected_version=form.cleaned_data["version"] or None,
            )
        except StaleVersion:
            conflict = True  # the template says so, with a link to the current record
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("证照已保存"))
            return redirect("enterprises:detail", pk=licence.enterprise_id)
    context = {
        "conflict": conflict,
        "form": form,
        "enterprise": licence.enterprise,
        "licence": licence,
        "kinds": LICENCE_KINDS,
    }
    return render(request, "enterprises/licence_form.html", context)


@login_required
@require_POST
def licence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a licence (audited with its content)."""
    licence = get_visible_or_404(Licence.objects.editable_by(request.user), request.user, pk=pk)
    enterprise_id = licence.enterprise_id
    services.remove_licence(licence, actor=request.user)
    messages.success(request, _("证照已删除"))
    return redirect("enterprises:detail", pk=enterprise_id)


@login_required
@page_of("enterprises:map")
def enterprise_map(request: HttpRequest) -> HttpResponse:
    """Map of the enterprises the user sees, with the list's filters: offline (boundary polygon
    and markers) unless ``MAP_TILE_URL`` names the intranet's tile server."""
    context = {
        **_filter_context(EnterpriseFilter.from_params(request.GET)),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "enterprises/map.html", context)


@login_required
@page_of("enterprises:map")
def map_data(request: HttpRequest) -> JsonResponse:
    """Scoped, filtered points of the map."""
    _filters, enterprises = _filtered(request)
    return JsonResponse({"points": map_points(enterprises)})


def _require_importer(request: HttpRequest) -> None:
    if not grants_for(request.user).has(*IMPORTERS):
        raise PermissionDenied(_("只有市安委办和镇街可以导入企业名录"))


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload → check every row (in the background when large) → errors with the annotated
    workbook, or a preview of what would change."""
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = sheets_flow.check_upload(
                IMPORTER, read_upload(upload), upload.name, actor=request.user
            )
        except WorkbookError as problem:
            form.add_error("file", str(problem))
            return render(request, "enterprises/import.html", context)
        if checked.job is not None:
            return redirect("core:job_detail", pk=checked.job.pk)
        context.update(preview=checked.preview, token=checked.token)
    return render(request, "enterprises/import.html", context)


@login_required
def import_review(request: HttpRequest, token: str) -> HttpResponse:
    """The outcome of a check that ran in the background."""
    _require_importer(request)
    preview = sheets_flow.load_preview(IMPORTER, request.user, token)
    if preview is None:
        raise Http404
    context = {"form": ImportForm(), "preview": preview, "token": token}
    return render(request, "enterprises/import.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Write a previewed import (checked again: the database may have changed meanwhile)."""
    _require_importer(request)
    try:
        done, job = sheets_flow.confirm(IMPORTER, token, actor=request.user)
    except WorkbookError as problem:
        messages.error(request, str(problem))
        return redirect("enterprises:import")
    if job is not None:
        return redirect("core:job_detail", pk=job.pk)
    if done is None:
        messages.error(request, _("数据已变化，请重新导入"))
        return redirect("enterprises:import")
    messages.success(request, done)
    return redirect("enterprises:list")


@login_required
def import_errors(request: HttpRequest, token: str) -> HttpResponse:
    """The uploaded workbook with its bad cells marked."""
    _require_importer(request)
    path = sheets_flow.annotated_path(IMPORTER, request.user, token)
    if not path.exists():
        raise Http404
    return _xlsx(path.read_bytes(), "企业名录-错误标注.xlsx")


@login_required
def template_download(request: HttpRequest) -> HttpResponse:
    return _xlsx(template_workbook(), "企业名录导入模板.xlsx")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The filtered list as the registry workbook (audited)."""
    _filters, enterprises = _filtered(request)
    data, count = export_workbook(enterprises)
    services.record_export(actor=request.user, count=count, what="企业名录")
    return _xlsx(data, "企业名录.xlsx")


@login_required
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_visible_or_404(
        Enterprise.objects.select_related("town", "grid", "industry"), request.user, pk=pk
    )
    try:
        pdf = build_pdf(enterprise)
    except ImproperlyConfigured as problem:  # the font is missing: say so, not a bare 500
        return HttpResponse(str(problem), status=503, content_type="text/plain; charset=utf-8")
    services.record_export(actor=request.user, count=1, what=f"一企一册 {enterprise.credit_code}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"inline; filename*=UTF-8''{_quote(enterprise.name + '-一企一册.pdf')}"
    )
    return response


@login_required
@require_POST
def dossier_zip(request: HttpRequest) -> HttpResponse:
    """Queue the dossiers of the filtered list; the job page shows progress."""
    params = EnterpriseFilter.from_params(request.POST).__dict__
    services.record_export(actor=request.user, count=0, what=f"一企一册批量 {params}")
    job = enqueue(
        build_dossier_zip, request.user.pk, params, owner=request.user, name=_("一企一册批量导出")
    )
    return redirect("core:job_detail", pk=job.pk)


@login_required
def dossier_zip_download(request: HttpRequest, task_id: str) -> FileResponse:
    job = get_visible_or_404(Job.objects, request.user, task_id=task_id)
    path = zip_path(job.task_id)
    # Only the user who asked for the dossiers downloads them: an operator sees job records,
    # not the enterprises' data (三权分立).
    if job.owner_id != request.user.pk or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename="一企一册.zip")


@login_required
def change_request_list(request: HttpRequest) -> HttpResponse:
    """Pending change requests the user may decide, and recent ones they may see."""
    decidable = ChangeRequest.objects.editable_by(request.user).filter(
        state=ChangeRequestState.PENDING
    )
    visible = ChangeRequest.objects.visible_to(request.user).select_related("enterprise")[:50]
    context = {
        "decidable": change_rows(decidable.select_related("enterprise", "requested_by")),
        "recent": visible,
    }
    return render(request, "enterprises/change_requests.html", context)


@login_required
@require_POST
def change_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change_request = get_visible_or_404(
        ChangeRequest.objects.editable_by(request.user), request.user, pk=pk
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("enterprises:change_requests")
    services.decide_change_request(
        change_request,
        actor=request.user,
        approve=request.POST.get("decision") == "approve",
        comment=form.cleaned_data.get("comment", ""),
    )
    messages.success(request, _("已审核"))
    return redirect("enterprises:change_requests")
