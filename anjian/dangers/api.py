"""API of the dangers module: ``/api/v1/hidden-dangers`` and its transitions, rectification
plans, extension requests, listed supervision, checklists, self-inspection tasks, figures.

Every list starts from ``visible_to(request.user)``; every reference written is resolved in the
writer's scope; writes call :mod:`anjian.dangers.services` or the workflow service.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from anjian.core.api import ApiError, ErrorOut, PageNumber
from anjian.core.lifecycle_models import Attachment
from anjian.core.planning import custom_plans
from anjian.core.scoping import get_visible_or_404, resolve_in_scope
from anjian.core.workflow import allowed_actions_for_rows
from anjian.core.workflow.api import add_transition_routes
from anjian.dangers import queries, services
from anjian.dangers.choices import DangerSource
from anjian.dangers.filters import DangerFilter
from anjian.dangers.models import (
    Checklist,
    ExtensionRequest,
    HiddenDanger,
    InspectionTask,
    ListedSupervision,
)
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Department

router = Router(tags=["dangers"])


class DangerOut(Schema):
    id: int
    enterprise: int = Field(..., description="enterprise id")
    enterprise_name: str
    town: str = Field(..., description="town code")
    source: str
    place: str
    description: str
    category: str
    state: str
    is_major: bool
    criterion_code: str
    citation: str = Field(..., description="the major-danger criterion's citation, if any")
    deadline: date
    overdue: bool
    listed: bool
    allowed_actions: list[str] = Field(..., description="what the current user may do now")


class DangerPage(Schema):
    items: list[DangerOut]
    count: int


class DangerIn(Schema):
    enterprise: int
    description: str = Field(..., max_length=2000)
    place: str = Field(..., max_length=200)
    source: DangerSource
    deadline: date
    category: str = Field("other", max_length=20)
    criterion_code: str = Field("", max_length=20)
    is_major: bool = False
    finder: str = Field("", max_length=50)
    responsible_person: str = Field("", max_length=50)


def _rows(dangers: list[HiddenDanger], user: Any) -> list[dict[str, Any]]:
    allowed = allowed_actions_for_rows(dangers, user)
    listed = set(
        ListedSupervision.objects.filter(
            danger__in=[d.pk for d in dangers], state="listed"
        ).values_list("danger_id", flat=True)
    )
    return [
        {
            "id": d.pk,
            "enterprise": d.enterprise_id,
            "enterprise_name": d.enterprise.name,
            "town": d.town.code,
            "source": d.source,
            "place": d.place,
            "description": d.description,
            "category": d.category,
            "state": d.state,
            "is_major": d.is_major,
            "criterion_code": d.criterion_code,
            "citation": d.criterion.citation if d.criterion else "",
            "deadline": d.deadline,
            "overdue": d.overdue,
            "listed": d.pk in listed,
            "allowed_actions": allowed.get(d.pk, []),
        }
        for d in dangers
    ]


def _invalid(error: DjangoValidationError) -> ApiError:
    return ApiError(422, "invalid", "; ".join(error.messages))


@router.get("/hidden-dangers", response={200: DangerPage, 422: ErrorOut}, summary="隐患列表")
def list_dangers(
    request: HttpRequest,
    pagination: Query[PageNumber.Input],
    state: str = "",
    status: str = Query("", description="open, overdue or closed"),
    source: str = "",
    major: str = Query("", description="1: major only, 0: general only"),
    listed: str = Query("", description="1: under listed supervision"),
    town: str = Query("", description="town code"),
    enterprise: str = Query("", description="enterprise id"),
    q: str = "",
) -> dict[str, Any]:
    """Scoped and filtered, newest first, ``{"items", "count"}``."""
    filters = DangerFilter.from_params(
        {"state": state, "status": status, "source": source, "major": major, "listed": listed,
         "town": town, "enterprise": enterprise, "q": q}
    )  # fmt: skip
    rows = filters.apply(HiddenDanger.objects.visible_to(request.user))
    size = pagination.page_size
    offset = (pagination.page - 1) * size
    # The filters' values decide the plan (a partial index serves the open ones only when
    # the planner sees the states): planned with them, not generically (anjian.core.planning).
    with custom_plans():
        page = list(
            rows.select_related("enterprise", "town").order_by("-created_at", "-id")[
                offset : offset + size
            ]
        )
        count = rows.count()
    return {"items": _rows(page, request.user), "count": count}


@router.get("/hidden-dangers/{id}", response={200: DangerOut, 404: ErrorOut}, summary="隐患")
def get_danger(request: HttpRequest, id: int) -> dict[str, Any]:
    danger = get_visible_or_404(
        HiddenDanger.objects.select_related("enterprise", "town"), request.user, pk=id
    )
    return _rows([danger], request.user)[0]


@router.post(
    "/hidden-dangers",
    response={201: DangerOut, 403: ErrorOut, 422: ErrorOut},
    summary="登记隐患 / report a hidden danger",
)
def create_danger(request: HttpRequest, body: DangerIn) -> Status:
    """The enterprise (its own), a grid inspector, town, department, enforcement officer,
    expert or the city office, for an enterprise it sees."""
    try:
        enterprise = resolve_in_scope(Enterprise.objects, request.user, pk=body.enterprise)
        danger = services.create_danger(enterprise, body.model_dump(), actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    danger = HiddenDanger.objects.select_related("enterprise", "town").get(pk=danger.pk)
    return Status(201, _rows([danger], request.user)[0])


class PlanIn(Schema):
    owner: str = Field("", max_length=50)
    measures: str = Field("", max_length=2000)
    funds: Decimal | None = Field(None, ge=0, le=Decimal("9999999999"), decimal_places=2)
    deadline: date | None = None
    contingency_plan: str = Field("", max_length=2000)


class PlanOut(Schema):
    id: int
    danger: int
    missing: list[str] = Field(..., description="five implementations still missing")


@router.post(
    "/hidden-dangers/{id}/plan",
    response={201: PlanOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="治理方案（五落实）/ rectification plan",
)
def add_plan(request: HttpRequest, id: int, body: PlanIn) -> Status:
    """The five implementations of a major danger (a new plan replaces the earlier one)."""
    from anjian.standards.rectification import missing_implementations

    danger = get_visible_or_404(HiddenDanger.objects, request.user, pk=id)
    try:
        plan = services.add_rectification_plan(danger, body.model_dump(), actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    missing = missing_implementations(
        owner=plan.owner,
        measures=plan.measures,
        funds=plan.funds,
        deadline=plan.deadline,
        contingency_plan=plan.contingency_plan,
    )
    return Status(201, {"id": plan.pk, "danger": danger.pk, "missing": missing})


class ExtensionIn(Schema):
    deadline: date
    reason: str = Field(..., max_length=1000)


class ExtensionOut(Schema):
    id: int
    danger: int
    state: str
    previous_deadline: date
    requested_deadline: date


def _extension(extension: ExtensionRequest) -> dict[str, Any]:
    return {
        "id": extension.pk,
        "danger": extension.danger_id,
        "state": extension.state,
        "previous_deadline": extension.previous_deadline,
        "requested_deadline": extension.requested_deadline,
    }


@router.post(
    "/hidden-dangers/{id}/extensions",
    response={201: ExtensionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="申请延期 / request an extension",
)
def request_extension(request: HttpRequest, id: int, body: ExtensionIn) -> Status:
    """By the enterprise; decided with ``POST /danger-extensions/{id}/transitions``."""
    danger = get_visible_or_404(HiddenDanger.objects, request.user, pk=id)
    try:
        extension = services.create_extension_request(
            danger, body.deadline, body.reason, actor=request.user
        )
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Status(201, _extension(extension))


class ListingIn(Schema):
    deadline: date
    report_interval_days: int = Field(7, ge=1, le=90)
    department: str = Field("", max_length=20, description="supervising department code")


class ListingOut(Schema):
    id: int
    danger: int
    level: str
    state: str
    deadline: date
    report_interval_days: int
    department: str


def _listing(listing: ListedSupervision) -> dict[str, Any]:
    return {
        "id": listing.pk,
        "danger": listing.danger_id,
        "level": listing.level,
        "state": listing.state,
        "deadline": listing.deadline,
        "report_interval_days": listing.report_interval_days,
        "department": listing.department.code if listing.department else "",
    }


@router.post(
    "/hidden-dangers/{id}/listing",
    response={201: ListingOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="挂牌督办 / list for supervision",
)
def create_listing(request: HttpRequest, id: int, body: ListingIn) -> Status:
    """By the city office or the danger's town; lifted with ``POST
    /danger-listings/{id}/transitions {"action": "lift"}`` once the danger is closed out."""
    danger = get_visible_or_404(HiddenDanger.objects, request.user, pk=id)
    try:
        department = (
            resolve_in_scope(Department.objects, request.user, code=body.department)
            if body.department
            else None
        )
        listing = services.create_listing(
            danger,
            actor=request.user,
            deadline=body.deadline,
            report_interval_days=body.report_interval_days,
            department=department,
        )
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Status(201, _listing(listing))


class ReportIn(Schema):
    text: str = Field(..., max_length=2000)


class ReportOut(Schema):
    id: int
    listing: int


@router.post(
    "/danger-listings/{id}/reports",
    response={201: ReportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="督办进展报告 / progress report",
)
def add_report(request: HttpRequest, id: int, body: ReportIn) -> Status:
    listing = get_visible_or_404(ListedSupervision.objects, request.user, pk=id)
    try:
        report = services.add_progress_report(listing, body.text, actor=request.user)
    except DjangoValidationError as error:
        raise _invalid(error) from None
    return Status(201, {"id": report.pk, "listing": listing.pk})


class ItemOut(Schema):
    id: int
    order: int
    text: str
    basis: str
    criterion_code: str


class ChecklistOut(Schema):
    key: str
    name: str
    scope: str
    items: list[ItemOut]


def _checklist(checklist: Checklist) -> dict[str, Any]:
    return {
        "key": checklist.key,
        "name": checklist.name,
        "scope": checklist.scope,
        "items": [
            {"id": i.pk, "order": i.order, "text": i.text, "basis": i.basis,
             "criterion_code": i.criterion_code}
            for i in checklist.items.all()
        ],
    }  # fmt: skip


@router.get("/danger-checklists", response=list[ChecklistOut], summary="排查清单")
def list_checklists(request: HttpRequest) -> list[dict[str, Any]]:
    """The checklist templates by industry and category, with their items."""
    rows = Checklist.objects.visible_to(request.user).prefetch_related("items")
    return [_checklist(c) for c in rows]


@router.get(
    "/danger-checklists/{key}", response={200: ChecklistOut, 404: ErrorOut}, summary="排查清单"
)
def get_checklist(request: HttpRequest, key: str) -> dict[str, Any]:
    return _checklist(get_visible_or_404(Checklist.objects, request.user, key=key))


class TaskOut(Schema):
    id: int
    enterprise: int
    plan: str
    checklist: str
    period: str
    due_on: date
    completed: bool


class TaskPage(Schema):
    items: list[TaskOut]
    count: int


def _task(task: InspectionTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "enterprise": task.enterprise_id,
        "plan": task.plan.name,
        "checklist": task.checklist.key,
        "period": task.period,
        "due_on": task.due_on,
        "completed": task.completed_at is not None,
    }


@router.get("/inspection-tasks", response={200: TaskPage, 422: ErrorOut}, summary="排查任务")
def list_tasks(
    request: HttpRequest,
    pagination: Query[PageNumber.Input],
    completed: str = Query("", description="0: to do, 1: done"),
) -> dict[str, Any]:
    rows = InspectionTask.objects.visible_to(request.user).select_related("plan", "checklist")
    if completed in ("0", "1"):
        rows = rows.filter(completed_at__isnull=completed == "0")
    size = pagination.page_size
    offset = (pagination.page - 1) * size
    return {
        "items": [_task(t) for t in rows[offset : offset + size]],
        "count": rows.count(),
    }


@router.get("/inspection-tasks/{id}", response={200: TaskOut, 404: ErrorOut}, summary="排查任务")
def get_task(request: HttpRequest, id: int) -> dict[str, Any]:
    return _task(
        get_visible_or_404(
            InspectionTask.objects.select_related("plan", "checklist"), request.user, pk=id
        )
    )


class ResultIn(Schema):
    item: int
    passed: bool
    note: str = Field("", max_length=300)
    place: str = Field("", max_length=200)
    attachments: list[int] = Field(
        default_factory=list, description="photos uploaded to the task first"
    )


class CompleteIn(Schema):
    results: list[ResultIn] = Field(..., max_length=500)
    latitude: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)


class CompleteOut(Schema):
    task: int
    dangers: list[int]


@router.post(
    "/inspection-tasks/{id}/complete",
    response={200: CompleteOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="完成排查任务 / complete a task",
)
def complete_task(request: HttpRequest, id: int, body: CompleteIn) -> dict[str, Any]:
    """Each item passed or failed; a failed item needs a photo (uploaded to the task with
    ``POST /attachments/dangers.inspectiontask/{id}``) and becomes a hidden danger."""
    task = get_visible_or_404(InspectionTask.objects, request.user, pk=id)
    wanted = {pk for r in body.results for pk in r.attachments}
    photos = {
        a.pk: a
        for a in Attachment.objects.of(task).filter(
            pk__in=wanted, uploaded_by=request.user, transition__isnull=True
        )
    }
    if set(photos) != wanted:
        raise ApiError(422, "invalid", _("附件不属于此任务"))
    results = [
        services.ItemResult(
            r.item, r.passed, r.note, tuple(photos[pk] for pk in r.attachments), r.place
        )
        for r in body.results
    ]
    try:
        dangers = services.complete_task(
            task, results, actor=request.user, latitude=body.latitude, longitude=body.longitude
        )
    except DjangoValidationError as error:
        raise _invalid(error) from None
    except PermissionDenied:
        raise
    return {"task": task.pk, "dangers": [d.pk for d in dangers]}


class FigureOut(Schema):
    key: Any
    label: str
    found: int
    cancelled: int
    closed: int
    on_time: int
    open: int
    overdue: int
    major: int
    major_open: int
    rectification_rate: float | None
    on_time_rate: float | None
    average_days: float | None


@router.get(
    "/hidden-danger-figures",
    response={200: list[FigureOut], 422: ErrorOut},
    summary="隐患治理闭环统计 / closed-loop figures",
)
def figures(
    request: HttpRequest,
    by: str = Query("town", pattern="^(town|enterprise|industry|department|month)$"),
    start: date | None = None,
    end: date | None = None,
) -> list[dict[str, Any]]:
    """Rectification rate, on-time rate, average days to close, by dimension and period."""
    return [
        {**row, "label": str(row["label"])} for row in queries.figures(request.user, by, start, end)
    ]


add_transition_routes(router, HiddenDanger, "/hidden-dangers")
add_transition_routes(router, ExtensionRequest, "/danger-extensions")
add_transition_routes(router, ListedSupervision, "/danger-listings")
