"""API of the registry: ``/api/v1/enterprises``.

The list is the hottest read of the platform (every module's pickers, the mobile app), so it
answers plain tuples serialised by orjson, in one query whatever the page size (the page, each
row's categories and the count; see :mod:`anjian.enterprises.listing`).
Validation of input still goes through ninja schemas; writes call :mod:`services`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import orjson
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, model_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from anjian.core.api import ApiError, ErrorOut, PageNumber
from anjian.core.scoping import (
    get_editable_or_404,
    get_visible_or_404,
    resolve_all_in_scope,
    resolve_in_scope,
)
from anjian.core.updating import StaleVersion
from anjian.enterprises import credit_code, listing, services, validation
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.filters import CATEGORY_PATTERN, EnterpriseFilter
from anjian.enterprises.geo import city_shape
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Grid, Industry, SupervisionCategory, Town

router = Router(tags=["enterprises"])

_FIELDS = (
    "id", "credit_code", "name", "town__code", "industry__code", "status", "longitude",
    "latitude", "risk_level",
)  # fmt: skip


class Location(Schema):
    lng: float = Field(..., allow_inf_nan=False)
    lat: float = Field(..., allow_inf_nan=False)


class EnterpriseOut(Schema):
    """The shape of every enterprise the API returns (documentation of the orjson output)."""

    id: int
    credit_code: str
    name: str
    town: str = Field(..., description="town code (12 digits)")
    industry: str = Field(..., description="GB/T 4754-2017 small class code")
    categories: list[str] = Field(
        ..., description="keys of the city's key supervision categories (key_categories.csv)"
    )
    status: str
    location: Location | None
    risk_level: str = Field(
        ..., description="major, high, moderate, low or unassessed (derived by the risks module)"
    )


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    count: int


# --- input: the registry's own rules (:mod:`.validation`), the same as the form's and the
# import's, with the same messages; a broken one is a 422 naming the field.


def _rule(check: Callable[[Any], Any]) -> AfterValidator:
    def run(value: Any) -> Any:
        try:
            return check(value)
        except DjangoValidationError as error:
            raise PydanticCustomError("invalid", " ".join(error.messages)) from None

    return AfterValidator(run)


def _not_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null", _("不能为null：不修改请省略该字段"))
    return value


def _omittable() -> Any:
    """The default of a PATCH field that may be left out but not set to ``null`` (its column
    has no NULL): documented without a default, refused when sent as ``null``."""
    return Field(None, json_schema_extra=_no_default)


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


_T = TypeVar("_T")
# A PATCH field: absent (unchanged) or a value, never ``null``.
Omittable = Annotated[_T | SkipJsonSchema[None], AfterValidator(_not_null)]

Name = Annotated[str, Field(max_length=200), _rule(validation.name)]
Text = Annotated[str, _rule(validation.plain_text)]
Person = Annotated[str, Field(max_length=50), _rule(validation.plain_text)]
Address = Annotated[str, Field(max_length=300), _rule(validation.plain_text)]
Phone = Annotated[str, Field(max_length=20), _rule(validation.phone)]
Employees = Annotated[
    int,
    Field(json_schema_extra={"minimum": 0, "maximum": validation.MAX_EMPLOYEES}),
    _rule(validation.employees),
]
Revenue = Annotated[
    Decimal,
    Field(allow_inf_nan=False, json_schema_extra={"minimum": 0}),
    _rule(validation.revenue),
]
Day = Annotated[date, _rule(validation.a_date)]


class _Body(Schema):
    """A JSON body: an object, never ``null``, a list or a scalar (ninja's schemas would read
    those as an object with every field left out: a PATCH answered 200 doing nothing)."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        raw = data._obj if isinstance(data, DjangoGetter) else data  # ninja wraps it first
        if not isinstance(raw, dict):
            raise PydanticCustomError("object", _("请求体须为JSON对象"))
        return data


class EnterpriseIn(_Body):
    credit_code: Text
    name: Name
    town: Text
    industry: Text
    status: EnterpriseStatus = EnterpriseStatus.OPERATING
    categories: list[str] = []
    location: Location | None = None
    address: Address = ""
    grid: Text | None = None
    employees: Employees | None = None
    annual_revenue: Revenue | None = None
    principal: Person = ""
    principal_phone: Phone = ""
    safety_manager: Person = ""
    safety_manager_phone: Phone = ""
    insurance_expires: Day | None = None


class EnterprisePatch(_Body):
    name: Omittable[Name] = _omittable()
    town: Omittable[Text] = _omittable()
    industry: Omittable[Text] = _omittable()
    status: Omittable[EnterpriseStatus] = _omittable()
    categories: Omittable[list[str]] = _omittable()
    location: Location | None = None
    address: Omittable[Address] = _omittable()
    principal: Omittable[Person] = _omittable()
    principal_phone: Omittable[Phone] = _omittable()
    safety_manager: Omittable[Person] = _omittable()
    safety_manager_phone: Omittable[Phone] = _omittable()


def _json(body: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), content_type="application/json", status=status)


def _category_keys(ids: list[int]) -> dict[int, list[str]]:
    keys: dict[int, list[str]] = {}
    rows = Enterprise.categories.through.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "supervisioncategory__key"
    )
    for enterprise_id, key in rows:
        keys.setdefault(enterprise_id, []).append(key)
    return keys


def _shape(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    categories = _category_keys([row["id"] for row in rows]) if rows else {}
    return [
        {
            "id": row["id"],
            "credit_code": row["credit_code"],
            "name": row["name"],
            "town": row["town__code"],
            "industry": row["industry__code"],
            "categories": sorted(categories.get(row["id"], [])),
            "status": row["status"],
            "location": None
            if row["longitude"] is None
            else {"lng": row["longitude"], "lat": row["latitude"]},
            "risk_level": row["risk_level"],
        }
        for row in rows
    ]


@router.get(
    "",
    response={200: EnterprisePage, 422: ErrorOut},
    summary="企业列表 / enterprises",
)
def list_enterprises(
    request: HttpRequest,
    pagination: Query[PageNumber.Input],
    town: str = "",
    industry: str = "",
    category: str = Query("", pattern=CATEGORY_PATTERN, description="category key or id"),
    status: str = "",
    licence: str = Query("", description="expiring (within the warning days) or expired"),
    grade: str = Query("", description="standardisation grade 1, 2, 3, or none"),
    grid: str = Query("", description="grid code"),
    q: str = "",
) -> HttpResponse:
    """Scoped and filtered (town code, industry code prefix or section, category key or id,
    status, licence expiry, standardisation grade, grid, q: name, pinyin initials or credit
    code), ``{"items", "count"}``."""
    filters = EnterpriseFilter.from_params(
        {
            "town": town,
            "industry": industry,
            "category": category,
            "status": status,
            "licence": licence,
            "grade": grade,
            "grid": grid,
            "q": q,
        }
    )
    size = pagination.page_size
    items, count = listing.page(request.user, filters, (pagination.page - 1) * size, size)
    return _json({"items": items, "count": count})


class LicenceOut(Schema):
    kind: str
    number: str
    issuer: str
    valid_from: date | None
    valid_until: date | None
    expiry: str = Field(..., description="valid, expiring (within the warning days), expired")


class EnterpriseDetailOut(EnterpriseOut):
    """The detail adds licences, the standardisation grade and the liability insurance."""

    licences: list[LicenceOut]
    standardisation_grade: str
    standardisation_expires: date | None
    insurance_insurer: str
    insurance_expires: date | None


def _with_etag(response: HttpResponse, enterprise: Enterprise) -> HttpResponse:
    response["ETag"] = f'"{services.enterprise_version(enterprise)}"'
    return response


def _if_match(request: HttpRequest) -> tuple[str, ...] | None:
    """The versions an ``If-Match`` header accepts; ``None`` without one or for ``*``."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    return tuple(tag.strip().removeprefix("W/").strip('"') for tag in header.split(","))


@router.get(
    "/{enterprise_id}",
    response={200: EnterpriseDetailOut, 404: ErrorOut},
    summary="企业 / enterprise",
)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    """The enterprise with its licences; the ``ETag`` is its version, for ``If-Match``."""
    enterprise = get_visible_or_404(Enterprise.objects, request.user, pk=enterprise_id)
    row = Enterprise.objects.filter(pk=enterprise_id).values(*_FIELDS)[0]
    licences = [
        {
            "kind": licence.kind,
            "number": licence.number,
            "issuer": licence.issuer,
            "valid_from": licence.issued_on,
            "valid_until": licence.expires_on,
            "expiry": licence.expiry,
        }
        for licence in enterprise.licences.all()
    ]
    body = {
        **_shape([row])[0],
        "licences": licences,
        "standardisation_grade": enterprise.standardisation_grade,
        "standardisation_expires": enterprise.standardisation_expires,
        "insurance_insurer": enterprise.insurance_insurer,
        "insurance_expires": enterprise.insurance_expires,
    }
    return _with_etag(_json(body), enterprise)


def _resolve(
    payload: dict[str, Any], user: Any
) -> tuple[dict[str, Any], list[SupervisionCategory] | None]:
    """Natural keys of the payload turned into objects within the writer's scope
    (:func:`~anjian.core.scoping.resolve_in_scope`): an unknown one, or one the writer may
    not see, is a 422, never dropped."""
    try:
        return _resolve_in_scope(payload, user)
    except DjangoValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages)) from None


def _resolve_in_scope(
    payload: dict[str, Any], user: Any
) -> tuple[dict[str, Any], list[SupervisionCategory] | None]:
    data: dict[str, Any] = {}
    categories = None
    for key, value in payload.items():
        if key == "town":
            data["town"] = resolve_in_scope(Town.objects, user, code=value)
        elif key == "grid":
            data["grid"] = resolve_in_scope(Grid.objects, user, code=value) if value else None
        elif key == "industry":
            small_classes = Industry.objects.filter(level=IndustryLevel.CLASS)
            data["industry"] = resolve_in_scope(small_classes, user, code=value)
        elif key == "categories":
            key_list = SupervisionCategory.objects.key_list()
            categories = resolve_all_in_scope(key_list, user, "key", value)
        elif key == "location":
            data["longitude"] = data["latitude"] = None
            if value is not None:
                shape = city_shape()
                if shape is not None and not shape.contains(value["lng"], value["lat"]):
                    raise ApiError(422, "invalid", _("坐标不在滕州市界内"))
                data["longitude"], data["latitude"] = value["lng"], value["lat"]
        elif key == "credit_code":
            try:
                data["credit_code"] = credit_code.normalize(value)
            except credit_code.CreditCodeError as error:
                raise ApiError(422, "invalid", error.translate(_)) from None
        else:
            data[key] = value
    grid, town = data.get("grid"), data.get("town")
    if grid is not None and town is not None and grid.town_id != town.pk:
        raise DjangoValidationError(_("网格不属于该镇街"))  # as the form says
    return data, categories


@router.post(
    "",
    response={201: EnterpriseOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="登记企业 / create enterprise",
)
def create_enterprise(request: HttpRequest, body: EnterpriseIn) -> HttpResponse:
    """The city office, or a town for its own territory."""
    data, categories = _resolve(body.model_dump(), request.user)
    if Enterprise.objects.filter(credit_code=data["credit_code"]).exists():
        raise ApiError(409, "duplicate", _("该统一社会信用代码已登记"))
    try:
        enterprise = services.create_enterprise(
            data, actor=request.user, categories=categories or []
        )
    except IntegrityError:
        raise ApiError(409, "duplicate", _("该统一社会信用代码已登记")) from None
    except DjangoValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages)) from None
    row = Enterprise.objects.filter(pk=enterprise.pk).values(*_FIELDS)[0]
    return _json(_shape([row])[0], status=201)


@router.patch(
    "/{enterprise_id}",
    response={
        200: EnterpriseOut,
        202: dict[str, Any],
        403: ErrorOut,
        404: ErrorOut,
        412: ErrorOut,
        422: ErrorOut,
    },
    summary="修改企业 / update enterprise",
)
def update_enterprise(
    request: HttpRequest, enterprise_id: int, body: EnterprisePatch
) -> HttpResponse:
    """Only the fields sent are changed, under the rule of :mod:`anjian.enterprises.rules`:
    identity fields changed by an enterprise user open a change request (202), the authorities'
    fields (industry, grid, categories, status) are refused to it (403). With ``If-Match`` (the
    ``ETag`` of the detail) a record changed meanwhile answers 412 and changes nothing."""
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=enterprise_id)
    data, categories = _resolve(body.model_dump(exclude_unset=True), request.user)
    try:
        change_request = services.update_enterprise(
            enterprise,
            data,
            actor=request.user,
            categories=categories,
            expected_version=_if_match(request),
        )
    except StaleVersion as stale:
        raise ApiError(412, "precondition_failed", str(stale)) from None
    except DjangoValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages)) from None
    if change_request is not None:
        body_202 = {"change_request": change_request.pk, "state": change_request.state}
        return _with_etag(_json(body_202, 202), enterprise)
    row = Enterprise.objects.filter(pk=enterprise.pk).values(*_FIELDS)[0]
    return _with_etag(_json(_shape([row])[0]), enterprise)
