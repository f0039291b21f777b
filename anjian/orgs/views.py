"""Pages of the organisation: towns, departments with committees, grids."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from anjian.accounts.choices import Role
from anjian.accounts.models import RoleAssignment
from anjian.core.htmx import template_for
from anjian.core.navigation import page_of
from anjian.core.scoping import get_visible_or_404, grants_of
from anjian.orgs.choices import IndustryLevel
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
        "towns": Town.objects.visible_to(request.user),
        "town": town,
        "q": query,
    }
    template = template_for(request, "orgs/grid_list.html", "orgs/_grid_table.html")
    return render(request, template, context)


@login_required
@page_of("orgs:grid_list")
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One grid and its inspectors."""
    grid = get_visible_or_404(Grid.objects.select_related("town"), request.user, code=code)
    inspectors = RoleAssignment.objects.filter(
        role="grid", jurisdiction_kind="grid", jurisdiction_code=grid.code
    ).select_related("user")
    return render(request, "orgs/grid_detail.html", {"grid": grid, "inspectors": inspectors})


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
