"""The audit log through the API, for the auditor's tools: read-only, filtered, paginated."""

from datetime import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterSchema, Query, Router, Schema
from ninja.filter_schema import FilterLookup
from ninja.pagination import paginate

from anjian.core.api import ErrorOut, PageNumber
from anjian.core.models import AuditLog
from anjian.core.scoping import get_visible_or_404

router = Router(tags=["audit"])


class AuditOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: Any = None
    after: Any = None
    detail: str
    client_address: str
    request_id: str
    prev_hash: str
    hash: str


class AuditFilter(FilterSchema):
    action: str | None = None
    actor: Annotated[str | None, FilterLookup("actor_name__icontains")] = None
    object_type: str | None = None
    object_id: str | None = None
    since: Annotated[datetime | None, FilterLookup("at__gte")] = None
    until: Annotated[datetime | None, FilterLookup("at__lte")] = None
    q: Annotated[str | None, FilterLookup(["object_repr__contains", "detail__contains"])] = None


@router.get("/audit", response=list[AuditOut], summary="审计日志 / audit log (auditor)")
@paginate(PageNumber)
def list_audit(request: HttpRequest, filters: Query[AuditFilter]) -> QuerySet[AuditLog]:
    """Newest first; only the auditor sees any record."""
    return filters.filter(AuditLog.objects.visible_to(request.user)).order_by("-seq")


@router.get(
    "/audit/{seq}", response={200: AuditOut, 404: ErrorOut}, summary="审计记录 / audit record"
)
def get_audit(request: HttpRequest, seq: int) -> AuditLog:
    return get_visible_or_404(AuditLog.objects, request.user, seq=seq)
