"""The demo year: realistic proportions, idempotent, and the home figures equal the lists."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from anjian.accounts.models import User
from anjian.core.democity import DemoContext, build_demo
from anjian.core.lifecycle_models import Deadline
from anjian.dangers.choices import OPEN_STATES, DangerState
from anjian.dangers.models import HiddenDanger, InspectionTask, ListedSupervision

pytestmark = pytest.mark.django_db


def test_a_demo_year_of_hidden_dangers():
    build_demo(DemoContext(seed=2018, options={"enterprises": 120}))
    total = HiddenDanger.objects.count()
    assert total > 80
    closed = HiddenDanger.objects.filter(state=DangerState.CLOSED_OUT).count()
    open_ = HiddenDanger.objects.filter(state__in=OPEN_STATES).count()
    assert 0.6 < closed / total < 0.95 and open_ > 0
    assert HiddenDanger.objects.filter(is_major=True).exists()
    assert HiddenDanger.objects.overdue().exists()
    assert Deadline.objects.open().filter(kind="rectify").count() == open_
    assert InspectionTask.objects.exists() and ListedSupervision.objects.exists()
    build_demo(DemoContext(seed=2018, options={"enterprises": 120}))
    assert HiddenDanger.objects.count() == total
    for user in User.objects.filter(role_assignments__isnull=False).distinct():
        client = Client()
        client.force_login(user)
        panels = {p["key"]: p for p in client.get("/api/v1/dashboard").json()["panels"]}
        if "dangers" not in panels:
            continue
        for item in panels["dangers"]["data"]["items"]:
            query = urlsplit(item["url"]).query
            listed = client.get(f"/api/v1/hidden-dangers?{query}&page_size=1").json()["count"]
            assert item["value"] == listed, (user, item)
