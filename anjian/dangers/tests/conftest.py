"""Personas and dangers for the dangers module's tests."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anjian.core.roles import Role
from anjian.dangers import services
from anjian.dangers.models import HiddenDanger
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Department, Town
from conftest import make_user


def photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def towns(db: Any) -> list[Town]:
    return list(Town.objects.order_by("code")[:2])


@pytest.fixture
def works(towns: list[Town]) -> Enterprise:
    """A chemical works (2614) in town A."""
    return make_enterprise(towns[0], "滕州市鑫源化工有限公司")


@pytest.fixture
def other_works(towns: list[Town]) -> Enterprise:
    return make_enterprise(towns[1], "滕州市恒泰机械有限公司", industry="3411")


@pytest.fixture
def people(towns: list[Town], works: Enterprise) -> dict[str, Any]:
    department = works.departments.first()
    assert department is not None
    other_department = (
        Department.objects.exclude(pk=department.pk).exclude(enterprises=works).first()
    )
    return {
        "city": make_user("city", (Role.CITY, CITY_CODE)),
        "town": make_user("town_a", (Role.TOWN, towns[0].code)),
        "town_b": make_user("town_b", (Role.TOWN, towns[1].code)),
        "department": make_user("dept", (Role.DEPARTMENT, department.code)),
        "other_department": make_user("dept_b", (Role.DEPARTMENT, other_department.code)),
        "enterprise": make_user("works", (Role.ENTERPRISE, works.credit_code)),
        "auditor": make_user("auditor", (Role.AUDITOR, CITY_CODE)),
    }


def report(enterprise: Enterprise, actor: Any, **data: Any) -> HiddenDanger:
    values = {
        "source": "self_inspection",
        "place": "罐区",
        "description": "防火堤排水阀未关闭",
        "deadline": timezone.localdate() + timedelta(days=7),
        **data,
    }
    return services.create_danger(enterprise, values, actor=actor)


@pytest.fixture
def danger(works: Enterprise, people: dict[str, Any]) -> HiddenDanger:
    return report(works, people["enterprise"])
