"""The API contract shared by every module: OpenAPI document, errors, pagination."""

import pytest
from openapi_spec_validator import validate

from anjian.orgs.models import Grid, Industry
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_client(client):
    client.force_login(make_user("city_officer", ("city", "370481000000")))
    return client


def test_openapi_document_is_valid_openapi_3_with_every_operation_documented(client):
    document = client.get("/api/v1/openapi.json").json()
    validate(document)  # raises on any violation of the OpenAPI 3 schema
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Anjian API"
    for path, operations in document["paths"].items():
        assert path.startswith("/api/v1/")
        for operation in operations.values():
            assert operation["operationId"] and operation["summary"]


def test_docs_page_is_served_offline(client):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_unauthenticated_requests_get_the_error_format(client):
    response = client.get("/api/v1/towns")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response.json()["detail"]


def test_unknown_object_is_404_in_the_error_format(city_client):
    response = city_client.get("/api/v1/towns/999999999999")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_invalid_parameters_are_422_in_the_error_format(city_client):
    response = city_client.get("/api/v1/towns?page=0")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_page_size_has_a_maximum(city_client):
    response = city_client.get("/api/v1/industries?page_size=100000")
    assert response.status_code == 422


def test_page_number_pagination_returns_items_and_count(city_client):
    first = city_client.get("/api/v1/industries?page=1&page_size=50").json()
    second = city_client.get("/api/v1/industries?page=2&page_size=50").json()
    assert first["count"] == Industry.objects.count()
    assert len(first["items"]) == 50
    assert {i["code"] for i in first["items"]}.isdisjoint({i["code"] for i in second["items"]})


def test_towns_list_and_filters(city_client):
    body = city_client.get("/api/v1/towns?kind=subdistrict").json()
    assert body["count"] == 5
    assert city_client.get("/api/v1/towns?q=东沙河").json()["items"][0]["code"] == "370481005000"
    assert city_client.get("/api/v1/towns/370481001000").json()["name"] == "荆河街道"


def test_departments_and_committees_lists(city_client):
    departments = city_client.get("/api/v1/departments?q=应急").json()["items"]
    assert departments[0]["code"] == "yjglj" and "26" in departments[0]["industries"]
    committees = city_client.get("/api/v1/committees?page_size=50").json()
    assert committees["count"] == 13
    assert {c["lead_department"] for c in committees["items"]} >= {"yjglj", "gaj"}


def test_industries_filter_by_level_and_parent(city_client):
    body = city_client.get("/api/v1/industries?parent=26&level=group").json()
    assert body["count"] == Industry.objects.filter(parent__code="26").count() > 0
    assert all(item["parent"] == "26" for item in body["items"])


def test_grids_list_filter_and_detail(city_client):
    grid = Grid.objects.filter(town__code="370481101000").first()
    listed = city_client.get("/api/v1/grids?town=370481101000").json()
    assert grid.code in {g["code"] for g in listed["items"]}
    assert city_client.get(f"/api/v1/grids/{grid.code}").json()["town"] == "370481101000"


def test_boundary_is_geojson(city_client):
    body = city_client.get("/api/v1/boundaries/370481000000").json()
    assert body["type"] == "FeatureCollection"


def test_unknown_api_paths_answer_in_the_error_format(city_client):
    response = city_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "接口不存在", "code": "not_found"}


def test_a_method_a_path_does_not_take_answers_in_the_error_format(city_client):
    response = city_client.delete("/api/v1/towns")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]
