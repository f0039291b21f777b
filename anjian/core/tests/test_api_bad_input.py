"""Bad input to the API is a 4xx in the one error format, never a 500 (issue 11, item 10)."""

from __future__ import annotations

import pytest
from django.test import Client

from anjian.accounts.choices import Role
from anjian.orgs.models import CITY_CODE
from conftest import make_user

pytestmark = pytest.mark.django_db

# Every paginated list of the API (the OpenAPI test below keeps this complete).
PAGINATED = [
    "/api/v1/towns",
    "/api/v1/departments",
    "/api/v1/committees",
    "/api/v1/grids",
    "/api/v1/industries",
    "/api/v1/users",
    "/api/v1/audit",
    "/api/v1/enterprises",
    "/api/v1/risk-points",
    "/api/v1/hidden-dangers",
    "/api/v1/inspection-tasks",
    "/api/v1/accidents",
    "/api/v1/accident-quotas",
]


@pytest.fixture
def city_client() -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("city_bad_input", (Role.CITY, CITY_CODE)))
    return client


def _is_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"detail", "code"} and body["detail"] and body["code"]
    return body


def test_every_paginated_list_is_listed_here(client):
    document = client.get("/api/v1/openapi.json").json()
    listed = {
        path
        for path, operations in document["paths"].items()
        if any(p["name"] == "page" for p in operations.get("get", {}).get("parameters", []))
    }
    assert listed == set(PAGINATED)


@pytest.mark.parametrize("path", PAGINATED)
@pytest.mark.parametrize("page", ["9223372036854775807", "99999999999999999999999", "0", "x"])
def test_a_page_out_of_range_is_422(city_client, path, page):
    _is_error(city_client.get(path, {"page": page}), 422)


@pytest.mark.parametrize("path", PAGINATED)
def test_the_deepest_page_allowed_answers_empty(city_client, path):
    from anjian.core.api import MAX_PAGE

    response = city_client.get(path, {"page": MAX_PAGE, "page_size": 200})
    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("category", ["999999999999999999999", "-1", "1" * 40])
def test_a_category_id_out_of_range_is_422(city_client, category):
    _is_error(city_client.get("/api/v1/enterprises", {"category": category}), 422)


def test_a_body_over_the_upload_limit_is_413(city_client, settings):
    body = b'{"name": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    response = city_client.post("/api/v1/enterprises", body, content_type="application/json")
    assert _is_error(response, 413)["code"] == "too_large"


@pytest.mark.parametrize("body", ["null", "[]", "123", '"text"', "true", ""])
@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_body_that_is_not_a_json_object_is_422(city_client, method, body):
    path = "/api/v1/enterprises" if method == "post" else "/api/v1/enterprises/1"
    response = getattr(city_client, method)(path, body, content_type="application/json")
    if method == "patch" and response.status_code == 404:
        return  # no enterprise 1 here; test_api_validation covers a real one
    _is_error(response, 422)


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_body_that_is_not_json_is_400(city_client, method):
    path = "/api/v1/enterprises" if method == "post" else "/api/v1/enterprises/1"
    response = getattr(city_client, method)(path, "{", content_type="application/json")
    if method == "patch" and response.status_code == 404:
        return
    _is_error(response, 400)
