"""Session security: the idle timeout, and the gate that holds a half-signed-in session.

After the password, a session may still owe a step: the TOTP code (``totp``), enrolling a
second factor that the user's role requires (``enrol``), or changing an issued password
(``password``). Until the steps are done the session reaches only those pages, logout and the
language switch; the API answers 401.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

PENDING_KEY = "anjian_pending"
ACTIVITY_KEY = "anjian_last_activity"
STEP_URLS = {
    "totp": "accounts:totp_verify",
    "enrol": "accounts:totp_enrol",
    "password": "accounts:password_change",
}


def _always_open() -> tuple[str, ...]:
    return (
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("set_language"),
        reverse("healthz"),
        settings.STATIC_URL,
    )


def _refuse(request: HttpRequest, step_url: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "not_authenticated"}, status=401)
    return redirect(step_url)


class LoginSecurityMiddleware:
    """Log out sessions idle for ``SESSION_IDLE_TIMEOUT_SECONDS``; enforce pending login steps."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        last = request.session.get(ACTIVITY_KEY)
        if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_SECONDS:
            request._anjian_logout_reason = "idle timeout"  # type: ignore[attr-defined]
            logout(request)
            return _refuse(request, reverse("accounts:login"), _("会话已超时，请重新登录。"))
        request.session[ACTIVITY_KEY] = now
        pending: list[str] = request.session.get(PENDING_KEY) or []
        if pending:
            step_url = reverse(STEP_URLS[pending[0]])
            if request.path != step_url and not request.path.startswith(_always_open()):
                return _refuse(request, step_url, _("请先完成登录验证。"))
        return self.get_response(request)
