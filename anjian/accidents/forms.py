"""Forms of the accident pages; they only parse: the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import GradeChoices, InvestigationState, QuotaKind
from anjian.core.widgets import DateTimeInput
from anjian.orgs.models import Town
from anjian.standards import accident_types


def type_choices() -> list[Any]:
    """Both editions' types, grouped: the service checks the code against the edition in
    force on the day of the accident."""
    return [("", "---------")] + [
        (edition, [(t.code, f"{t.code} {t.name}") for t in accident_types.types(edition)])
        for edition in (accident_types.EDITION_2025, accident_types.EDITION_1986)
    ]


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (inputs, selects, check boxes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


class AccidentForm(StyledForm):
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=DateTimeInput())
    learnt_at = forms.DateTimeField(
        label=_("单位负责人接报时间"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("报告时限从此时起算；不填则为发生时间"),
    )
    town = forms.ModelChoiceField(
        label=_("镇街"), queryset=Town.objects.none(), to_field_name="code"
    )
    place = forms.CharField(label=_("发生地点"), max_length=200, required=False)
    enterprise = forms.CharField(
        label=_("事故单位统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("道路交通、居民家中等无生产经营单位的事故不填"),
    )
    industry = forms.CharField(
        label=_("行业代码（GB/T 4754-2017）"),
        max_length=5,
        required=False,
        help_text=_("不填则取事故单位的行业"),
    )
    type = forms.ChoiceField(label=_("事故类型"), choices=type_choices)
    road_traffic = forms.BooleanField(label=_("道路交通事故"), required=False)
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, max_value=100_000)
    missing = forms.IntegerField(label=_("下落不明人数"), min_value=0, max_value=100_000, initial=0)
    serious_injuries = forms.IntegerField(
        label=_("重伤人数（含急性工业中毒）"), min_value=0, max_value=100_000
    )
    direct_loss_yuan = forms.DecimalField(
        label=_("直接经济损失（元）"), min_value=0, max_digits=14, decimal_places=2
    )
    summary = forms.CharField(label=_("简要经过"), max_length=4000, widget=forms.Textarea)

    def __init__(self, *args: Any, towns: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns  # type: ignore[attr-defined]

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["town"] = data["town"].code
        return data


class SupplementaryForm(StyledForm):
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, max_value=100_000)
    missing = forms.IntegerField(label=_("下落不明人数"), min_value=0, max_value=100_000)
    serious_injuries = forms.IntegerField(
        label=_("重伤人数（含急性工业中毒）"), min_value=0, max_value=100_000
    )
    direct_loss_yuan = forms.DecimalField(
        label=_("直接经济损失（元）"), min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("补报说明"), max_length=4000, widget=forms.Textarea)


class ReportStepForm(StyledForm):
    reported_at = forms.DateTimeField(label=_("实际报告时间"), widget=DateTimeInput())


class QuotaForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("对象"), choices=QuotaKind.choices)
    town = forms.ModelChoiceField(
        label=_("镇街"), queryset=Town.objects.all(), to_field_name="code", required=False
    )
    industry = forms.CharField(label=_("行业代码"), max_length=5, required=False)
    deaths_allowed = forms.IntegerField(label=_("死亡人数控制指标"), min_value=0, max_value=100_000)
    set_by = forms.CharField(label=_("下达单位"), max_length=100, required=False)
    document = forms.CharField(label=_("文件"), max_length=200, required=False)

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["town"] = data["town"].code if data.get("town") else ""
        return data


class AccidentFilterForm(StyledForm):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    town = forms.ModelChoiceField(
        label=_("镇街"), queryset=Town.objects.all(), to_field_name="code", required=False
    )
    grade = forms.ChoiceField(
        label=_("事故等级"), choices=[("", _("全部"))] + GradeChoices.choices, required=False
    )
    state = forms.ChoiceField(
        label=_("调查处理状态"),
        choices=[("", _("全部"))] + InvestigationState.choices,
        required=False,
    )
    open = forms.BooleanField(label=_("仅未结案"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部"))] + [(y, str(y)) for y in years]  # type: ignore[attr-defined]

    def apply(self, rows: Any) -> Any:
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data.get("year"):
            rows = rows.filter(occurred_at__year=data["year"])
        if data.get("town"):
            rows = rows.filter(town=data["town"])
        if data.get("grade"):
            rows = rows.filter(grade=data["grade"])
        if data.get("state"):
            rows = rows.filter(state=data["state"])
        if data.get("open"):
            rows = rows.exclude(state=InvestigationState.CLOSED)
        return rows
