"""The monitoring API: scoped lists, latest values and series, alarms, POST /readings."""

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from anjian.monitoring import ingest, services
from anjian.monitoring.models import Alarm, Reading


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, items: list[dict[str, Any]]) -> Any:
    return client.post("/api/v1/readings", items, content_type="application/json")


def test_installations_and_sensors_scoped(plant: Any, city: Any, town_b: Any) -> None:
    services.save_inventory(plant, {"name": "液氯", "max_quantity_t": 300}, actor=city)
    rows = _client(city).get("/api/v1/installations").json()
    assert [(r["code"], r["level"], r["r"] is not None, r["s"]) for r in rows] == [
        ("T1", 1, True, 60.0)
    ]
    detail = _client(city).get(f"/api/v1/installations/{plant.pk}").json()
    assert detail["calculation"]["lines"][0]["threshold_t"] == "5"
    assert _client(town_b).get("/api/v1/installations").json() == []
    assert _client(town_b).get(f"/api/v1/installations/{plant.pk}").status_code == 404
    sensors = _client(city).get("/api/v1/sensors").json()
    assert [
        (s["code"], s["kind"], s["unit"], s["ll"], s["l"], s["h"], s["hh"]) for s in sensors
    ] == [("TE-1", "temperature", "℃", 0.0, 10.0, 80.0, 100.0)]
    assert _client(town_b).get("/api/v1/sensors").json() == []


def test_post_readings_accepts_and_rejects(plant: Any, manager: Any, town_b: Any) -> None:
    ingest._INGESTOR = None
    now = timezone.now()
    items = [
        {"sensor": "TE-1", "ts": (now - timedelta(seconds=20)).isoformat(), "value": 20},
        {"sensor": "TE-1", "ts": (now - timedelta(seconds=10)).timestamp(), "value": 95},
        {"sensor": "TE-1", "ts": now.isoformat(), "value": "x"},
        {"sensor": "NOPE", "ts": now.isoformat(), "value": 1},
    ]
    answer = _post(_client(manager), items)
    assert answer.status_code == 200
    assert answer.json() == {
        "accepted": 2,
        "rejected": [
            {"index": 2, "reason": "not_a_number"},
            {"index": 3, "reason": "unknown_sensor"},
        ],
    }
    assert Reading.objects.count() == 2
    counted = _client(manager).get("/api/v1/rejections").json()
    assert [(r["enterprise"], r["reason"], r["count"]) for r in counted] == [
        (plant.enterprise.credit_code, "not_a_number", 1)
    ]  # the unknown code belongs to no enterprise: the city office sees that row
    assert len(_client(town_b).get("/api/v1/rejections").json()) == 0
    listed = _client(manager).get("/monitoring/installations/").content.decode()
    assert 'data-testid="rejected"' in listed and "数值无效 1" in listed
    # Another enterprise's sensor is unknown to the caller, as if it did not exist.
    stranger = _post(_client(town_b), items[:1]).json()
    assert stranger == {"accepted": 0, "rejected": [{"index": 0, "reason": "unknown_sensor"}]}


def test_latest_series_alarms_and_transitions(plant: Any, manager: Any, town_b: Any) -> None:
    ingest._INGESTOR = None
    now = timezone.now()
    _post(
        _client(manager),
        [
            {"sensor": "TE-1", "ts": (now - timedelta(seconds=30)).isoformat(), "value": 50},
            {"sensor": "TE-1", "ts": (now - timedelta(seconds=20)).isoformat(), "value": 85},
        ],
    )
    client = _client(manager)
    latest = client.get("/api/v1/sensors/TE-1/latest").json()
    assert latest["value"] == 85
    series = client.get("/api/v1/sensors/TE-1/series?hours=1").json()
    assert [p["value"] for p in series["points"]] == [50, 85]
    assert _client(town_b).get("/api/v1/sensors/TE-1/latest").status_code == 404
    alarms = client.get("/api/v1/alarms?sensor=TE-1").json()
    assert [(a["sensor"], a["level"], a["state"]) for a in alarms] == [("TE-1", "H", "raised")]
    assert alarms[0]["raised_at"]
    alarm_id = alarms[0]["id"]
    taken = client.post(
        f"/api/v1/alarms/{alarm_id}/transitions",
        {"action": "acknowledge"},
        content_type="application/json",
    )
    assert taken.status_code == 200, taken.content
    history = client.get(f"/api/v1/alarms/{alarm_id}/transitions").json()
    assert history["state"] == "acknowledged" and history["allowed"] == ["handle"]
    refused = client.post(
        f"/api/v1/alarms/{alarm_id}/transitions",
        {"action": "handle"},
        content_type="application/json",
    )
    assert refused.status_code == 409  # a disposal note is required
    assert Alarm.objects.get().state == "acknowledged"


def test_pages_show_the_calculation_and_the_board(plant: Any, city: Any, manager: Any) -> None:
    services.save_inventory(plant, {"name": "液氯", "max_quantity_t": 300}, actor=city)
    ingest._INGESTOR = None
    _post(_client(manager), [{"sensor": "TE-1", "ts": timezone.now().isoformat(), "value": 90}])
    client = _client(manager)
    page = client.get(f"/monitoring/installations/{plant.pk}/").content.decode()
    assert "60" in page and 'data-testid="r"' in page
    assert "T1" in client.get("/monitoring/installations/").content.decode()
    board = client.get("/monitoring/alarms/").content.decode()
    assert 'hx-trigger="every 5s"' in board and "TE-1" in board
    partial = client.get("/monitoring/alarms/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'value="acknowledge"' in partial
    alarm = Alarm.objects.get()
    assert client.get(f"/monitoring/alarms/{alarm.pk}/").status_code == 200
    home = client.get("/").content.decode()
    assert 'data-testid="figure-alarms-open"' in home


def test_enterprise_page_and_dossier_show_the_installations(plant: Any, city: Any) -> None:
    from anjian.enterprises.dossier import SECTIONS

    services.save_inventory(plant, {"name": "液氯", "max_quantity_t": 300}, actor=city)
    answer = _client(city).get(f"/enterprises/{plant.enterprise.pk}/")
    page = answer.content.decode()
    assert answer.status_code == 200, page[-500:]
    assert 'data-panel="installations"' in page and f"/monitoring/installations/{plant.pk}/" in page
    rows = SECTIONS["installations"].rows(plant.enterprise)
    assert rows[0][0] == "T1 T1罐区" and "R=288" in rows[0][1] and "1级" in rows[0][1]
