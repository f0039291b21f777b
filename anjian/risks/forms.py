"""Forms of the risk register: plain forms whose values the services check and evaluate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from anjian.core.updating import version_field
from anjian.risks.choices import ControlLevel, MeasureKind, Method, PointKind, ReviewReason
from anjian.standards import accident_types, hazard_factors, risk


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", f"{css} form-control-sm")


def plain(value: Any) -> str:
    """A stored value as a choice key: Decimal 3.0 → "3", None → ""."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _numbers(values: Any) -> list[tuple[str, str]]:
    return [("", "—")] + [
        (plain(value), f"{plain(value)} {meaning}") for value, meaning in values.items()
    ]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = cast(forms.ChoiceField, form.fields[name])
    field.choices = choices


_LS = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class PointForm(forms.Form):
    name = forms.CharField(label=_("风险点名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=PointKind.choices)
    location = forms.CharField(label=_("区域位置"), max_length=100, required=False)
    post = forms.CharField(label=_("岗位"), max_length=100, required=False)
    emergency_actions = forms.CharField(
        label=_("应急处置"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    emergency_phone = forms.CharField(label=_("应急电话"), max_length=50, required=False)
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class HazardForm(forms.Form):
    description = forms.CharField(label=_("危险源或潜在事件"), max_length=200)
    factor_code = forms.ChoiceField(label=_("危险有害因素类别（GB/T 13861-2022）"))
    accident_types = forms.MultipleChoiceField(
        label=_("可能导致的事故类型（GB 6441-2025）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(label=_("评价方法"), choices=Method.choices)
    l_value = forms.ChoiceField(label=_("L（可能性）"), required=False)
    e_value = forms.ChoiceField(label=_("E（暴露频繁程度，LEC）"), required=False)
    c_value = forms.ChoiceField(label=_("C（后果，LEC）"), required=False)
    s_value = forms.ChoiceField(label=_("S（严重性，LS）"), required=False, choices=_LS)
    residual_l = forms.ChoiceField(label=_("采取措施后 L"), required=False)
    residual_e = forms.ChoiceField(label=_("采取措施后 E"), required=False)
    residual_c = forms.ChoiceField(label=_("采取措施后 C"), required=False)
    residual_s = forms.ChoiceField(label=_("采取措施后 S"), required=False, choices=_LS)
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(
            self,
            "factor_code",
            [
                (f.code, f"{'　' * (f.level - 1)}{f.code} {f.name}")
                for f in hazard_factors.factors()
            ],
        )
        _choices(
            self,
            "accident_types",
            [(t.code, t.name) for t in accident_types.types(accident_types.EDITION_2025)],
        )
        # L: LEC's values and LS's 1–5 together (the method decides which are allowed).
        l_choices = _numbers(risk.L_VALUES) + [(str(n), f"{n}（LS）") for n in (2, 4, 5)]
        for name in ("l_value", "residual_l"):
            _choices(self, name, l_choices)
        for name in ("e_value", "residual_e"):
            _choices(self, name, _numbers(risk.E_VALUES))
        for name in ("c_value", "residual_c"):
            _choices(self, name, _numbers(risk.C_VALUES))
        _style(self)

    @staticmethod
    def initial_of(hazard: Any) -> dict[str, Any]:
        fields = ("description", "factor_code", "method", "l_value", "e_value", "c_value",
                  "s_value", "residual_l", "residual_e", "residual_c", "residual_s")  # fmt: skip
        initial: dict[str, Any] = {name: plain(getattr(hazard, name)) for name in fields}
        initial["accident_types"] = list(hazard.accident_types)
        return initial


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施类别"), choices=MeasureKind.choices)
    description = forms.CharField(
        label=_("管控措施"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    control_level = forms.ChoiceField(label=_("管控层级"), choices=ControlLevel.choices)
    responsible = forms.CharField(label=_("责任人"), max_length=50)
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReviewForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("再评估原因"),
        choices=[c for c in ReviewReason.choices if c[0] != ReviewReason.PERIODIC],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
