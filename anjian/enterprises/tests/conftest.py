"""Personas and enterprises for the registry's tests."""

from __future__ import annotations

import random
from typing import Any

import pytest

from anjian.accounts.choices import Role
from anjian.enterprises.demo import demo_credit_code
from anjian.enterprises.models import Enterprise, name_initials
from anjian.enterprises.services import DepartmentIndex
from anjian.orgs.models import CITY_CODE, Grid, Industry, Town
from conftest import make_user

_codes = random.Random("tests")

# Inside Tengzhou (the city seat) and a point outside it (Jinan).
INSIDE = (117.165, 35.084)
OUTSIDE = (117.0, 36.65)


def new_code() -> str:
    return demo_credit_code(_codes)


def make_enterprise(
    town: Town, name: str = "", industry: str = "2614", **fields: Any
) -> Enterprise:
    """An enterprise saved directly (fixtures are not the behaviour under test)."""
    industry_obj = Industry.objects.get(code=industry)
    name = name or f"滕州市测试{_codes.randint(0, 10**6)}化工有限公司"
    enterprise = Enterprise.objects.create(
        credit_code=fields.pop("credit_code", new_code()),
        name=name,
        town=town,
        industry=industry_obj,
        longitude=fields.pop("longitude", INSIDE[0]),
        latitude=fields.pop("latitude", INSIDE[1]),
        **fields,
    )
    enterprise.departments.set(DepartmentIndex().for_industry(industry, industry_obj.section))
    assert enterprise.name_initials == name_initials(name)
    return enterprise


@pytest.fixture
def towns() -> list[Town]:
    return list(Town.objects.order_by("code")[:2])


@pytest.fixture
def city(db: Any) -> Any:
    return make_user("city", (Role.CITY, CITY_CODE))


@pytest.fixture
def town_a(towns: list[Town]) -> Any:
    return make_user("town_a", (Role.TOWN, towns[0].code))


@pytest.fixture
def town_b(towns: list[Town]) -> Any:
    return make_user("town_b", (Role.TOWN, towns[1].code))


@pytest.fixture
def pair(towns: list[Town]) -> tuple[Enterprise, Enterprise]:
    """One enterprise in each of the first two towns."""
    grid = Grid.objects.filter(town=towns[0]).first()
    return (
        make_enterprise(towns[0], "滕州市鑫源化工有限公司", grid=grid),
        make_enterprise(towns[1], "滕州市恒泰机械有限公司", industry="3411"),
    )
