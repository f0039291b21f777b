"""API of the registry: ``/api/v1/enterprises``.

The list is the hottest read of the platform (every module's pickers, the mobile app), so it
answers plain tuples serialised by orjson, in one query whatever the page size (the page, each
row's categories and the count; see :mod:`anjian.enterprises.listing`).
Validation of input still goes through ninja schemas; writes call :mod:`services`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from anjian.core.api import ApiError, ErrorOut
from anjian.core.scoping import get_editable_or_404, get_visible_or_404
from anjian.enterprises import credit_code, listing, services
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.geo import city_shape
from anjian.enterprises.models import Enterprise
from anjian.orgs.choices import IndustryLevel
from anjian.orgs.models import Grid, Industry, SupervisionCategory, Town

router = Router(tags=["enterprises"])

_FIELDS = (
    "id", "credit_code", "name", "town__code", "industry__code", "status", "longitude",
    "latitude",
)  # fmt: skip


class Location(Schema):
    lng: float
    lat: float


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


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    count: int


class EnterpriseIn(Schema):
    credit_code: str
    name: str
    town: str
    industry: str
    status: EnterpriseStatus = EnterpriseStatus.OPERATING
    categories: list[str] = []
    location: Location | None = None
    address: str = ""
    grid: str | None = None
    employees: int | None = Field(None, ge=0)
    annual_revenue: Decimal | None = Field(None, ge=0)
    principal: str = ""
    principal_phone: str = ""
    safety_manager: str = ""
    safety_manager_phone: str = ""
    insurance_expires: date | None = None


class EnterprisePatch(Schema):
    name: str | None = None
    town: str | None = None
    industry: str | None = None
    status: EnterpriseStatus | None = None
    categories: list[str] | None = None
    location: Location | None = None
    address: str | None = None
    principal: str | None = None
    principal_phone: str | None = None
    safety_manager: str | None = None
    safety_manager_phone: str | None = None


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
    town: str = "",
    industry: str = "",
    category: str = "",
    status: str = "",
    licence: str = Query("", description="expiring (within the warning days) or expired"),
    grade: str = Query("", description="standardisation grade 1, 2, 3, or none"),
    grid: str = Query("", description="grid code"),
    q: str = "",
    page: int = Query(1, ge=1),
    page_size: int = Query(20, ge=1, le=settings.API_MAX_PAGE_SIZE),
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
    items, count = listing.page(request.user, filters, (page - 1) * page_size, page_size)
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


@router.get(
    "/{enterprise_id}",
    response={200: EnterpriseDetailOut, 404: ErrorOut},
    summary="企业 / enterprise",
)
def get_enterprise(request: HttpRequest, enterprise_id: int) -> HttpResponse:
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
    return _json(
        {
            **_shape([row])[0],
            "licences": licences,
            "standardisation_grade": enterprise.standardisation_grade,
            "standardisation_expires": enterprise.standardisation_expires,
            "insurance_insurer": enterprise.insurance_insurer,
            "insurance_expires": enterprise.insurance_expires,
        }
    )


def _resolve(payload: dict[str, Any]) -> tuple[dict[str, Any], list[SupervisionCategory] | None]:
    """Natural keys of the payload turned into objects, with the same checks as the import."""
    data: dict[str, Any] = {}
    categories = None
    for key, value in payload.items():
        if key == "town":
            data["town"] = Town.objects.filter(code=value).first()
            if data["town"] is None:
                raise ApiError(422, "invalid", _("镇街“%(town)s”不存在") % {"town": value})
        elif key == "grid":
            data["grid"] = Grid.objects.filter(code=value).first() if value else None
        elif key == "industry":
            data["industry"] = Industry.objects.filter(
                code=value, level=IndustryLevel.CLASS
            ).first()
            if data["industry"] is None:
                raise ApiError(
                    422,
                    "invalid",
                    _("行业代码“%(code)s”不是GB/T 4754-2017小类") % {"code": value},
                )
        elif key == "categories":
            wanted = set(value)
            categories = list(SupervisionCategory.objects.key_list().filter(key__in=wanted))
            if len(categories) != len(wanted):
                raise ApiError(422, "invalid", _("监管类别不存在"))
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
    return data, categories


@router.post(
    "",
    response={201: EnterpriseOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="登记企业 / create enterprise",
)
def create_enterprise(request: HttpRequest, body: EnterpriseIn) -> HttpResponse:
    """The city office, or a town for its own territory."""
    data, categories = _resolve(body.model_dump())
    if Enterprise.objects.filter(credit_code=data["credit_code"]).exists():
        raise ApiError(409, "duplicate", _("该统一社会信用代码已登记"))
    try:
        enterprise = services.create_enterprise(
            data, actor=request.user, categories=categories or []
        )
    except IntegrityError:
        raise ApiError(409, "duplicate", _("该统一社会信用代码已登记")) from None
    except ValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages)) from None
    row = Enterprise.objects.filter(pk=enterprise.pk).values(*_FIELDS)[0]
    return _json(_shape([row])[0], status=201)


@router.patch(
    "/{enterprise_id}",
    response={200: EnterpriseOut, 202: dict[str, Any], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="修改企业 / update enterprise",
)
def update_enterprise(
    request: HttpRequest, enterprise_id: int, body: EnterprisePatch
) -> HttpResponse:
    """Identity fields changed by an enterprise user open a change request (202)."""
    enterprise = get_editable_or_404(Enterprise.objects, request.user, pk=enterprise_id)
    data, categories = _resolve(body.model_dump(exclude_unset=True))
    try:
        change_request = services.update_enterprise(
            enterprise, data, actor=request.user, categories=categories
        )
    except ValidationError as error:
        raise ApiError(422, "invalid", "; ".join(error.messages)) from None
    if change_request is not None:
        return _json({"change_request": change_request.pk, "state": change_request.state}, 202)
    row = Enterprise.objects.filter(pk=enterprise.pk).values(*_FIELDS)[0]
    return _json(_shape([row])[0])
