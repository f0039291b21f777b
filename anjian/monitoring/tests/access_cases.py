"""Monitoring in the access test: side B's installation, sensor and alarm stay on side B."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from anjian.core.access_testing import AccessCase, World
from anjian.core.roles import Role
from anjian.enterprises.models import Enterprise
from anjian.monitoring.models import Alarm, Installation, Sensor

EVERY_ROLE = frozenset(Role.values)
NOT_CITY = EVERY_ROLE - {Role.CITY}


def _installation(world: World) -> Installation:
    enterprise = Enterprise.objects.get(credit_code=world.enterprise_b)
    made = Installation.objects.create(
        enterprise=enterprise, code=f"B{world.serial()}", name="B侧秘密罐区", unit_kind="storage"
    )
    return Installation.objects.get(pk=made.pk)  # decimals as the database gives them back


def _sensor(world: World) -> Sensor:
    made = Sensor.objects.create(
        installation=_installation(world),
        code=f"B-SECRET-{world.serial()}",
        name="B侧秘密温度",
        kind="temperature",
        unit="℃",
        range_min=Decimal(0),
        range_max=Decimal(100),
    )
    return Sensor.objects.get(pk=made.pk)


def _alarm(world: World) -> Alarm:
    sensor = _sensor(world)
    return Alarm.objects.create(
        sensor=sensor,
        installation=sensor.installation,
        enterprise=sensor.installation.enterprise,
        level="H",
        raised_at=timezone.now(),
    )


def cases(world: World) -> list[AccessCase]:
    by_sensor: dict[str, Any] = {
        "GET /api/v1/sensors/{code}/latest": lambda s: {"code": s.code},
        "GET /api/v1/sensors/{code}/series": lambda s: {"code": s.code},
    }
    return [
        AccessCase(
            "monitoring.Installation",
            _installation,
            {
                "monitoring:installation_detail": lambda i: {"pk": i.pk},
                "GET /api/v1/installations/{installation_id}": lambda i: {"installation_id": i.pk},
            },
            NOT_CITY,
        ),
        AccessCase("monitoring.Sensor", _sensor, by_sensor, NOT_CITY),
        AccessCase(
            "monitoring.Alarm",
            _alarm,
            {
                "monitoring:alarm_detail": lambda a: {"pk": a.pk},
                "GET /api/v1/alarms/{id}/transitions": lambda a: {"id": a.pk},
                "POST /api/v1/alarms/{id}/transitions": lambda a: {"id": a.pk},
            },
            NOT_CITY,
        ),
    ]
