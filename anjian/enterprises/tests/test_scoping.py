"""Who sees and changes which enterprise: list, detail, export, map, counts, API."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from anjian.accounts.choices import Role
from anjian.accounts.models import RoleAssignment
from anjian.enterprises.models import Enterprise
from conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client, user) -> None:
    assert client.login(username=user.username, password=TEST_PASSWORD)


def test_town_sees_only_its_enterprises_everywhere(client, pair, town_a):
    mine, theirs = pair
    _login(client, town_a)
    page = client.get("/enterprises/").content.decode()
    assert mine.name in page and theirs.name not in page
    assert "共 1" in page
    assert client.get(f"/enterprises/{mine.pk}/").status_code == 200
    assert client.get(f"/enterprises/{theirs.pk}/").status_code == 404
    assert client.get(f"/enterprises/{theirs.pk}/dossier.pdf").status_code == 404
    points = client.get("/enterprises/map/data/").json()["points"]
    assert [p[0] for p in points] == [mine.pk]
    sheet = load_workbook(io.BytesIO(client.get("/enterprises/export.xlsx").content))["企业名录"]
    codes = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert codes == [mine.credit_code]
    api = client.get("/api/v1/enterprises").json()
    assert api["count"] == 1 and api["items"][0]["credit_code"] == mine.credit_code
    assert client.get(f"/api/v1/enterprises/{theirs.pk}").status_code == 404


def test_department_sees_enterprises_of_its_industries_once(pair):
    chemical, machinery = pair
    user = make_user("yjglj", (Role.DEPARTMENT, "yjglj"), (Role.ENFORCEMENT, "gxj"))
    visible = list(Enterprise.objects.visible_to(user))
    # 2614 is listed by both departments: the subquery keeps one row per enterprise.
    assert visible.count(chemical) == 1
    commerce = make_user("swj", (Role.DEPARTMENT, "swj"))
    assert not Enterprise.objects.visible_to(commerce).exists()
    assert not Enterprise.objects.editable_by(user).exists()


def test_grid_inspector_sees_its_grid(pair):
    mine, _theirs = pair
    user = make_user("grid", (Role.GRID, mine.grid.code))
    assert list(Enterprise.objects.visible_to(user)) == [mine]


def test_expert_sees_assigned_enterprise_only_while_assigned(pair):
    mine, _theirs = pair
    user = make_user("expert", (Role.EXPERT, mine.credit_code))
    assert list(Enterprise.objects.visible_to(user)) == [mine]
    assert not Enterprise.objects.editable_by(user).exists()
    RoleAssignment.objects.filter(user=user).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    user = type(user).objects.get(pk=user.pk)
    assert not Enterprise.objects.visible_to(user).exists()


def test_enterprise_user_sees_and_edits_own_enterprise(pair):
    mine, theirs = pair
    user = make_user("ent", (Role.ENTERPRISE, mine.credit_code))
    assert list(Enterprise.objects.visible_to(user)) == [mine]
    assert list(Enterprise.objects.editable_by(user)) == [mine]


def test_auditor_and_admin_see_no_enterprise(pair, client):
    for username, role in (("aud", Role.AUDITOR), ("adm", Role.ADMIN)):
        user = make_user(username, (role, "370481000000"))
        assert not Enterprise.objects.visible_to(user).exists()
        _login(client, user)
        assert client.get("/api/v1/enterprises").json()["count"] == 0


def test_city_sees_all(pair, city):
    assert Enterprise.objects.visible_to(city).count() == 2


def test_anonymous_gets_nothing(client, pair):
    assert client.get("/api/v1/enterprises").status_code == 401
    assert client.get("/enterprises/").status_code == 302
