"""htmx helpers: one place that knows how htmx talks to the server."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (and not a history restore, which wants a whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def template_for(request: HttpRequest, page: str, partial: str) -> str:
    """The partial template for an htmx request, the whole page otherwise."""
    return partial if is_htmx(request) else page


class HtmxCacheMiddleware:
    """A page's partial (htmx) and whole answers never stand in for each other.

    htmx fetches ``/enterprises/?town=…`` for the table only and pushes that address into the
    history; Back to it later lets the browser reuse whatever it cached for the address, and
    without these headers that is the bare fragment. ``Vary: HX-Request`` keys every cached
    answer by the header, and a partial is not stored at all (``no-store``). The history-restore
    side is the base template's ``htmx-config`` (``historyRestoreAsHxRequest: false``): a
    restore that misses htmx's own cache asks for the whole page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_vary_headers(response, ("HX-Request",))
        if request.headers.get("HX-Request") == "true":
            patch_cache_control(response, no_store=True, private=True)
        return response
