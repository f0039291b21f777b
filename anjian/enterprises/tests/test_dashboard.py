"""The home page's figures: every demo role's dashboard counts what its lists count, each
figure links to the list it counts, and no raw jurisdiction code reaches the page."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from anjian.accounts.models import User
from anjian.core import services as core_services
from anjian.core.democity import DemoContext, build_demo
from anjian.enterprises.models import Enterprise, Licence
from anjian.orgs.models import Town

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city():
    build_demo(DemoContext(seed=2018, options={"enterprises": 240}))
    today = timezone.localdate()
    enterprises = list(Enterprise.objects.order_by("pk")[:40])
    for number, enterprise in enumerate(enterprises):  # expired, expiring and valid licences
        Licence.objects.create(
            enterprise=enterprise,
            kind="安全生产许可证",
            number=f"T{number}",
            expires_on=today + timedelta(days=(number % 3 - 1) * 20),
        )
    return list(User.objects.filter(role_assignments__isnull=False).distinct().order_by("pk"))


def _list_count(client: Client, url: str) -> int:
    query = urlsplit(url).query
    response = client.get(f"/api/v1/enterprises?{query}&page_size=1")
    assert response.status_code == 200, (url, response.content)
    return int(response.json()["count"])


def _figures(data: dict) -> list[dict]:
    items = list(data.get("items", []))
    for chart in data.get("charts", []):
        items.extend(chart["items"])
    return items


def test_every_roles_figures_equal_the_lists_counts(demo_city):
    """For each demo account: each enterprise figure is the count of the list it links to."""
    seen_roles = set()
    checked = 0
    for user in demo_city:
        client = Client()
        client.force_login(user)
        panels = {p["key"]: p for p in client.get("/api/v1/dashboard").json()["panels"]}
        roles = set(user.role_assignments.values_list("role", flat=True))
        seen_roles |= roles
        assert "roles" in panels and "messages" in panels
        if "enterprises" not in panels:
            assert roles <= {"enterprise", "auditor", "admin"}, (user, sorted(panels))
            continue
        enterprises = panels["enterprises"]["data"]
        assert enterprises["total"] == _list_count(client, enterprises["url"])
        assert enterprises["total"] == Enterprise.objects.visible_to(user).count()
        for key in ("enterprises", "licences", "standardisation"):
            for figure in _figures(panels[key]["data"]):
                assert figure["value"] == _list_count(client, figure["url"]), (user, figure)
                checked += 1
        by_town = next(c for c in enterprises["charts"] if c["key"] == "town")
        assert sum(i["value"] for i in by_town["items"]) == enterprises["total"]
    assert seen_roles >= {"city", "department", "town", "grid", "enforcement", "enterprise"}
    assert seen_roles >= {"expert", "auditor", "admin"}
    assert checked > 50


def test_the_city_sees_licences_expired_and_expiring(demo_city):
    client = Client()
    client.force_login(User.objects.get(username="city"))
    panels = {p["key"]: p for p in client.get("/api/v1/dashboard").json()["panels"]}
    licences = panels["licences"]["data"]
    assert licences["expired"] > 0 and licences["expiring"] > 0
    assert (
        licences["expired"]
        == Enterprise.objects.filter(licences__in=Licence.objects.expired()).distinct().count()
    )


def test_the_home_page_names_jurisdictions_and_links_figures_to_lists(demo_city):
    town = User.objects.get(username="town_a")
    client = Client()
    client.force_login(town)
    html = client.get("/").content.decode()
    code = town.role_assignments.get().jurisdiction_code
    roles = html.split('data-panel="roles"')[1].split("</section>")[0]
    assert code not in roles and Town.objects.get(code=code).name in roles  # a name, not a code
    assert f"town:{code}" not in html
    assert 'href="/enterprises/?status=operating"' in html
    assert 'data-chart="bar"' in html and 'id="chart-enterprises-town"' in html
    assert "<script>" not in html.replace('<script src="', "")  # charts drawn from static JS


def test_an_enterprise_user_sees_the_name_of_their_enterprise():
    build_demo(DemoContext(seed=2018, options={"enterprises": 30}))
    user = User.objects.get(username="enterprise_a")
    client = Client()
    client.force_login(user)
    roles = client.get("/").content.decode().split('data-panel="roles"')[1]
    enterprise = Enterprise.objects.get(credit_code=user.role_assignments.get().jurisdiction_code)
    assert enterprise.name in roles and enterprise.credit_code not in roles


def test_my_unread_messages_are_counted_and_linked(demo_city):
    user = User.objects.get(username="grid_a")
    core_services.notify(user, "整改期限将至")
    core_services.notify(User.objects.get(username="town_b"), "别人的消息")
    client = Client()
    client.force_login(user)
    panels = {p["key"]: p for p in client.get("/api/v1/dashboard").json()["panels"]}
    messages = panels["messages"]["data"]
    assert messages["unread"] == 1 and messages["url"] == "/inbox/"
    assert [m["title"] for m in messages["latest"]] == ["整改期限将至"]
