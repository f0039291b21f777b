"""The API: scoped list, create with the issue's minimal body, detail with grade and
deadlines, supplementary reports, report steps, transitions, publication, quotas."""

from __future__ import annotations

import json

import pytest
import time_machine

from anjian.accidents.models import Accident
from anjian.accidents.tests.conftest import at

NOW = at(2026, 12, 1, 10, 0)


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def body(cast):
    return {
        "occurred_at": "2026-12-01T08:00:00+08:00",
        "town": cast["towns"][0].code,
        "type": "WSA10005",
        "deaths": 3,
        "serious_injuries": 0,
        "direct_loss_yuan": "1200000",
        "summary": "起重机倾覆",
        "enterprise": cast["enterprise_a_obj"].credit_code,
    }


def test_create_and_read_a_relatively_serious_accident(client, cast, body):
    client.force_login(cast["town_a"])
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    response = _post(client, "/api/v1/accidents", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["grade"] == "relatively_serious"
    assert data["type_edition"] == "GB 6441-2025"
    assert [s["level"] for s in data["reporting_chain"]] == ["county", "city", "province"]
    assert data["deadlines"][0]["kind"] == "investigation"
    assert data["investigation_due"] == "2027-01-30"
    assert data["industry"] == "2614"
    detail = client.get(f"/api/v1/accidents/{data['id']}").json()
    assert detail["grade"] == "relatively_serious"
    listing = client.get("/api/v1/accidents?year=2026").json()
    assert listing["count"] == 1
    client.force_login(cast["town_b"])
    assert client.get(f"/api/v1/accidents/{data['id']}").status_code == 404
    assert client.get("/api/v1/accidents").json()["count"] == 0
    traveller.stop()


def test_minimal_body_without_enterprise(client, cast, body):
    client.force_login(cast["city"])
    del body["enterprise"]
    body["type"] = "WSA10003"
    with time_machine.travel(NOW, tick=False):
        response = _post(client, "/api/v1/accidents", {**body, "road_traffic": True})
    assert response.status_code == 201
    assert response.json()["supplementary_until"] == "2026-12-08"


@pytest.mark.parametrize(
    "change",
    [
        {"town": "999999999999"},
        {"type": "WSA99999"},
        {"type": "3"},  # a 1986 code for a 2026-12 accident
        {"deaths": -1},
        {"summary": ""},
        {"summary": "含\x00空字符"},
        {"direct_loss_yuan": "-5"},
        {"occurred_at": "2027-06-01T08:00:00+08:00"},  # in the future
        {"enterprise": "91370481MA3C0FFEEK"},  # well formed, registered nowhere,
    ],
)
def test_bad_input_is_a_422_and_writes_nothing(client, cast, body, change):
    client.force_login(cast["city"])
    with time_machine.travel(NOW, tick=False):
        response = _post(client, "/api/v1/accidents", {**body, **change})
    assert response.status_code == 422, response.content
    assert not Accident.objects.exists()


def test_a_town_may_not_report_for_another_town(client, cast, body):
    client.force_login(cast["town_b"])
    with time_machine.travel(NOW, tick=False):
        response = _post(client, "/api/v1/accidents", body)
    assert response.status_code in (403, 422)
    assert not Accident.objects.exists()


def test_supplementary_report_steps_transitions_and_publication(client, cast, body):
    client.force_login(cast["city"])
    with time_machine.travel(NOW, tick=False):
        accident = _post(client, "/api/v1/accidents", {**body, "deaths": 1}).json()
        pk = accident["id"]
        supplementary = {
            "deaths": 10,
            "missing": 0,
            "serious_injuries": 0,
            "direct_loss_yuan": "0",
            "note": "续报",
        }
        answer = _post(client, f"/api/v1/accidents/{pk}/supplementary-reports", supplementary)
        assert answer.status_code == 201
        assert answer.json()["grade"] == "serious"
        step = answer.json()["reporting_chain"][0]["id"]
        stepped = _post(
            client,
            f"/api/v1/accidents/{pk}/report-steps/{step}",
            {"reported_at": "2026-12-01T09:30:00+08:00"},
        )
        assert stepped.status_code == 200
        assert stepped.json()["reporting_chain"][0]["late"] is True
        early = _post(client, f"/api/v1/accidents/{pk}/publication", {})
        assert early.status_code == 422
        for action, data in [
            ("start_investigation", {"team": "市政府调查组"}),
            ("submit_report", {"findings": "f", "penalties": "p", "recommendations": "r"}),
            ("approve", {}),
            ("close", {"closing_summary": "已结案公开"}),
        ]:
            taken = _post(
                client, f"/api/v1/accidents/{pk}/transitions", {"action": action, "data": data}
            )
            assert taken.status_code == 200, taken.content
        refused = _post(client, f"/api/v1/accidents/{pk}/transitions", {"action": "extend"})
        assert refused.status_code == 409
        assert client.get(f"/api/v1/accidents/{pk}/transitions").json()["state"] == "closed"
        published = _post(client, f"/api/v1/accidents/{pk}/publication", {})
        assert published.status_code == 200


def test_quotas_api(client, cast):
    client.force_login(cast["town_a"])
    body = {"year": 2026, "kind": "town", "town": cast["towns"][0].code, "deaths_allowed": 2}
    assert _post(client, "/api/v1/accident-quotas", body).status_code == 403
    client.force_login(cast["city"])
    created = _post(client, "/api/v1/accident-quotas", body)
    assert created.status_code == 201
    assert created.json()["level"] == "ok"
    assert _post(client, "/api/v1/accident-quotas", {**body, "town": "1"}).status_code == 422
    client.force_login(cast["town_b"])
    assert client.get("/api/v1/accident-quotas?year=2026").json()["count"] == 0
    client.force_login(cast["town_a"])
    assert client.get("/api/v1/accident-quotas?year=2026").json()["count"] == 1
