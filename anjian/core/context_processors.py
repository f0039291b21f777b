"""Template context shared by every page of the UI shell."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from anjian.core.models import Notification
from anjian.core.navigation import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """The menu and the unread-notification count for the layout."""
    user = request.user
    if not user.is_authenticated:
        return {"menu": [], "unread_count": 0}
    if request.session.get("anjian_pending"):  # a login step is still owed: no way elsewhere
        return {"menu": [], "unread_count": 0}
    return {
        "menu": menu_for(user, request.path),
        "unread_count": Notification.objects.visible_to(user).unread().count(),
    }
