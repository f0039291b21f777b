"""Request context (an id for each request, for logs and audit records) and the language."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext_lazy as _

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


class ApiErrorFormatMiddleware:
    """Every 4xx under ``/api/`` in the API's one error format ``{"detail", "code"}``.

    API operations already answer so; this covers what Django and the router answer before an
    operation runs: an unknown path (404), a method the path does not take (405), and a body
    declared larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (413, before anything reads it, where
    Django would answer a bare 400).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from anjian.core.api import ERROR_CODES, too_large_message

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/") and limit is not None:
            declared = str(request.META.get("CONTENT_LENGTH") or "0")
            if declared.isdigit() and int(declared) > limit:
                body = {"detail": too_large_message(), "code": ERROR_CODES[413]}
                return JsonResponse(body, status=413, json_dumps_params={"ensure_ascii": False})
        response = self.get_response(request)
        status = response.status_code
        if (
            not request.path.startswith("/api/")
            or not 400 <= status < 500
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        messages = {404: _("接口不存在"), 405: _("该接口不支持此请求方法")}
        body = {
            "detail": str(messages.get(status, response.reason_phrase)),
            "code": ERROR_CODES.get(status, "error"),
        }
        formatted = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
        if "Allow" in response:
            formatted["Allow"] = response["Allow"]
        return formatted
