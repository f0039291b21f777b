"""The API: scoped list with filters, detail, create, transitions, plans, extensions,
listings, checklists, tasks and figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anjian.dangers import services
from anjian.dangers.models import Checklist, HiddenDanger, InspectionTask
from anjian.dangers.tests.conftest import photo, report
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=TEST_PASSWORD)
    return c


def test_create_list_detail_and_transitions(works, other_works, people):
    town = client(people["town"])
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    body = {"enterprise": works.pk, "description": "配电箱无防护门", "place": "机修间",
            "source": "grid_patrol", "deadline": deadline}  # fmt: skip
    response = town.post("/api/v1/hidden-dangers", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert {"id", "enterprise", "state", "is_major", "deadline", "allowed_actions"} <= set(created)
    assert created["state"] == "reported" and created["allowed_actions"] == ["assess", "cancel"]
    refused = town.post(
        "/api/v1/hidden-dangers", {**body, "source": "rumour"}, content_type="application/json"
    )
    assert refused.status_code == 422
    out_of_scope = client(people["town_b"]).post(
        "/api/v1/hidden-dangers", body, content_type="application/json"
    )
    assert out_of_scope.status_code == 422
    report(other_works, people["town_b"])
    listing = town.get("/api/v1/hidden-dangers?status=open&source=grid_patrol").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == created["id"]
    assert town.get("/api/v1/hidden-dangers?major=1").json()["count"] == 0
    assert client(people["city"]).get("/api/v1/hidden-dangers").json()["count"] == 2
    detail = client(people["enterprise"]).get(f"/api/v1/hidden-dangers/{created['id']}")
    assert detail.status_code == 200 and detail.json()["allowed_actions"] == []
    assert (
        client(people["town_b"]).get(f"/api/v1/hidden-dangers/{created['id']}").status_code == 404
    )
    path = f"/api/v1/hidden-dangers/{created['id']}/transitions"
    wrong = client(people["enterprise"]).post(
        path, {"action": "assess"}, content_type="application/json"
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "not_permitted"
    ok = town.post(
        path, {"action": "assess", "comment": "一般隐患"}, content_type="application/json"
    )
    assert ok.status_code == 200
    assert town.get(path).json()["state"] == "assessed"


def test_plan_extension_listing_and_report(works, people):
    danger = report(works, people["enterprise"], criterion_code="HC2017-05")
    company, town, city = (client(people[w]) for w in ("enterprise", "town", "city"))
    plan = company.post(
        f"/api/v1/hidden-dangers/{danger.pk}/plan",
        {"owner": "张三", "measures": "加装切断阀"},
        content_type="application/json",
    )
    assert plan.status_code == 201 and plan.json()["missing"] == [
        "funds",
        "deadline",
        "contingency_plan",
    ]
    start = company.post(
        f"/api/v1/hidden-dangers/{danger.pk}/transitions",
        {"action": "start_rectification"}, content_type="application/json",
    )  # fmt: skip
    assert start.status_code == 409  # not yet assessed
    town.post(f"/api/v1/hidden-dangers/{danger.pk}/transitions", {"action": "assess"},
              content_type="application/json")  # fmt: skip
    start = company.post(
        f"/api/v1/hidden-dangers/{danger.pk}/transitions",
        {"action": "start_rectification"}, content_type="application/json",
    )  # fmt: skip
    assert start.status_code == 409 and start.json()["code"] == "five_implementations"
    listing = city.post(
        f"/api/v1/hidden-dangers/{danger.pk}/listing",
        {"deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
         "report_interval_days": 7},
        content_type="application/json",
    )  # fmt: skip
    assert listing.status_code == 201 and listing.json()["level"] == "city"
    lid = listing.json()["id"]
    report_ = company.post(
        f"/api/v1/danger-listings/{lid}/reports",
        {"text": "已采购"},
        content_type="application/json",
    )
    assert report_.status_code == 201
    lift = city.post(
        f"/api/v1/danger-listings/{lid}/transitions", {"action": "lift", "comment": "摘牌"},
        content_type="application/json",
    )  # fmt: skip
    assert lift.status_code == 409 and lift.json()["code"] == "not_verified"
    assert city.get(f"/api/v1/danger-listings/{lid}/transitions").json()["state"] == "listed"
    extension = company.post(
        f"/api/v1/hidden-dangers/{danger.pk}/extensions",
        {"deadline": (danger.deadline + timedelta(days=20)).isoformat(), "reason": "设备订货"},
        content_type="application/json",
    )
    assert extension.status_code == 201
    xid = extension.json()["id"]
    decided = town.post(
        f"/api/v1/danger-extensions/{xid}/transitions", {"action": "approve"},
        content_type="application/json",
    )  # fmt: skip
    assert decided.status_code == 200
    assert town.get(f"/api/v1/danger-extensions/{xid}/transitions").json()["state"] == "approved"
    assert HiddenDanger.objects.get(pk=danger.pk).deadline == danger.deadline + timedelta(days=20)


def test_checklists_tasks_and_completing_with_photos(works, people):
    company = client(people["enterprise"])
    checklists = company.get("/api/v1/danger-checklists").json()
    keys = {c["key"] for c in checklists}
    assert {"metallurgy", "nonferrous", "building_materials", "machinery", "light_industry",
            "textile", "tobacco", "trade", "chemical", "ammonia_refrigeration",
            "dust_explosion", "confined_space", "crowded_places",
            "construction"} <= keys  # fmt: skip
    dust = company.get("/api/v1/danger-checklists/dust_explosion").json()
    assert any(i["criterion_code"].startswith("GM2023-11") for i in dust["items"])
    services.create_inspection_plan(
        works, {"checklist": Checklist.objects.get(key="trade"), "name": "日检",
                "frequency": "daily"}, actor=people["enterprise"],
    )  # fmt: skip
    services.generate_tasks()
    tasks = company.get("/api/v1/inspection-tasks?completed=0").json()
    assert tasks["count"] == 1
    task_id = tasks["items"][0]["id"]
    assert company.get(f"/api/v1/inspection-tasks/{task_id}").json()["completed"] is False
    upload = company.post(
        f"/api/v1/attachments/dangers.inspectiontask/{task_id}", {"file": photo()}
    )
    assert upload.status_code in (200, 201), upload.content
    attachment = upload.json()["id"]
    items = InspectionTask.objects.get(pk=task_id).checklist.items.all()
    results = [{"item": i.pk, "passed": n != 0, "attachments": [attachment] if n == 0 else []}
               for n, i in enumerate(items)]  # fmt: skip
    no_photo = company.post(
        f"/api/v1/inspection-tasks/{task_id}/complete",
        {"results": [{**r, "attachments": []} for r in results]},
        content_type="application/json",
    )
    assert no_photo.status_code == 422
    done = company.post(
        f"/api/v1/inspection-tasks/{task_id}/complete", {"results": results},
        content_type="application/json",
    )  # fmt: skip
    assert done.status_code == 200, done.content
    danger_id = done.json()["dangers"][0]
    town = client(people["town"])
    assert town.get(f"/api/v1/hidden-dangers/{danger_id}").json()["source"] == "self_inspection"


def test_figures_endpoint(works, people):
    report(works, people["town"])
    rows = client(people["city"]).get("/api/v1/hidden-danger-figures?by=town").json()
    assert rows[0]["found"] == 1 and rows[0]["open"] == 1
    assert client(people["city"]).get("/api/v1/hidden-danger-figures?by=nope").status_code == 422
