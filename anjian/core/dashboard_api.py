"""The home page's figures as data: ``GET /api/v1/dashboard``, the same panels the page shows."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from anjian.core import dashboard

router = Router(tags=["dashboard"])


class PanelOut(Schema):
    key: str
    title: str
    data: dict[str, Any]


class DashboardOut(Schema):
    panels: list[PanelOut]


@router.get("/dashboard", response=DashboardOut, summary="工作台数据 / dashboard figures")
def get_dashboard(request: HttpRequest) -> dict[str, Any]:
    """Every panel the user's home page shows, each scoped to the user."""
    panels = [
        {"key": panel.key, "title": str(panel.title), "data": data}
        for panel, data in dashboard.panels_for(request.user)
    ]
    return {"panels": panels}
