"""The demo city's major hazard installations: graded at every level (1 to 4, and a unit that is
not major), each with sensors and an hour of readings; the two demo enterprise accounts'
enterprises (demo numbers 0 and 1) each run one, so every role sees its part. Grades come from
the services (through GB 18218), never typed in; a second run adds nothing."""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from anjian.core.democity import DemoContext
from anjian.enterprises.demo import demo_codes
from anjian.enterprises.models import Enterprise
from anjian.monitoring import ingest, services
from anjian.monitoring.models import Installation, Sensor

# (code, name, kind, people within 500 m, [(chemical, tonnes)]): levels 1, 2, 3, 4, none.
PLANTS = [
    ("GR-01", "液氯储罐区", "storage", 120, [("液氯", 300)]),
    ("GR-02", "氯化工段", "production", 40, [("液氯", 60)]),
    ("GR-03", "液氯钢瓶库", "storage", 40, [("液氯", 25)]),
    ("GR-04", "甲醇罐区", "storage", 10, [("甲醇", 600)]),
    ("GR-05", "甲醇中间罐", "storage", 10, [("甲醇", 200)]),
    ("GR-06", "液氨罐区", "storage", 20, [("液氨", 20)]),
]

SENSORS: list[dict[str, Any]] = [
    {"suffix": "TE", "name": "储罐温度", "kind": "temperature", "unit": "℃", "range_min": -20,
     "range_max": 120, "ll": -10, "l": 0, "h": 40, "hh": 50, "base": 25},
    {"suffix": "PT", "name": "储罐压力", "kind": "pressure", "unit": "MPa", "range_min": 0,
     "range_max": 2.5, "ll": None, "l": None, "h": Decimal("1.2"), "hh": Decimal("1.5"),
     "base": 0.8},
    {"suffix": "GT", "name": "泄漏检测", "kind": "toxic_gas", "unit": "mg/m³", "range_min": 0,
     "range_max": 20, "ll": None, "l": None, "h": 1, "hh": 2, "basis": "MAC", "oel": 1,
     "base": 0.1},
]  # fmt: skip


def _actor() -> Any:
    from anjian.accounts.models import User

    return User.objects.filter(username="city").first()


def build(context: DemoContext) -> str:
    codes = demo_codes(context, 6)
    enterprises = list(Enterprise.objects.filter(credit_code__in=codes))
    if not enterprises:
        return "no demo enterprises; skipped"
    by_code = {e.credit_code: e for e in enterprises}
    actor = _actor()
    created = 0
    now = timezone.now().replace(microsecond=0)
    readings: list[tuple[str, Any, float]] = []
    for number, (code, name, kind, people, chemicals) in enumerate(PLANTS):
        enterprise = by_code.get(codes[number % len(codes)])
        if (
            enterprise is None
            or Installation.objects.filter(enterprise=enterprise, code=code).exists()
        ):
            continue
        installation = services.create_installation(
            enterprise,
            {
                "code": code,
                "name": name,
                "unit_kind": kind,
                "exposed_people": people,
                "filing_number": f"370481-{2024}-{number + 1:03d}",
                "principal_person": "张建国",
                "technical_person": "李明",
                "operation_person": "王强",
            },
            actor=actor,
        )
        for chemical, tonnes in chemicals:
            services.save_inventory(
                installation, {"name": chemical, "max_quantity_t": Decimal(tonnes)}, actor=actor
            )
        for spec in SENSORS:
            data = {k: v for k, v in spec.items() if k not in ("suffix", "base")}
            sensor_code = f"{code}-{spec['suffix']}"
            services.save_sensor(
                installation,
                {**data, "code": sensor_code, "sampling_interval_s": 60},
                actor=actor,
            )
            for minute in range(60, 0, -1):
                wave = math.sin((minute + number) / 9) * 0.05 * float(spec["range_max"])
                readings.append(
                    (sensor_code, now - timedelta(minutes=minute), abs(float(spec["base"]) + wave))
                )
        created += 1
    if readings:
        ingest.Ingestor().process([(c, ts.isoformat(), v) for c, ts, v in readings])
    total = Installation.objects.count()
    sensors = Sensor.objects.count()
    return f"{created} installations created ({total} in all, {sensors} sensors)"
