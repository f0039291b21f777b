"""Every change to installations, inventories, sensors and alarms: one transaction, audited.

The grade of an installation is never typed in: :func:`regrade` recomputes it through
:func:`anjian.standards.gb18218.assess` in the transaction of every change of an inventory or
of the people within 500 m, keeps the calculation line by line, and tells the other modules
(:data:`anjian.enterprises.facts.facts_changed`) when the enterprise's highest grade may have
changed. A gas detector's level 1 and level 2 set points are checked by
:func:`anjian.standards.gas_detection.check_set_points` before it is saved.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import DurationField, F, Func, Min, Q, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit, deadlines
from anjian.core.scoping import ensure_editable
from anjian.core.services import notify
from anjian.core.updating import editing
from anjian.enterprises.facts import MAJOR_HAZARD_INSTALLATION, facts_changed
from anjian.enterprises.models import Enterprise
from anjian.monitoring.choices import GAS_KINDS, AlarmLevel, SensorKind
from anjian.monitoring.models import Alarm, Installation, Inventory, Sensor, to_enterprise
from anjian.standards import gas_detection, gb18218

INSTALLATION_FIELDS = (
    "code", "name", "unit_kind", "exposed_people", "filing_number", "filed_on",
    "principal_person", "technical_person", "operation_person",
)  # fmt: skip
INVENTORY_FIELDS = ("name", "cas", "category", "max_quantity_t")
SENSOR_FIELDS = (
    "code", "name", "kind", "unit", "range_min", "range_max", "ll", "l", "h", "hh",
    "sampling_interval_s", "basis", "oel", "idlh",
)  # fmt: skip


# --- GB 18218 grading


def _item(inventory: Inventory) -> gb18218.Item:
    return gb18218.Item(
        inventory.max_quantity_t,
        cas=inventory.cas or None,
        name=inventory.name or None,
        category=inventory.category or None,
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def calculation(inventories: Iterable[Inventory], exposed_people: int) -> dict[str, Any]:
    """The GB 18218-2018 assessment of a unit, as the JSON the installation keeps and shows.

    Raises ValidationError (the standard's bilingual message) for an unknown substance."""
    rows = list(inventories)
    try:
        result = gb18218.assess([_item(row) for row in rows], exposed_people)
    except ValueError as error:
        raise ValidationError(str(error), code="gb18218") from error
    lines = [
        {
            "label": basis.label,
            "quantity_t": _text(row.max_quantity_t),
            "threshold_t": _text(line.threshold_t),
            "threshold_source": basis.threshold_source,
            "ratio": _text(line.ratio),
            "beta": _text(line.beta),
            "beta_source": basis.beta_source,
            "checked": basis.beta_status.value == "checked",
        }
        for row, line, basis in zip(rows, result.lines, result.basis, strict=True)
    ]
    return {
        "citation": gb18218.CITATION,
        "lines": lines,
        "s": _text(result.s),
        "is_major": result.is_major,
        "exposed_people": result.exposed_people,
        "alpha": _text(result.alpha),
        "r": _text(result.r),
        "level": result.level,
    }


def highest_grades(enterprise_ids: Collection[int] | None) -> dict[int, str]:
    """The fact MAJOR_HAZARD_INSTALLATION: each enterprise's highest grade, "1" to "4"."""
    rows = Installation.objects.filter(level__isnull=False)
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    grouped = rows.order_by().values("enterprise_id").annotate(best=Min("level"))
    return {row["enterprise_id"]: str(row["best"]) for row in grouped}


def regrade(installation: Installation, *, actor: Any) -> Installation:
    """Recompute S, R and the level from the inventories and people within 500 m; when the
    level changes, send ``facts_changed`` for the enterprise (same transaction)."""
    with transaction.atomic():
        result = calculation(installation.inventories.order_by("pk"), installation.exposed_people)
        before = installation.level
        with editing(installation, actor=actor, action="regrade") as edit:
            edit.set(
                {
                    "s": Decimal(result["s"]),
                    "r": Decimal(result["r"]) if result["r"] is not None else None,
                    "is_major": result["is_major"],
                    "level": result["level"],
                    "calculation": result,
                }
            )
        if installation.level != before:
            facts_changed.send(
                Installation,
                enterprise_ids=[installation.enterprise_id],
                fact=MAJOR_HAZARD_INSTALLATION,
            )
    return installation


def _clean(obj: Any, fields: Iterable[str], data: Mapping[str, Any]) -> None:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])


@transaction.atomic
def create_installation(
    enterprise: Enterprise, data: Mapping[str, Any], *, actor: Any
) -> Installation:
    installation = Installation(enterprise=enterprise)
    _clean(installation, INSTALLATION_FIELDS, data)
    installation.full_clean()
    installation.save()
    ensure_editable(installation, actor)
    audit.record("create", actor=actor, obj=installation, after=audit.snapshot(installation))
    return regrade(installation, actor=actor)


@transaction.atomic
def _lock_installation(installation: Installation) -> None:
    """Lock the installation's row first, as ``update_installation`` does: a writer of one of
    its inventories or sensors that locked the audit chain before it deadlocked with one."""
    list(Installation.objects.select_for_update().filter(pk=installation.pk).values_list("pk"))


@transaction.atomic
def update_installation(
    installation: Installation,
    changes: Mapping[str, Any],
    *,
    actor: Any,
    expected_version: str | None = None,
) -> Installation:
    ensure_editable(installation, actor)
    with editing(installation, actor=actor, expected_version=expected_version) as edit:
        edit.set({k: v for k, v in changes.items() if k in INSTALLATION_FIELDS})
    return regrade(installation, actor=actor)


@transaction.atomic
def save_inventory(
    installation: Installation,
    data: Mapping[str, Any],
    *,
    actor: Any,
    inventory: Inventory | None = None,
) -> Inventory:
    """Add (or, given ``inventory``, change) a chemical of the installation, then regrade;
    a substance GB 18218 cannot identify is refused and nothing is saved."""
    ensure_editable(installation, actor)
    _lock_installation(installation)
    if inventory is None:
        row = Inventory(installation=installation)
        _clean(row, INVENTORY_FIELDS, data)
        row.full_clean()
        _check_item(row)
        row.save()
        audit.record("create", actor=actor, obj=row, after=audit.snapshot(row))
    else:
        row = inventory
        with editing(row, actor=actor) as edit:
            edit.set({k: v for k, v in data.items() if k in INVENTORY_FIELDS})
            _check_item(row)
    regrade(installation, actor=actor)
    return row


def _check_item(row: Inventory) -> None:
    try:
        gb18218.assess([_item(row)], 0)
    except ValueError as error:
        raise ValidationError({"name": str(error)}, code="gb18218") from error


@transaction.atomic
def delete_inventory(inventory: Inventory, *, actor: Any) -> None:
    installation = inventory.installation
    ensure_editable(installation, actor)
    audit.record("delete", actor=actor, obj=inventory, before=audit.snapshot(inventory))
    inventory.delete()
    regrade(installation, actor=actor)


# --- sensors


def _dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def check_sensor(sensor: Sensor) -> None:
    """The invariants of a sensor's limits, and GB/T 50493-2019 for a gas detector's set
    points (level 1 = H, level 2 = HH; oxygen: H over-oxygen, L deficiency)."""
    errors: dict[str, str] = {}
    low, high = _dec(sensor.range_min), _dec(sensor.range_max)
    if low is not None and high is not None and low >= high:
        errors["range_max"] = _("量程上限必须大于量程下限")
    ordered = [(f, _dec(getattr(sensor, f))) for f in ("ll", "l", "h", "hh")]
    present = [(f, v) for f, v in ordered if v is not None]
    for (_f1, v1), (f2, v2) in zip(present, present[1:], strict=False):
        if v1 is not None and v2 is not None and v1 > v2:
            errors[f2] = _("限值须满足 低低限 ≤ 低限 ≤ 高限 ≤ 高高限")
    for field, value in present:
        if low is not None and high is not None and not low <= value <= high:
            errors[field] = _("限值须在量程之内")
    if errors:
        raise ValidationError(errors)
    if sensor.kind not in GAS_KINDS:
        return
    detector = {
        SensorKind.COMBUSTIBLE_GAS: gas_detection.Detector.COMBUSTIBLE,
        SensorKind.LINE_COMBUSTIBLE_GAS: gas_detection.Detector.LINE_COMBUSTIBLE,
        SensorKind.TOXIC_GAS: gas_detection.Detector.TOXIC,
        SensorKind.OXYGEN: gas_detection.Detector.OXYGEN,
    }[SensorKind(sensor.kind)]
    second_field = "l" if detector is gas_detection.Detector.OXYGEN else "hh"
    first, second = _dec(sensor.h), _dec(getattr(sensor, second_field))
    if first is None or second is None:
        raise ValidationError(
            {second_field: _("气体探测器须设定一级和二级报警值（GB/T 50493-2019）")}
        )
    try:
        gas_detection.check_set_points(
            detector,
            first,
            second,
            basis=gas_detection.Basis(sensor.basis) if sensor.basis else None,
            oel=_dec(sensor.oel),
            idlh=_dec(sensor.idlh),
            range_max=high,
            unit=sensor.unit,
        )
    except gas_detection.SetPointRefused as refused:
        field = "l" if "欠氧" in str(refused) else ("hh" if "二级" in str(refused) else "h")
        raise ValidationError({field: str(refused)}, code="gb50493") from refused


@transaction.atomic
def save_sensor(
    installation: Installation,
    data: Mapping[str, Any],
    *,
    actor: Any,
    sensor: Sensor | None = None,
) -> Sensor:
    """Add or change a sensor; its limits and set points are checked before saving."""
    ensure_editable(installation, actor)
    _lock_installation(installation)
    if sensor is None:
        sensor = Sensor(installation=installation)
        _clean(sensor, SENSOR_FIELDS, data)
        sensor.full_clean()
        check_sensor(sensor)
        sensor.save()
        audit.record("create", actor=actor, obj=sensor, after=audit.snapshot(sensor))
        return sensor
    with editing(sensor, actor=actor) as edit:
        edit.set({k: v for k, v in data.items() if k in SENSOR_FIELDS})
        check_sensor(sensor)
    return sensor


# --- alarms (raised and cleared by the ingest, in its batch transaction)


def acknowledge_minutes() -> int:
    return int(getattr(settings, "MONITORING_ACKNOWLEDGE_MINUTES", 10))


def raise_alarm(
    sensor_id: int,
    level: str,
    *,
    at: datetime,
    value: float | None = None,
    limit: float | None = None,
) -> Alarm | None:
    """Raise an alarm of ``level`` for the sensor unless one of that level is still active
    (the partial unique constraint decides, so two ingest workers raise it once). The
    enterprise is told at once; unacknowledged after ``MONITORING_ACKNOWLEDGE_MINUTES`` the
    deadline engine escalates to the town, and later to the city office."""
    sensor = Sensor.objects.select_related("installation__enterprise").get(pk=sensor_id)
    installation = sensor.installation
    alarm = Alarm(
        sensor=sensor,
        installation=installation,
        enterprise=installation.enterprise,
        level=level,
        value=value,
        limit=limit,
        raised_at=at,
    )
    try:
        with transaction.atomic():  # a savepoint: a conflict leaves the batch intact
            alarm.save()
    except IntegrityError:
        return None  # already active (raised by another worker, or before a restart)
    audit.record(
        "alarm_raised",
        actor=None,
        obj=alarm,
        after={"sensor": sensor.code, "level": level, "value": value, "raised_at": at},
    )
    deadlines.set_deadline(
        alarm, "acknowledge", at + timedelta(minutes=acknowledge_minutes()), actor=None
    )
    title = _("报警：%(sensor)s %(level)s") % {
        "sensor": sensor.name,
        "level": AlarmLevel(level).label,
    }
    for user in to_enterprise(alarm):
        notify(user, title, body=f"{installation.name} {value if value is not None else ''}")
    return alarm


def clear_alarms(sensor_id: int, levels: Collection[str], *, at: datetime) -> int:
    """The condition of these levels no longer holds: mark their active alarms cleared (the
    workflow goes on: a cleared alarm still waits to be acknowledged and handled)."""
    return Alarm.objects.filter(
        sensor_id=sensor_id, level__in=list(levels), cleared_at__isnull=True
    ).update(cleared_at=at)


class _Seconds(Func):
    """A number of seconds as a duration: Django multiplies a duration on PostgreSQL but not on
    SQLite, where a duration is a count of microseconds."""

    output_field = DurationField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="make_interval(secs => %(expressions)s)")

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s * 1000000)")


def mark_offline(now: datetime | None = None) -> int:
    """Sensors silent for three sampling intervals go offline and raise an ``offline`` alarm
    (one query finds them); returns how many went offline."""
    now = now or timezone.now()
    silent_for = _Seconds(F("sampling_interval_s") * 3)
    silent = list(
        Sensor.objects.filter(online=True)
        .filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=Value(now) - silent_for))
        .values_list("pk", flat=True)
    )
    for pk in silent:
        with transaction.atomic():
            if Sensor.objects.filter(pk=pk, online=True).update(online=False):
                raise_alarm(pk, AlarmLevel.OFFLINE, at=now)
    return len(silent)
