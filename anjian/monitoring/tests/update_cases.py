"""Monitoring's update services in the concurrency test (PostgreSQL): writers of one
installation, its inventory and its sensor at once lose nothing, and the grade at the end is
the one GB 18218 gives for what was saved last."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from anjian.core.concurrency_testing import UpdateCase
from anjian.core.roles import Role
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.monitoring import services
from anjian.monitoring.models import Installation, Inventory, Sensor
from anjian.monitoring.tests.conftest import make_installation, make_sensor
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

WRITERS = 6


def _user(pk: int) -> Any:
    from anjian.accounts.models import User

    return User.objects.get(pk=pk)


def _world() -> dict[str, Any]:
    town = Town.objects.order_by("code").first()
    assert town is not None
    city = make_user(f"mon-city-{uuid.uuid4().hex[:8]}", (Role.CITY, CITY_CODE))
    installation = make_installation(make_enterprise(town), city, code=uuid.uuid4().hex[:6])
    inventory = services.save_inventory(
        installation, {"name": "液氯", "max_quantity_t": 1}, actor=city
    )
    sensor = make_sensor(installation, city, f"C-{uuid.uuid4().hex[:6]}")
    return {"city": city.pk, "installation": installation.pk, "inventory": inventory.pk,
            "sensor": sensor.pk}  # fmt: skip


def _writers(state: dict[str, Any]) -> list[Any]:
    def writer(n: int) -> Any:
        def write() -> None:
            actor = _user(state["city"])
            installation = Installation.objects.get(pk=state["installation"])
            if n % 3 == 0:
                services.update_installation(installation, {"exposed_people": 10 + n}, actor=actor)
            elif n % 3 == 1:
                inventory = Inventory.objects.get(pk=state["inventory"])
                services.save_inventory(
                    installation, {"max_quantity_t": 10 * n}, actor=actor, inventory=inventory
                )
            else:
                sensor = Sensor.objects.get(pk=state["sensor"])
                services.save_sensor(
                    installation, {"h": Decimal(50 + n)}, actor=actor, sensor=sensor
                )

        return write

    return [writer(n) for n in range(WRITERS)]


def _check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [repr(e) for e in errors]
    installation = Installation.objects.get(pk=state["installation"])
    expected = services.calculation(
        installation.inventories.order_by("pk"), installation.exposed_people
    )
    if (installation.level, installation.s) != (expected["level"], Decimal(expected["s"])):
        findings.append(f"grade {installation.level}/{installation.s} is not {expected}")
    return findings


CASES = [
    UpdateCase(
        "monitoring installation, inventory and sensor",
        (
            "anjian.monitoring.services.update_installation",
            "anjian.monitoring.services.save_inventory",
            "anjian.monitoring.services.save_sensor",
            "anjian.monitoring.services.regrade",
        ),
        _world,
        _writers,
        _check,
    )
]
