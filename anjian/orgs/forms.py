"""Forms of the organisation's pages: a town's grids."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.scoping import grants_of
from anjian.orgs.models import Town


def grid_towns(user: Any) -> Any:
    """The towns in which ``user`` may set up grids: every town for the city office, its own
    for a town officer."""
    grants = grants_of(user)
    if grants.city_wide:
        return Town.objects.all()
    return Town.objects.filter(code__in=grants.towns)


class GridForm(forms.Form):
    name = forms.CharField(label=_("网格名称"), max_length=100)
    description = forms.CharField(
        label=_("范围说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GridCreateForm(GridForm):
    town = forms.ModelChoiceField(
        label=_("镇街"), queryset=Town.objects.none(), to_field_name="code"
    )
    code = forms.CharField(label=_("网格编码"), max_length=20)

    field_order = ["town", "code", "name", "description"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = grid_towns(user)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]
        if len(towns) == 1:
            self.fields["town"].initial = towns[0].code


class GridImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件"))
