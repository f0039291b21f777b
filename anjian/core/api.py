"""Shared pieces of the JSON API: one error format, page-number pagination, authentication."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase

ERROR_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid",
    429: "throttled",
}


class ErrorOut(Schema):
    """Every 4xx answer: a human-readable ``detail`` and a stable machine ``code``."""

    detail: Any
    code: str


class ApiError(HttpError):
    """An HTTP error with an explicit code, e.g. ``ApiError(409, "duplicate", "…")``."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, detail: Any, code: str = ""
) -> HttpResponse:
    """The one error body: ``{"detail": ..., "code": ...}``."""
    body = {"detail": detail, "code": code or ERROR_CODES.get(status, "error")}
    return api.create_response(request, body, status=status)


def install_error_handlers(api: NinjaAPI) -> None:
    """Route every client error of ``api`` through :func:`error_response`."""
    from anjian.core.workflow.service import TransitionRefused

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = getattr(exc, "code", "")
        return error_response(api, request, exc.status_code, str(exc.message), code)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response(api, request, 422, exc.errors)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, _("对象不存在或无权访问"))

    def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or _("无权执行此操作"))

    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(api, request, 401, _("未登录或令牌无效"))

    def on_refused(request: HttpRequest, exc: TransitionRefused) -> HttpResponse:
        # The one error format, plus the actions the caller may take now.
        body = {"detail": str(exc.message), "code": exc.code, "allowed": exc.allowed}
        return api.create_response(request, body, status=409)

    handlers: list[tuple[type[Exception], Any]] = [
        (HttpError, on_http_error),
        (ValidationError, on_validation),
        (Http404, on_not_found),
        (PermissionDenied, on_denied),
        (AuthenticationError, on_unauthenticated),
        (TransitionRefused, on_refused),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


class PageNumber(PaginationBase):
    """``?page=N&page_size=M`` answering ``{"items": [...], "count": N}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, description="1-based page number")
        page_size: int = Field(
            20, ge=1, le=settings.API_MAX_PAGE_SIZE, description="items per page"
        )

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[offset : offset + pagination.page_size]),
            "count": queryset.count(),
        }
