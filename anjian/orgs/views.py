"""Pages of the organisation: towns, departments with committees, grids."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anjian.core.htmx import template_for
from anjian.core.navigation import page_of
from anjian.core.roles import Role
from anjian.core.scoping import get_editable_or_404, get_visible_or_404, grants_of
from anjian.orgs import importing, panels, services
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.forms import GridCreateForm, GridForm, GridImportForm, grid_towns
from anjian.orgs.models import Committee, Department, Grid, Industry, Town


@login_required
@page_of("orgs:town_list")
def town_list(request: HttpRequest) -> HttpResponse:
    """The towns and streets, with their former names and the grids the user may see.

    A user with a territory (a town, a grid) sees the rows of that territory only: other towns'
    rows would show "0 grids" where the user simply may not see them. City-wide roles see every
    town; those that supervise by industry (a department) see every town without grid counts."""
    grants = grants_of(request.user)
    visible_grids = Grid.objects.visible_to(request.user)
    towns = Town.objects.visible_to(request.user).prefetch_related("renamings")
    all_grids = grants.city_wide or grants.has(Role.ADMIN)
    territorial = not all_grids and bool(grants.towns or grants.grids)
    if territorial:
        towns = towns.filter(Q(code__in=grants.towns) | Q(pk__in=visible_grids.values("town")))
    counts = dict(
        visible_grids.values_list("town").annotate(n=Count("id")).values_list("town", "n")
    )
    rows = [(town, counts.get(town.pk, 0)) for town in towns]
    context = {"rows": rows, "show_grids": all_grids or territorial}
    return render(request, "orgs/town_list.html", context)


@login_required
@page_of("orgs:department_list")
def department_list(request: HttpRequest) -> HttpResponse:
    """Industry departments with their industries, and the work safety committees."""
    departments = Department.objects.visible_to(request.user).prefetch_related("industries")
    committees = (
        Committee.objects.visible_to(request.user)
        .select_related("lead_department")
        .prefetch_related("members")
    )
    context = {"departments": departments, "committees": committees}
    return render(request, "orgs/department_list.html", context)


@login_required
@page_of("orgs:grid_list")
def grid_list(request: HttpRequest) -> HttpResponse:
    """Grids the user may see, filterable by town and searchable by name or code."""
    grids = Grid.objects.visible_to(request.user).select_related("town")
    town = request.GET.get("town", "")
    query = request.GET.get("q", "").strip()
    if town:
        grids = grids.filter(town__code=town)
    if query:
        grids = grids.filter(Q(name__contains=query) | Q(code__startswith=query))
    page = Paginator(grids, 30).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "may_create": grid_towns(request.user).exists(),
        "towns": Town.objects.visible_to(request.user),
        "town": town,
        "q": query,
    }
    template = template_for(request, "orgs/grid_list.html", "orgs/_grid_table.html")
    return render(request, template, context)


@login_required
@page_of("orgs:grid_list")
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One grid, with the panels the apps above add (its inspectors, its enterprises)."""
    grid = get_visible_or_404(Grid.objects.select_related("town"), request.user, code=code)
    context = {
        "grid": grid,
        "editable": Grid.objects.editable_by(request.user).filter(pk=grid.pk).exists(),
        "panels": panels.panels_for(grid, request.user),
    }
    return render(request, "orgs/grid_detail.html", context)


def _form_refused(form: Any, refused: PermissionDenied | ValidationError) -> None:
    """Put a service's refusal on the form: by field where it names one."""
    if isinstance(refused, ValidationError) and hasattr(refused, "error_dict"):
        for field, errors in refused.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(getattr(refused, "messages", [str(refused)])))


@login_required
def grid_create(request: HttpRequest) -> HttpResponse:
    """Set up a grid in one of the user's towns (a town officer, the city office)."""
    if not grid_towns(request.user).exists():
        raise PermissionDenied
    form = GridCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grid = services.create_grid(
                data["town"],
                actor=request.user,
                code=data["code"],
                name=data["name"],
                description=data["description"],
            )
        except (PermissionDenied, ValidationError) as refused:
            _form_refused(form, refused)
        else:
            messages.success(request, _("网格已设立。"))
            return redirect("orgs:grid_detail", code=grid.code)
    return render(request, "orgs/grid_form.html", {"form": form, "grid": None})


@login_required
def grid_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Rename a grid or change its description."""
    grid = get_editable_or_404(Grid.objects.select_related("town"), request.user, code=code)
    initial = {"name": grid.name, "description": grid.description}
    form = GridForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_grid(grid, actor=request.user, **form.cleaned_data)
        except (PermissionDenied, ValidationError) as refused:
            _form_refused(form, refused)
        else:
            messages.success(request, _("网格已更新。"))
            return redirect("orgs:grid_detail", code=grid.code)
    return render(request, "orgs/grid_form.html", {"form": form, "grid": grid})


@login_required
@require_POST
def grid_retire(request: HttpRequest, code: str) -> HttpResponse:
    """Retire a grid (its inspectors lose it, its enterprises are left without a grid)."""
    grid = get_editable_or_404(Grid.objects, request.user, code=code)
    try:
        services.retire_grid(grid, actor=request.user)
    except (PermissionDenied, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    else:
        messages.success(request, _("网格已撤销。"))
    return redirect("orgs:grid_detail", code=code)


@login_required
def grid_import(request: HttpRequest) -> HttpResponse:
    """Grids from a workbook (.xlsx, .xls, .ods): all or nothing, every bad row reported."""
    if not grid_towns(request.user).exists():
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(
            importing.template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="grids-template.xlsx"'
        return response
    form = GridImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "errors": [], "done": None}
    if request.method == "POST" and form.is_valid():
        try:
            context["done"] = importing.import_grids(form.cleaned_data["file"], actor=request.user)
        except importing.ImportRejected as rejected:
            context["errors"] = rejected.errors
    return render(request, "orgs/grid_import.html", context)


# Enough to pick from while typing; the picker asks again as the query narrows.
PICKER_MATCHES = 12


@login_required
@require_GET
def industry_search(request: HttpRequest) -> HttpResponse:
    """Industry classes (the level an enterprise is recorded at) matching ``q`` by code prefix
    or name, for the searchable picker of the forms (read-only reference data)."""
    query = request.GET.get("q", "").strip()[:50]
    industries = Industry.objects.visible_to(request.user).filter(level=IndustryLevel.CLASS)
    if query:
        industries = industries.filter(Q(code__startswith=query) | Q(name__contains=query))
    matches = [(i.pk, str(i)) for i in industries.order_by("code")[:PICKER_MATCHES]]
    return render(request, "core/widgets/_picker_results.html", {"matches": matches})
