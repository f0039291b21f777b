"""Forms of the registry pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anjian.enterprises import credit_code
from anjian.enterprises.geo import city_shape
from anjian.enterprises.importer import LANDLINE, MOBILE
from anjian.enterprises.models import Enterprise, Licence
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Department, Grid, Industry, SupervisionCategory, Town

if TYPE_CHECKING:
    _ModelForm = forms.ModelForm[Enterprise]
    _LicenceModelForm = forms.ModelForm[Licence]
else:
    _ModelForm = forms.ModelForm
    _LicenceModelForm = forms.ModelForm


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else "form-control"
        if isinstance(widget, forms.Select):
            css = "form-select"
        widget.attrs.setdefault("class", css)


class EnterpriseForm(_ModelForm):
    """Profile of an enterprise; identity fields changed by an enterprise user go to the town."""

    class Meta:
        model = Enterprise
        fields = [
            "credit_code", "name", "address", "longitude", "latitude", "town", "grid",
            "industry", "employees", "annual_revenue", "above_designated_size",
            "legal_representative", "principal", "principal_phone", "safety_manager",
            "safety_manager_phone", "status", "categories", "standardisation_grade",
            "standardisation_expires", "insurance_insurer", "insurance_expires",
        ]  # fmt: skip
        widgets = {
            "standardisation_expires": forms.DateInput(attrs={"type": "date"}),
            "insurance_expires": forms.DateInput(attrs={"type": "date"}),
            "categories": forms.SelectMultiple(attrs={"size": 6}),
        }

    reason = forms.CharField(
        label=_("变更理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    override_departments = forms.BooleanField(
        label=_("手工指定监管部门"),
        required=False,
        help_text=_("不勾选：监管部门按行业自动确定"),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("监管部门（手工指定时）"),
        queryset=Department.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(
        self,
        *args: Any,
        towns: Any = None,
        grids: Any = None,
        may_assign_departments: bool = True,
        **kwargs: Any,
    ) -> None:
        """``towns``/``grids``: the choices the user may pick (default all; grids are scoped
        data, so views pass the user's); an enterprise user may not choose who supervises it
        (``may_assign_departments=False``)."""
        super().__init__(*args, **kwargs)
        if may_assign_departments:
            if self.instance.pk:
                self.fields["override_departments"].initial = self.instance.departments_overridden
                self.fields["departments"].initial = list(self.instance.departments.all())
        else:
            del self.fields["override_departments"], self.fields["departments"]
        self.fields["town"].queryset = towns if towns is not None else Town.objects.all()  # type: ignore[attr-defined]
        grid_choices: Any = grids if grids is not None else Grid.objects.all()
        self.fields["grid"].queryset = grid_choices.select_related("town")  # type: ignore[attr-defined]
        self.fields["industry"].queryset = Industry.objects.filter(level=IndustryLevel.CLASS)  # type: ignore[attr-defined]
        # The city's key categories (orgs/data/key_categories.csv), not the regulators' lists.
        self.fields["categories"].queryset = SupervisionCategory.objects.key_list()  # type: ignore[attr-defined]
        _style(self)

    def clean_credit_code(self) -> str:
        try:
            return credit_code.normalize(self.cleaned_data["credit_code"])
        except credit_code.CreditCodeError as error:
            raise ValidationError(error.translate(gettext)) from None

    def _phone(self, key: str) -> str:
        phone = str(self.cleaned_data.get(key) or "").replace(" ", "")
        if phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
            raise ValidationError(_("电话格式不正确（手机11位或固话如0632-5512345）"))
        return phone

    def clean_principal_phone(self) -> str:
        return self._phone("principal_phone")

    def clean_safety_manager_phone(self) -> str:
        return self._phone("safety_manager_phone")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lng, lat = data.get("longitude"), data.get("latitude")
        if (lng is None) != (lat is None):
            raise ValidationError(_("经度和纬度须同时填写或同时留空"))
        shape = city_shape()
        if lng is not None and lat is not None and shape and not shape.contains(lng, lat):
            self.add_error("longitude", _("坐标不在滕州市界内"))
        grid, town = data.get("grid"), data.get("town")
        if grid is not None and town is not None and grid.town_id != town.pk:
            self.add_error("grid", _("网格不属于该镇街"))
        if data.get("override_departments") and not data.get("departments"):
            self.add_error("departments", _("手工指定时请至少选择一个监管部门"))
        return data

    def department_choice(self) -> tuple[list[Department] | None, bool]:
        """What the service gets: (departments, derive). ``None, False`` keeps them as they are
        (a user who may not assign departments); ``None, True`` derives them from the industry;
        a list overrides."""
        if "override_departments" not in self.fields:
            return None, False
        if self.cleaned_data.get("override_departments"):
            return list(self.cleaned_data["departments"]), False
        return None, True


class LicenceForm(_LicenceModelForm):
    """A licence or certificate (许可证、资质证书) of an enterprise."""

    class Meta:
        model = Licence
        fields = ["kind", "number", "issuer", "issued_on", "expires_on"]
        labels = {"issued_on": _("有效期自（发证日期）"), "expires_on": _("有效期至")}
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["list"] = "licence-kinds"
        _style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("issued_on"), data.get("expires_on")
        if start and end and end < start:
            self.add_error("expires_on", _("有效期至不能早于有效期自"))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel文件（.xlsx、.xls、.ods）"),
        widget=forms.ClearableFileInput(
            attrs={"class": "form-control", "accept": ".xlsx,.xls,.ods"}
        ),
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
