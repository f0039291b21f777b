"""Request context (an id for each request, for logs and audit records) and the language."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

_request_id: ContextVar[str] = ContextVar("request_id", default="")
_client_address: ContextVar[str] = ContextVar("client_address", default="")


def current_request_id() -> str:
    """The id of the request being served, or '' outside a request."""
    return _request_id.get()


def current_client_address() -> str:
    """The client address of the request being served, or '' outside a request."""
    return _client_address.get()


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, which a trusted proxy is configured to set."""
    return str(request.META.get("REMOTE_ADDR", ""))


class RequestContextMiddleware:
    """Tag each request with an id (echoed as X-Request-ID) and remember the client address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        id_token = _request_id.set(request_id)
        address_token = _client_address.set(client_address(request))
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(id_token)
            _client_address.reset(address_token)
        response["X-Request-ID"] = request_id
        return response


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user picked another language with the switch (its cookie).

    The browser's Accept-Language is not consulted: an official whose browser happens to be
    set to English still gets the Chinese the office works in, and one click changes it.
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
