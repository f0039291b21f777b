"""The grid page's enterprises: putting a town's enterprises into a grid and taking them out.

The grid page itself is the organisation's (``orgs:grid_detail``); this app adds its panel
(:func:`grid_panel`) and the two actions, which answer by going back to the grid page.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anjian.core.scoping import get_editable_or_404
from anjian.enterprises import services
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Grid

_SEPARATORS = re.compile(r"[\s,，;；、]+")


def grid_panel(grid: Grid, user: Any) -> dict[str, Any]:
    """How many of the grid's enterprises the user sees, the first ones, and the list's link."""
    enterprises = EnterpriseFilter(grid=grid.code).apply(Enterprise.objects.visible_to(user))
    editable = (
        grid.retired_at is None and Grid.objects.editable_by(user).filter(pk=grid.pk).exists()
    )
    return {
        "count": enterprises.count(),
        "first": list(enterprises.only("pk", "name", "credit_code")[:20]),
        "list_url": reverse("enterprises:list")
        + "?"
        + EnterpriseFilter(grid=grid.code).query_string(),
        "editable": editable,
    }


def _done(request: HttpRequest, code: str, change: Any) -> HttpResponse:
    try:
        result = change()
    except (PermissionDenied, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    else:
        messages.success(request, _("已更新网格内企业（%(n)s家）。") % {"n": result})
    return redirect("orgs:grid_detail", code=code)


@login_required
@require_POST
def grid_assign(request: HttpRequest, code: str) -> HttpResponse:
    """Put the listed enterprises (credit codes) into this grid, all or none."""
    grid = get_editable_or_404(Grid.objects, request.user, code=code)
    codes = _SEPARATORS.split(request.POST.get("credit_codes", ""))
    return _done(request, code, lambda: services.assign_to_grid(grid, codes, actor=request.user))


@login_required
@require_POST
def grid_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Take one enterprise out of this grid."""
    grid = get_editable_or_404(Grid.objects, request.user, code=code)
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=pk, grid=grid)

    def change() -> int:
        services.remove_from_grid(enterprise, actor=request.user)
        return 1

    return _done(request, code, change)
