"""Through the API with personal tokens: two users of different towns see nothing of each
other's grids, users or enterprises, in lists, details or counts."""

from __future__ import annotations

import pytest
from django.test import Client

from anjian.accounts import services
from anjian.accounts.choices import Role
from anjian.orgs.models import Grid, Town
from conftest import make_user

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    _token, plain = services.create_token(user, actor=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_two_towns_with_tokens_cannot_see_each_other():
    town_a, town_b = Town.objects.order_by("code")[:2]
    user_a = make_user("tok_a", (Role.TOWN, town_a.code))
    user_b = make_user("tok_b", (Role.TOWN, town_b.code))
    api_a, api_b = _api(user_a), _api(user_b)
    for api, mine, theirs, me, other in (
        (api_a, town_a, town_b, user_a, user_b),
        (api_b, town_b, town_a, user_b, user_a),
    ):
        grids = api.get("/api/v1/grids?page_size=200").json()
        assert grids["count"] == Grid.objects.filter(town=mine).count()
        assert {g["town"] for g in grids["items"]} == {mine.code}
        foreign = Grid.objects.filter(town=theirs).first()
        assert api.get(f"/api/v1/grids/{foreign.code}").status_code == 404
        users = api.get("/api/v1/users").json()
        assert [u["username"] for u in users["items"]] == [me.username]
        assert api.get(f"/api/v1/users/{other.pk}").status_code == 404
        assert api.get(f"/api/v1/users/{me.pk}").status_code == 200


def test_requests_without_a_valid_token_are_401():
    assert Client().get("/api/v1/grids").status_code == 401
    bad = Client(HTTP_AUTHORIZATION="Bearer ajt_not-a-token")
    response = bad.get("/api/v1/grids")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
