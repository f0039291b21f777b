"""Pages of the organisation: towns, departments with committees, grids."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from anjian.accounts.models import RoleAssignment
from anjian.core.htmx import template_for
from anjian.core.scoping import get_visible_or_404
from anjian.orgs.models import Committee, Department, Grid, Town


@login_required
def town_list(request: HttpRequest) -> HttpResponse:
    """The towns and streets, with their former names and their grids that the user may see."""
    visible_grids = Grid.objects.visible_to(request.user)
    towns = Town.objects.visible_to(request.user).prefetch_related("renamings")
    counts = dict(
        visible_grids.values_list("town").annotate(n=Count("id")).values_list("town", "n")
    )
    rows = [(town, counts.get(town.pk, 0)) for town in towns]
    return render(request, "orgs/town_list.html", {"rows": rows})


@login_required
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
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One grid and its inspectors."""
    grid = get_visible_or_404(Grid.objects.select_related("town"), request.user, code=code)
    inspectors = RoleAssignment.objects.filter(
        role="grid", jurisdiction_kind="grid", jurisdiction_code=grid.code
    ).select_related("user")
    return render(request, "orgs/grid_detail.html", {"grid": grid, "inspectors": inspectors})
