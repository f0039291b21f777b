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
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


class ErrorOut(Schema):
    """Every 4xx answer: a human-readable ``detail`` and a stable machine ``code``."""

    detail: Any
    code: str


# Client errors any operation may answer whatever it declares itself, documented once here
# for every operation so that the document tells the truth (schemathesis checks each answer
# against it): which status, when.
_COMMON_ERRORS: dict[int, tuple[str, str]] = {
    400: ("body", "请求体不是合法的JSON / the body is not valid JSON"),
    401: ("security", "未登录或令牌无效 / not signed in, or the token is invalid"),
    413: ("body", "请求体过大 / the body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE"),
    422: ("input", "参数或请求体无效 / invalid parameters or body"),
}


class AnjianApi(NinjaAPI):
    """The project's NinjaAPI: its OpenAPI document declares the common client errors."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(**kwargs)
        declare_common_errors(document)
        return document


def declare_common_errors(document: Any) -> None:
    """Add :data:`_COMMON_ERRORS` to each operation of an OpenAPI ``document`` where they
    apply (a body, authentication, any input), in the one error format."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in document["paths"].values():
        for operation in operations.values():
            applies = {
                "body": "requestBody" in operation,
                "security": bool(operation.get("security")),
                "input": bool(operation.get("parameters") or "requestBody" in operation),
            }
            for status, (condition, description) in _COMMON_ERRORS.items():
                if applies[condition]:
                    operation["responses"].setdefault(
                        str(status), {"description": description, "content": error}
                    )


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


def too_large_message() -> str:
    """The 413 text: the body limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``) in the user's words."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("请求内容超过%(mb).1f MB上限") % {"mb": limit / 1024 / 1024}


# The deepest page a list serves: far past any real list, and small enough that every offset
# it gives fits the databases' 64-bit integers (a larger one was a 500: issue 11).
MAX_PAGE = 1_000_000


class PageNumber(PaginationBase):
    """``?page=N&page_size=M`` answering ``{"items": [...], "count": N}``; every paginated
    list uses its ``Input`` (through ``@paginate`` or as a ``Query`` parameter)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number")
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
