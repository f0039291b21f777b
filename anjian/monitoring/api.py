"""API of monitoring: installations, sensors, their latest values and series, alarms, and
``POST /readings`` for enterprises that send readings over HTTP instead of MQTT."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from anjian.core.api import ErrorOut
from anjian.core.scoping import get_visible_or_404
from anjian.core.workflow.api import add_transition_routes
from anjian.enterprises.models import Enterprise
from anjian.monitoring import ingest, queries
from anjian.monitoring.models import Alarm, Installation, Rejection, Sensor

router = Router(tags=["monitoring"])


class InstallationOut(Schema):
    id: int
    code: str
    name: str
    enterprise: str = Field(..., description="the enterprise's credit code")
    unit_kind: str
    exposed_people: int
    s: float = Field(..., description="GB 18218-2018 S = Σ q/Q")
    r: float | None = Field(..., description="GB 18218-2018 R = α·Σ β·q/Q (major only)")
    level: int | None = Field(..., description="1 (highest) to 4; None when not major")
    is_major: bool


class InstallationDetailOut(InstallationOut):
    calculation: dict[str, Any]


def _installation(row: Installation) -> dict[str, Any]:
    return {
        "id": row.pk,
        "code": row.code,
        "name": row.name,
        "enterprise": row.enterprise.credit_code,
        "unit_kind": row.unit_kind,
        "exposed_people": row.exposed_people,
        "s": float(row.s),
        "r": float(row.r) if row.r is not None else None,
        "level": row.level,
        "is_major": row.is_major,
        "calculation": row.calculation,
    }


@router.get("/installations", response=list[InstallationOut], summary="重大危险源 / installations")
def installations(request: HttpRequest) -> list[dict[str, Any]]:
    rows = Installation.objects.visible_to(request.user).select_related("enterprise")
    return [_installation(row) for row in rows]


@router.get(
    "/installations/{installation_id}",
    response={200: InstallationDetailOut, 404: ErrorOut},
    summary="重大危险源及其计算过程 / an installation and its GB 18218 calculation",
)
def installation(request: HttpRequest, installation_id: int) -> dict[str, Any]:
    row = get_visible_or_404(
        Installation.objects.select_related("enterprise"), request.user, pk=installation_id
    )
    return _installation(row)


class SensorOut(Schema):
    code: str
    name: str
    installation: int
    kind: str
    unit: str
    range_min: float
    range_max: float
    ll: float | None
    l: float | None  # noqa: E741
    h: float | None
    hh: float | None
    sampling_interval_s: int
    online: bool


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _sensor(row: Sensor) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "installation": row.installation_id,
        "kind": row.kind,
        "unit": row.unit,
        "range_min": float(row.range_min),
        "range_max": float(row.range_max),
        "ll": _num(row.ll),
        "l": _num(row.l),
        "h": _num(row.h),
        "hh": _num(row.hh),
        "sampling_interval_s": row.sampling_interval_s,
        "online": row.online,
    }


@router.get("/sensors", response=list[SensorOut], summary="传感器 / sensors")
def sensors(request: HttpRequest, installation: int | None = None) -> list[dict[str, Any]]:
    rows = Sensor.objects.visible_to(request.user)
    if installation is not None:
        rows = rows.filter(installation_id=installation)
    return [_sensor(row) for row in rows]


class LatestOut(Schema):
    sensor: str
    ts: datetime | None
    value: float | None


@router.get(
    "/sensors/{code}/latest",
    response={200: LatestOut, 404: ErrorOut},
    summary="最新值 / latest value",
)
def latest(request: HttpRequest, code: str) -> dict[str, Any]:
    sensor = get_visible_or_404(Sensor.objects, request.user, code=code)
    found = queries.latest_values([sensor.pk]).get(sensor.pk)
    return {"sensor": code, "ts": found[0] if found else None, "value": found[1] if found else None}


class PointOut(Schema):
    ts: datetime
    value: float


class SeriesOut(Schema):
    sensor: str
    unit: str
    resolution: str
    points: list[PointOut]


class SeriesQuery(Schema):
    hours: int = Field(6, ge=1, le=24 * 31, description="how far back")
    resolution: str = Field("raw", pattern="^(raw|minute|hour)$")


@router.get(
    "/sensors/{code}/series",
    response={200: SeriesOut, 404: ErrorOut},
    summary="时间序列 / series",
)
def series(request: HttpRequest, code: str, query: Query[SeriesQuery]) -> dict[str, Any]:
    sensor = get_visible_or_404(Sensor.objects, request.user, code=code)
    since = timezone.now() - timedelta(hours=query.hours)
    points = queries.series(sensor, since, query.resolution)
    return {
        "sensor": code,
        "unit": sensor.unit,
        "resolution": query.resolution,
        "points": [{"ts": ts, "value": value} for ts, value in points],
    }


class AlarmOut(Schema):
    id: int
    sensor: str
    installation: int
    level: str
    state: str
    value: float | None
    limit: float | None
    raised_at: datetime
    cleared_at: datetime | None


@router.get("/alarms", response=list[AlarmOut], summary="报警 / alarms")
def alarms(
    request: HttpRequest, sensor: str | None = None, state: str | None = None
) -> list[dict[str, Any]]:
    rows = Alarm.objects.visible_to(request.user).select_related("sensor").order_by("-raised_at")
    if sensor:
        rows = rows.filter(sensor__code=sensor)
    if state:
        rows = rows.filter(state=state)
    return [
        {
            "id": a.pk,
            "sensor": a.sensor.code,
            "installation": a.installation_id,
            "level": a.level,
            "state": a.state,
            "value": a.value,
            "limit": a.limit,
            "raised_at": a.raised_at,
            "cleared_at": a.cleared_at,
        }
        for a in rows[:500]
    ]


add_transition_routes(router, Alarm, "/alarms")


class RejectionOut(Schema):
    enterprise: str | None = Field(..., description="credit code; None: unknown sensor codes")
    day: date
    reason: str
    count: int
    last_example: str


@router.get("/rejections", response=list[RejectionOut], summary="被拒绝的数据 / rejected readings")
def rejections(request: HttpRequest, days: int = 7) -> list[dict[str, Any]]:
    """Bad readings counted per enterprise, day and reason (the caller's enterprises)."""
    since = timezone.localdate() - timedelta(days=max(0, min(days, 366)))
    rows = (
        Rejection.objects.visible_to(request.user)
        .filter(day__gte=since)
        .select_related("enterprise")
        .order_by("-day", "reason")
    )
    return [
        {
            "enterprise": r.enterprise.credit_code if r.enterprise else None,
            "day": r.day,
            "reason": r.reason,
            "count": r.count,
            "last_example": r.last_example,
        }
        for r in rows[:1000]
    ]


class ReadingIn(BaseModel):  # plain pydantic: ninja's Schema adds a Python validator per item
    sensor: Any = None
    ts: Any = None
    value: Any = None


class Rejected(Schema):
    index: int
    reason: str


class ReadingsOut(Schema):
    accepted: int
    rejected: list[Rejected]


@router.post(
    "/readings",
    response={200: ReadingsOut, 413: ErrorOut},
    summary="上报监测数据 / send readings",
)
def post_readings(request: HttpRequest, payload: list[ReadingIn]) -> Any:
    """A batch of ``{"sensor", "ts", "value"}`` (ts: ISO 8601 or epoch seconds) of the
    caller's own sensors (an enterprise's token; the city office may send any). Bad readings
    are rejected one by one, with their index and reason; the others are stored."""
    limit = queries.max_batch()
    if len(payload) > limit:
        return 413, {"detail": f"一次最多上报{limit}条数据", "code": "too_large"}
    allowed = None
    grants_city = Enterprise.objects.editable_by(request.user)
    if grants_city.query.where:
        allowed = frozenset(grants_city.values_list("pk", flat=True))
    outcome = ingest.ingestor().process(
        [(item.sensor, item.ts, item.value) for item in payload], allowed_enterprises=allowed
    )
    return {"accepted": outcome.accepted, "rejected": outcome.rejected}
