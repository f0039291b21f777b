"""htmx helpers: one place that knows how htmx talks to the server."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (and not a history restore, which wants a whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def template_for(request: HttpRequest, page: str, partial: str) -> str:
    """The partial template for an htmx request, the whole page otherwise."""
    return partial if is_htmx(request) else page
