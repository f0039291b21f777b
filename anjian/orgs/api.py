"""API of the organisation: towns, departments, committees, grids, industries, boundaries."""

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from ninja.filter_schema import FilterLookup
from ninja.pagination import paginate

from anjian.core.api import ApiError, ErrorOut, PageNumber
from anjian.core.scoping import get_editable_or_404, get_visible_or_404
from anjian.orgs import services
from anjian.orgs.models import Boundary, Committee, Department, Grid, Industry, Town

router = Router(tags=["orgs"])


class TownOut(Schema):
    code: str
    name: str
    kind: str


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    industries: list[str] = Field(..., description="GB/T 4754-2017 codes supervised")

    @staticmethod
    def resolve_industries(obj: Department) -> list[str]:
        return [industry.code for industry in obj.industries.all()]


class CommitteeOut(Schema):
    code: str
    name: str
    lead_department: str | None = Field(None, alias="lead_department.code")
    members: list[str]

    @staticmethod
    def resolve_members(obj: Committee) -> list[str]:
        return [department.code for department in obj.members.all()]


class GridOut(Schema):
    code: str
    name: str
    town: str = Field(..., alias="town.code")
    description: str
    retired_at: datetime | None = Field(None, description="set once the grid is retired")


class GridIn(Schema):
    code: str = Field(..., description="1-20 letters, digits or '-', unique in the city")
    name: str
    town: str = Field(..., description="town code; a town officer may use only their own")
    description: str = ""


class GridPatch(Schema):
    name: str | None = None
    description: str | None = None
    retired: bool | None = Field(None, description="true retires the grid (final)")


class IndustryOut(Schema):
    code: str
    name: str
    level: str
    parent: str | None = Field(None, alias="parent.code")


class TownFilter(FilterSchema):
    kind: str | None = None
    q: Annotated[str | None, FilterLookup(["name__contains", "code__startswith"])] = None


class GridFilter(FilterSchema):
    town: Annotated[str | None, FilterLookup("town__code")] = None
    q: Annotated[str | None, FilterLookup(["name__contains", "code__startswith"])] = None


class IndustryFilter(FilterSchema):
    level: str | None = None
    parent: Annotated[str | None, FilterLookup("parent__code")] = None
    q: Annotated[str | None, FilterLookup(["name__contains", "code__startswith"])] = None


@router.get("/towns", response=list[TownOut], summary="镇街列表 / towns")
@paginate(PageNumber)
def list_towns(request: HttpRequest, filters: Query[TownFilter]) -> QuerySet[Town]:
    return filters.filter(Town.objects.visible_to(request.user))


@router.get("/towns/{code}", response={200: TownOut, 404: ErrorOut}, summary="镇街 / town")
def get_town(request: HttpRequest, code: str) -> Town:
    return get_visible_or_404(Town.objects, request.user, code=code)


@router.get("/departments", response=list[DepartmentOut], summary="行业主管部门 / departments")
@paginate(PageNumber)
def list_departments(request: HttpRequest, q: str | None = None) -> QuerySet[Department]:
    departments = Department.objects.visible_to(request.user).prefetch_related("industries")
    if q:
        departments = departments.filter(Q(name__contains=q) | Q(code=q))
    return departments


@router.get("/committees", response=list[CommitteeOut], summary="专业委员会 / committees")
@paginate(PageNumber)
def list_committees(request: HttpRequest) -> QuerySet[Committee]:
    return (
        Committee.objects.visible_to(request.user)
        .select_related("lead_department")
        .prefetch_related("members")
    )


@router.get("/grids", response=list[GridOut], summary="网格列表 / grids")
@paginate(PageNumber)
def list_grids(request: HttpRequest, filters: Query[GridFilter]) -> QuerySet[Grid]:
    return filters.filter(Grid.objects.visible_to(request.user).select_related("town"))


@router.get("/grids/{code}", response={200: GridOut, 404: ErrorOut}, summary="网格 / grid")
def get_grid(request: HttpRequest, code: str) -> Grid:
    return get_visible_or_404(Grid.objects.select_related("town"), request.user, code=code)


def _invalid(error: ValidationError) -> ApiError:
    """409 for a code or name already taken (the service's ``duplicate``), else 422."""
    errors = (
        [e for found in error.error_dict.values() for e in found]
        if hasattr(error, "error_dict")
        else [error]
    )
    if any(e.code == "duplicate" for e in errors):
        return ApiError(409, "duplicate", "; ".join(error.messages))
    return ApiError(422, "invalid", "; ".join(error.messages))


@router.post(
    "/grids",
    response={201: GridOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="设立网格 / create grid",
)
def create_grid(request: HttpRequest, body: GridIn) -> Status[Grid]:
    """A town officer in their own town, or the city office in any; another town is refused."""
    town = Town.objects.filter(code=body.town).first()
    if town is None:
        raise ApiError(422, "invalid", _("镇街代码不存在：%(code)s") % {"code": body.town})
    try:
        grid = services.create_grid(
            town, actor=request.user, code=body.code, name=body.name, description=body.description
        )
    except ValidationError as error:
        raise _invalid(error) from None
    return Status(201, grid)


@router.patch(
    "/grids/{code}",
    response={200: GridOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="修改或撤销网格 / rename or retire grid",
)
def update_grid(request: HttpRequest, code: str, body: GridPatch) -> Grid:
    """Rename, describe or retire (``retired: true``) a grid the user may change."""
    grid = get_editable_or_404(Grid.objects.select_related("town"), request.user, code=code)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("retired") is False and grid.retired_at is not None:
        raise ApiError(422, "invalid", _("撤销的网格不能恢复。"))
    try:
        if "name" in changes or "description" in changes:
            grid = services.update_grid(
                grid,
                actor=request.user,
                name=changes.get("name"),
                description=changes.get("description"),
            )
        if changes.get("retired") and grid.retired_at is None:
            grid = services.retire_grid(grid, actor=request.user)
    except ValidationError as error:
        raise _invalid(error) from None
    return grid


@router.get("/industries", response=list[IndustryOut], summary="国民经济行业 / industries")
@paginate(PageNumber)
def list_industries(request: HttpRequest, filters: Query[IndustryFilter]) -> QuerySet[Industry]:
    return filters.filter(Industry.objects.visible_to(request.user).select_related("parent"))


@router.get(
    "/boundaries/{code}",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="行政边界 GeoJSON / boundary",
)
def get_boundary(request: HttpRequest, code: str) -> dict[str, Any]:
    boundary = get_visible_or_404(Boundary.objects, request.user, code=code)
    return dict(boundary.geojson)
