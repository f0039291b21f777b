"""An enterprise with one installation and a few sensors, and its personas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from anjian.accounts.choices import Role
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.monitoring import ingest, services
from anjian.monitoring.models import Installation, Sensor
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user


def make_installation(enterprise: Any, actor: Any, code: str = "T1", **fields: Any) -> Any:
    data = {"code": code, "name": f"{code}罐区", "unit_kind": "storage", "exposed_people": 40}
    data.update(fields)
    return services.create_installation(enterprise, data, actor=actor)


def make_sensor(installation: Any, actor: Any, code: str, **fields: Any) -> Sensor:
    data: dict[str, Any] = {
        "code": code, "name": f"{code}温度", "kind": "temperature", "unit": "℃",
        "range_min": Decimal(-20), "range_max": Decimal(200), "ll": Decimal(0),
        "l": Decimal(10), "h": Decimal(80), "hh": Decimal(100), "sampling_interval_s": 10,
    }  # fmt: skip
    data.update(fields)
    return services.save_sensor(installation, data, actor=actor)


@pytest.fixture
def towns(db: Any) -> list[Town]:
    return list(Town.objects.order_by("code")[:2])


@pytest.fixture
def city(towns: list[Town]) -> Any:
    return make_user("city", (Role.CITY, CITY_CODE))


@pytest.fixture
def plant(towns: list[Town], city: Any) -> Any:
    """Enterprise A (town A) with installation T1 (no inventory yet) and sensor TE-1."""
    enterprise = make_enterprise(towns[0], "滕州市鑫源化工有限公司")
    installation = make_installation(enterprise, city)
    make_sensor(installation, city, "TE-1")
    return installation


@pytest.fixture
def manager(plant: Installation) -> Any:
    return make_user("manager_a", (Role.ENTERPRISE, plant.enterprise.credit_code))


@pytest.fixture
def town_a(towns: list[Town]) -> Any:
    return make_user("town_a", (Role.TOWN, towns[0].code))


@pytest.fixture
def town_b(towns: list[Town]) -> Any:
    return make_user("town_b", (Role.TOWN, towns[1].code))


@pytest.fixture
def fresh_ingestor() -> ingest.Ingestor:
    return ingest.Ingestor()
