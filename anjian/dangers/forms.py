"""Forms of the dangers pages; choices come from ``visible_to(user)``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.widgets import DateInput
from anjian.dangers.choices import DangerCategory, DangerSource, Frequency
from anjian.dangers.models import Checklist
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Department


class DangerForm(forms.Form):
    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label=_("企业"))
    source = forms.ChoiceField(choices=DangerSource.choices, label=_("来源"))
    place = forms.CharField(max_length=200, label=_("隐患部位"))
    description = forms.CharField(
        max_length=2000, label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ChoiceField(choices=DangerCategory.choices, label=_("隐患类别"))
    responsible_person = forms.CharField(max_length=50, required=False, label=_("整改责任人"))
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput())
    photo = forms.ImageField(required=False, label=_("照片（可直接拍照）"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enterprises = Enterprise.objects.visible_to(user).only("pk", "name")
        self.fields["enterprise"].queryset = enterprises  # type: ignore[attr-defined]
        self.fields["photo"].widget.attrs.update({"capture": "environment", "accept": "image/*"})
        if not self.is_bound:
            self.initial.setdefault("deadline", timezone.localdate() + timedelta(days=7))


class PlanForm(forms.Form):
    owner = forms.CharField(max_length=50, label=_("责任落实（责任人）"))
    measures = forms.CharField(
        max_length=2000, label=_("措施落实（治理措施）"), widget=forms.Textarea(attrs={"rows": 2})
    )
    funds = forms.DecimalField(
        min_value=0, max_digits=12, decimal_places=2, label=_("资金落实（万元）")
    )
    deadline = forms.DateField(label=_("时限落实（完成期限）"), widget=DateInput())
    contingency_plan = forms.CharField(
        max_length=2000, label=_("预案落实（应急预案）"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(forms.Form):
    deadline = forms.DateField(label=_("申请延至"), widget=DateInput())
    reason = forms.CharField(
        max_length=1000, label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ListingForm(forms.Form):
    deadline = forms.DateField(label=_("督办期限"), widget=DateInput())
    report_interval_days = forms.IntegerField(
        min_value=1, max_value=90, initial=7, label=_("进展报告间隔（天）")
    )
    department = forms.ModelChoiceField(
        Department.objects.all(), required=False, label=_("督办部门")
    )


class ReportForm(forms.Form):
    text = forms.CharField(
        max_length=2000, label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionPlanForm(forms.Form):
    enterprise = forms.ModelChoiceField(Enterprise.objects.none(), label=_("企业"))
    checklist = forms.ModelChoiceField(Checklist.objects.all(), label=_("排查清单"))
    name = forms.CharField(max_length=100, label=_("计划名称"))
    frequency = forms.ChoiceField(choices=Frequency.choices, label=_("频次"))
    post = forms.CharField(max_length=50, required=False, label=_("岗位"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = (  # type: ignore[attr-defined]
            Enterprise.objects.editable_by(user).only("pk", "name")
        )
