"""Form widgets shared by every module.

Dates: the browser's own pickers (``type=date`` / ``datetime-local``), whose value must be ISO in
every language; ``anjian.core.formats`` (``FORMAT_MODULE_PATH``) makes ISO the rendering format of
every date input, and these widgets pin it as well so that a form never depends on the locale.
"""

from __future__ import annotations

from django import forms


class DateInput(forms.DateInput):
    """``<input type="date">`` with an ISO value (``2026-03-27``) in every language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` with an ISO value (``2026-03-27T08:30``)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class SearchPicker(forms.Widget):
    """A searchable choice for a long reference list (1,400 industry classes and the like).

    The page carries only the chosen value (a hidden input) and its label; typing asks
    ``search_url`` (an htmx GET with ``q``) for a few matches, rendered by
    ``core/widgets/_picker_results.html``, and ``core/anjian.js`` writes the one picked into the
    hidden input. The endpoint serves read-only reference data the field's queryset also holds:
    the field still validates the submitted value against its own queryset.
    """

    template_name = "core/widgets/search_picker.html"

    def __init__(self, search_url: str, attrs: dict[str, object] | None = None) -> None:
        super().__init__(attrs)
        self.search_url = search_url

    def get_context(self, name: str, value: object, attrs: dict[str, object] | None) -> dict:
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = reverse(self.search_url)
        context["widget"]["label"] = self._label(value)
        return context

    def _label(self, value: object) -> str:
        """The label of the current value, from the field's own queryset (one query)."""
        choices = getattr(self, "choices", None)
        if value in (None, "") or choices is None or not hasattr(choices, "queryset"):
            return ""
        chosen = choices.queryset.filter(pk=value).first()
        return "" if chosen is None else str(choices.field.label_from_instance(chosen))
