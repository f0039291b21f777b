"""The working-day calendar page: the city office enters a new holiday notice's days.

Everyone signed in may read it; the city office (write scope of
:class:`~anjian.core.lifecycle_models.CalendarAmendment`) adds and removes amendments. The page
warns when this year (or, from November, next year) has no notice in the package or the table.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anjian.core import audit
from anjian.core.calendar import package_years, uncovered_years
from anjian.core.lifecycle_models import CalendarAmendment
from anjian.core.scoping import get_editable_or_404, grants_of


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = CalendarAmendment
        fields = ["day", "is_working_day", "notice", "note"]
        widgets = {"day": forms.DateInput(attrs={"type": "date"})}
        labels = {"is_working_day": gettext_lazy("当天上班（调休工作日）")}


@transaction.atomic
def add_amendment(form: AmendmentForm, *, actor: object) -> CalendarAmendment:
    """Save a city office's amendment of one day, audited."""
    amendment: CalendarAmendment = form.save(commit=False)
    amendment.created_by = actor  # type: ignore[assignment]
    amendment.save()
    audit.record("create", actor=actor, obj=amendment, after=audit.snapshot(amendment))
    return amendment


@transaction.atomic
def remove_amendment(amendment: CalendarAmendment, *, actor: object) -> None:
    """Delete an amendment (the package's answer applies again), audited."""
    audit.record("delete", actor=actor, obj=amendment, before=audit.snapshot(amendment))
    amendment.delete()


@login_required
def amendments(request: HttpRequest) -> HttpResponse:
    """The amendments, the years the package covers, and the form for the city office."""
    grants = grants_of(request.user)
    can_edit = bool(grants.city_wide)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            add_amendment(form, actor=request.user)
            messages.success(request, _("已保存"))
            return redirect("core:calendar")
    context = {
        "rows": CalendarAmendment.objects.visible_to(request.user),
        "form": form,
        "can_edit": can_edit,
        "package_years": package_years(),
        # The notice to enter concerns the city office and the administrator ("admin" is the
        # role code the accounts app registers; core does not import it).
        "missing_years": (
            uncovered_years(timezone.localdate()) if can_edit or grants.has("admin") else []
        ),
    }
    return render(request, "core/calendar.html", context)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one amendment (city office only; 404 for anyone else)."""
    amendment = get_editable_or_404(CalendarAmendment.objects, request.user, pk=pk)
    remove_amendment(amendment, actor=request.user)
    return redirect("core:calendar")
