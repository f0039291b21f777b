"""API of the accidents module: ``/api/v1/accidents`` and ``/api/v1/accident-quotas``.

Writes call :mod:`anjian.accidents.services`; the investigation's transitions are the core
workflow's routes (``/accidents/{id}/transitions``). A bad value is a 422 naming the field,
a reference outside the caller's scope the same 422 as an unknown one.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from anjian.accidents import services
from anjian.accidents.choices import GradeChoices
from anjian.accidents.models import Accident, ReportStep
from anjian.accidents.queries import quota_rows, this_year
from anjian.core import deadlines
from anjian.core.api import ApiError, ErrorOut, PageNumber
from anjian.core.scoping import get_visible_or_404
from anjian.core.workflow.api import add_transition_routes

router = Router(tags=["accidents"])


def _invalid(error: DjangoValidationError) -> ApiError:
    return ApiError(422, "invalid", "; ".join(error.messages))


class AccidentIn(Schema):
    occurred_at: datetime
    town: str = Field(..., max_length=12, description="town division code (12 digits)")
    type: str = Field(
        ...,
        max_length=10,
        description="accident type code of the edition in force on the day (GB 6441-2025 "
        "WSA1xxxx from ACCIDENT_TYPES_2025_FROM, GB/T 6441-1986 1–20 before)",
    )
    deaths: int = Field(..., ge=0, le=100_000)
    serious_injuries: int = Field(..., ge=0, le=100_000)
    direct_loss_yuan: Decimal = Field(..., ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    summary: str = Field(..., min_length=1, max_length=4000)
    missing: int = Field(0, ge=0, le=100_000)
    enterprise: str = Field("", max_length=18, description="credit code, if there is a unit")
    industry: str = Field("", max_length=5, description="GB/T 4754-2017 code")
    place: str = Field("", max_length=200)
    learnt_at: datetime | None = None
    road_traffic: bool = False


class SupplementaryIn(Schema):
    deaths: int = Field(..., ge=0, le=100_000)
    missing: int = Field(..., ge=0, le=100_000)
    serious_injuries: int = Field(..., ge=0, le=100_000)
    direct_loss_yuan: Decimal = Field(..., ge=0, le=Decimal("999999999999.99"), decimal_places=2)
    note: str = Field(..., min_length=1, max_length=4000)


class ReportStepIn(Schema):
    reported_at: datetime


class ReportStepOut(Schema):
    id: int
    level: str
    due_at: datetime
    reported_at: datetime | None
    late: bool
    overdue: bool


class DeadlineOut(Schema):
    kind: str
    due_at: datetime


class AccidentOut(Schema):
    id: int
    occurred_at: datetime
    learnt_at: datetime
    place: str
    town: str
    enterprise: str
    industry: str
    type_edition: str
    type: str
    type_name: str
    needs_recoding: bool
    road_traffic: bool
    deaths: int
    missing: int
    serious_injuries: int
    direct_loss_yuan: Decimal
    summary: str
    grade: str = Field(..., description=", ".join(GradeChoices.values))
    state: str
    supplementary_until: str
    investigation_due: str
    extension_days: int
    reporting_chain: list[ReportStepOut]
    deadlines: list[DeadlineOut]


def accident_out(accident: Accident) -> AccidentOut:
    now = timezone.now()
    open_deadlines = [
        DeadlineOut(kind=kind, due_at=deadline.due_at)
        for kind in ("investigation", "approval")
        if (deadline := deadlines.current_deadline(accident, kind)) is not None
    ]
    return AccidentOut(
        id=accident.pk,
        occurred_at=accident.occurred_at,
        learnt_at=accident.learnt_at,
        place=accident.place,
        town=accident.town.code,
        enterprise=accident.enterprise.credit_code if accident.enterprise else "",
        industry=accident.industry.code if accident.industry else "",
        type_edition=accident.type_edition,
        type=accident.type_code,
        type_name=accident.accident_type.name,
        needs_recoding=accident.needs_recoding,
        road_traffic=accident.road_traffic,
        deaths=accident.deaths,
        missing=accident.missing,
        serious_injuries=accident.serious_injuries,
        direct_loss_yuan=accident.direct_loss_yuan,
        summary=accident.summary,
        grade=accident.grade,
        state=accident.state,
        supplementary_until=accident.supplementary_until.isoformat(),
        investigation_due=accident.investigation_due.isoformat(),
        extension_days=accident.extension_days,
        reporting_chain=[
            ReportStepOut(
                id=step.pk,
                level=step.level,
                due_at=step.due_at,
                reported_at=step.reported_at,
                late=step.late,
                overdue=step.overdue(now),
            )
            for step in accident.report_steps.all()
        ],
        deadlines=open_deadlines,
    )


def _detail_queryset() -> Any:
    return Accident.objects.select_related("town", "enterprise", "industry").prefetch_related(
        "report_steps"
    )


class AccidentFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    town: str = Field("", max_length=12)
    grade: str = Field("", max_length=30)
    state: str = Field("", max_length=30)


class _Page:
    """Rows (a queryset or a list) shaped by ``shape`` only for the page that is served."""

    def __init__(self, rows: Any, shape: Any) -> None:
        self.rows = rows
        self.shape = shape

    def __getitem__(self, item: slice) -> list[Any]:
        return [self.shape(row) for row in self.rows[item]]

    def count(self) -> int:
        return len(self.rows) if isinstance(self.rows, list) else int(self.rows.count())


@router.get("/accidents", response=list[AccidentOut], summary="事故列表 / accidents")
@paginate(PageNumber)
def list_accidents(request: HttpRequest, filters: Query[AccidentFilters]) -> Any:
    """The accidents the caller may see, newest first."""
    rows = _detail_queryset().visible_to(request.user)
    if filters.year:
        rows = rows.filter(occurred_at__year=filters.year)
    if filters.town:
        rows = rows.filter(town__code=filters.town)
    if filters.grade:
        rows = rows.filter(grade=filters.grade)
    if filters.state:
        rows = rows.filter(state=filters.state)
    return _Page(rows, accident_out)


@router.post(
    "/accidents",
    response={201: AccidentOut, 403: ErrorOut, 422: ErrorOut},
    summary="事故快报 / report an accident",
)
def create_accident(request: HttpRequest, body: AccidentIn) -> Status:
    """A quick report by the city office, a town (its territory) or a department."""
    try:
        accident = services.create_accident(body.model_dump(), actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    except PermissionDenied:
        raise ApiError(403, "permission_denied", "无权报告该镇街的事故") from None
    return Status(201, accident_out(_detail_queryset().get(pk=accident.pk)))


@router.get(
    "/accidents/{accident_id}",
    response={200: AccidentOut, 404: ErrorOut},
    summary="事故详情 / accident",
)
def get_accident(request: HttpRequest, accident_id: int) -> AccidentOut:
    return accident_out(get_visible_or_404(_detail_queryset(), request.user, pk=accident_id))


@router.post(
    "/accidents/{accident_id}/supplementary-reports",
    response={201: AccidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="事故补报 / supplementary report",
)
def supplement(request: HttpRequest, accident_id: int, body: SupplementaryIn) -> Status:
    """The counts as now known; regraded only inside the window of art. 13."""
    accident = get_visible_or_404(Accident.objects, request.user, pk=accident_id)
    try:
        services.add_supplementary_report(accident, body.model_dump(), actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Status(201, accident_out(_detail_queryset().get(pk=accident.pk)))


@router.post(
    "/accidents/{accident_id}/report-steps/{step_id}",
    response={200: AccidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="记录逐级上报时间 / record a report step",
)
def report_step(
    request: HttpRequest, accident_id: int, step_id: int, body: ReportStepIn
) -> AccidentOut:
    # By its own key, then its accident compared here: a foreign-key lookup passes an id beyond
    # the database's integer range to SQLite unchecked (OverflowError), a primary key does not.
    step = get_visible_or_404(ReportStep.objects, request.user, pk=step_id)
    if step.accident_id != accident_id:
        raise Http404
    try:
        services.record_report_step(step, body.reported_at, actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return accident_out(_detail_queryset().get(pk=accident_id))


@router.post(
    "/accidents/{accident_id}/publication",
    response={200: AccidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="公布结案信息 / publish the closing summary",
)
def publish(request: HttpRequest, accident_id: int) -> AccidentOut:
    accident = get_visible_or_404(Accident.objects, request.user, pk=accident_id)
    try:
        services.publish_summary(accident, actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return accident_out(_detail_queryset().get(pk=accident_id))


add_transition_routes(router, Accident, "/accidents")


class QuotaIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    kind: str = Field(..., max_length=10, description="town or industry")
    town: str = Field("", max_length=12)
    industry: str = Field("", max_length=5)
    deaths_allowed: int = Field(..., ge=0, le=100_000)
    set_by: str = Field("", max_length=100)
    document: str = Field("", max_length=200)


class QuotaOut(Schema):
    id: int
    year: int
    kind: str
    town: str
    industry: str
    deaths_allowed: int
    accidents: int
    deaths: int
    percent: int | None
    level: str = Field(..., description="ok, warning (80 %) or over (100 %)")


class QuotaFilters(Schema):
    year: int = Field(default_factory=this_year, ge=2000, le=2100)
    kind: str = Field("", max_length=10)


@router.get("/accident-quotas", response=list[QuotaOut], summary="事故控制指标 / quotas")
@paginate(PageNumber)
def list_quotas(request: HttpRequest, filters: Query[QuotaFilters]) -> Any:
    return _Page(quota_rows(request.user, filters.year, filters.kind), quota_out)


def quota_out(row: Any) -> QuotaOut:
    return QuotaOut(
        id=row.quota.pk,
        year=row.quota.year,
        kind=row.quota.kind,
        town=row.quota.town.code if row.quota.town else "",
        industry=row.quota.industry.code if row.quota.industry else "",
        deaths_allowed=row.quota.deaths_allowed,
        accidents=row.accidents,
        deaths=row.deaths,
        percent=row.percent,
        level=row.level,
    )


@router.post(
    "/accident-quotas",
    response={201: QuotaOut, 403: ErrorOut, 422: ErrorOut},
    summary="录入控制指标 / set a quota",
)
def set_quota(request: HttpRequest, body: QuotaIn) -> Status:
    """The city office enters the quota the higher level set (again: changes it)."""
    try:
        quota = services.set_quota(body.model_dump(), actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    row = next(r for r in quota_rows(request.user, quota.year) if r.quota.pk == quota.pk)
    return Status(201, quota_out(row))
