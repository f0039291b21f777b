"""One validation for the form, the API and the import (issue 11, item 12); references resolved
within the writer's scope (item 5); null and non-object bodies refused (item 10)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from anjian.enterprises.forms import EnterpriseForm
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.conftest import make_enterprise, new_code
from anjian.enterprises.tests.test_importer import errors_of, row
from anjian.orgs.models import Grid, Industry, Town

pytestmark = pytest.mark.django_db

# (field, bad value, the message the user reads, whatever the way in)
BAD_VALUES: list[tuple[str, Any, str]] = [
    ("principal_phone", "abc", "格式不正确"),
    ("safety_manager_phone", "123", "格式不正确"),
    ("name", "   ", "企业名称不能为空"),
    ("name", "滕州\x00化工", "控制字符"),
    ("address", "北辛街道\x00", "控制字符"),
    ("principal", "张\x07三", "控制字符"),
    ("employees", 10**12, "从业人数不能超过1000000"),
    ("employees", 10**15, "从业人数不能超过1000000"),
    ("insurance_expires", "0001-01-01", "超出范围"),
    ("insurance_expires", "9999-12-31", "超出范围"),
    ("annual_revenue", "-5", "不能为负数"),
]


def _valid(town: Town) -> dict[str, Any]:
    return {
        "credit_code": new_code(),
        "name": "滕州市校验化工有限公司",
        "town": town.code,
        "industry": "2614",
    }


def _api_messages(response: Any) -> str:
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else " ".join(e["msg"] for e in detail)


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_the_api_refuses_each_bad_value_on_create(client, city, towns, field, value, message):
    client.force_login(city)
    body = {**_valid(towns[0]), field: value}
    response = client.post("/api/v1/enterprises", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert message in _api_messages(response)
    assert not Enterprise.objects.filter(credit_code=body["credit_code"]).exists()


PATCHABLE = {"principal_phone", "safety_manager_phone", "name", "address", "principal"}


@pytest.mark.parametrize(
    ("field", "value", "message"), [c for c in BAD_VALUES if c[0] in PATCHABLE]
)
def test_the_api_refuses_each_bad_value_on_update(client, city, pair, field, value, message):
    chemical, _machinery = pair
    client.force_login(city)
    before = Enterprise.objects.filter(pk=chemical.pk).values().get()
    response = client.patch(
        f"/api/v1/enterprises/{chemical.pk}", {field: value}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert message in _api_messages(response)
    assert Enterprise.objects.filter(pk=chemical.pk).values().get() == before


def _form_data(enterprise: Enterprise, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "credit_code": enterprise.credit_code,
        "name": enterprise.name,
        "town": enterprise.town_id,
        "industry": enterprise.industry_id,
        "status": enterprise.status,
        "longitude": enterprise.longitude,
        "latitude": enterprise.latitude,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("field", "value", "message"), BAD_VALUES)
def test_the_form_refuses_each_bad_value_with_the_same_message(pair, field, value, message):
    chemical, _machinery = pair
    form = EnterpriseForm(_form_data(chemical, **{field: value}), instance=chemical)
    assert not form.is_valid()
    if isinstance(value, str) and "\x00" in value:
        # Django's own check of form text comes first (its message: no null characters);
        # the model's rule stands behind it.
        assert form.errors[field]
        return
    assert message in " ".join(form.errors[field]), form.errors


IMPORT_COLUMN = {
    "principal_phone": "主要负责人电话",
    "safety_manager_phone": "安全管理人员电话",
    "name": "企业名称",
    "address": "地址",
    "principal": "主要负责人",
    "employees": "从业人数",
    "insurance_expires": "安责险有效期至",
    "annual_revenue": "年营业收入（万元）",
}


# A worksheet cannot hold control characters (openpyxl refuses to write them).
@pytest.mark.parametrize(
    ("field", "value", "message"), [c for c in BAD_VALUES if c[2] != "控制字符"]
)
def test_the_import_refuses_each_bad_value_with_the_same_message(field, value, message):
    errors = errors_of(row(**{field: value}))
    assert [(column, message in reason) for _n, column, reason in errors] == [
        (IMPORT_COLUMN[field], True)
    ], errors


def test_good_values_pass_every_way_in(client, city, towns):
    client.force_login(city)
    good = {
        "principal_phone": "139 0532 1234",
        "safety_manager_phone": "0632-5512345",
        "employees": 1_000_000,
        "annual_revenue": "0",
        "insurance_expires": "2030-06-30",
    }
    response = client.post(
        "/api/v1/enterprises", {**_valid(towns[0]), **good}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    created = Enterprise.objects.get(pk=response.json()["id"])
    assert created.principal_phone == "13905321234"
    assert not errors_of(row(**good))


# --- item 5: references within the writer's scope ------------------------------------------


def test_reported_a_town_cannot_use_another_towns_grid(client, town_b, towns):
    grid_of_a = Grid.objects.filter(town=towns[0]).first()
    client.force_login(town_b)
    body = {**_valid(towns[1]), "grid": grid_of_a.code}
    response = client.post("/api/v1/enterprises", body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert grid_of_a.code in response.json()["detail"]
    assert "不在您的管辖范围内" in response.json()["detail"]
    assert not Enterprise.objects.filter(credit_code=body["credit_code"]).exists()


def test_reported_an_unknown_grid_is_refused_not_dropped(client, city, towns):
    client.force_login(city)
    body = {**_valid(towns[0]), "grid": "NOPE"}
    response = client.post("/api/v1/enterprises", body, content_type="application/json")
    assert response.status_code == 422
    assert "NOPE" in response.json()["detail"]
    assert not Enterprise.objects.filter(credit_code=body["credit_code"]).exists()


def test_the_city_cannot_put_a_grid_in_another_town(client, city, towns):
    client.force_login(city)
    grid_of_a = Grid.objects.filter(town=towns[0]).first()
    body = {**_valid(towns[1]), "grid": grid_of_a.code}
    response = client.post("/api/v1/enterprises", body, content_type="application/json")
    assert response.status_code == 422
    assert "网格不属于该镇街" in response.json()["detail"]


def test_a_towns_own_grid_is_accepted(client, town_b, towns):
    grid = Grid.objects.filter(town=towns[1]).first()
    client.force_login(town_b)
    body = {**_valid(towns[1]), "grid": grid.code}
    response = client.post("/api/v1/enterprises", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Enterprise.objects.get(credit_code=body["credit_code"]).grid == grid


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"town": "999999999999"}, "999999999999"),
        ({"industry": "26"}, "26"),  # a division, not a small class
        ({"industry": "0000"}, "0000"),
        ({"categories": ["dust_explosion", "nope", "nada"]}, "nope、nada"),
    ],
)
def test_unknown_references_are_422_naming_them(client, city, pair, change, named):
    chemical, _machinery = pair
    client.force_login(city)
    response = client.patch(
        f"/api/v1/enterprises/{chemical.pk}", change, content_type="application/json"
    )
    assert response.status_code == 422
    assert named in response.json()["detail"]


def test_the_edit_form_offers_no_grid_of_another_town(pair, towns, town_b):
    _chemical, machinery = pair
    grid_of_a = Grid.objects.filter(town=towns[0]).first()
    form = EnterpriseForm(
        _form_data(machinery, grid=grid_of_a.pk),
        instance=machinery,
        grids=Grid.objects.visible_to(town_b),
    )
    assert not form.is_valid()
    assert "grid" in form.errors


# --- item 10: null and bodies that are not objects --------------------------------------------


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "town",
        "industry",
        "status",
        "categories",
        "address",
        "principal",
        "principal_phone",
        "safety_manager",
        "safety_manager_phone",
    ],
)
def test_null_for_a_field_without_null_is_422(client, city, pair, field):
    chemical, _machinery = pair
    client.force_login(city)
    response = Client(raise_request_exception=False)
    response.force_login(city)
    answer = response.patch(
        f"/api/v1/enterprises/{chemical.pk}", {field: None}, content_type="application/json"
    )
    assert answer.status_code == 422, answer.content
    assert answer.json()["code"] == "invalid"


def test_null_location_clears_it(client, city, pair):
    chemical, _machinery = pair
    client.force_login(city)
    response = client.patch(
        f"/api/v1/enterprises/{chemical.pk}", {"location": None}, content_type="application/json"
    )
    assert response.status_code == 200
    chemical.refresh_from_db()
    assert chemical.longitude is None


@pytest.mark.parametrize("body", ["null", "[]", "123", '"x"', "true"])
def test_a_patch_body_that_is_not_an_object_is_422(client, city, pair, body):
    chemical, _machinery = pair
    client.force_login(city)
    response = client.patch(
        f"/api/v1/enterprises/{chemical.pk}", body, content_type="application/json"
    )
    assert response.status_code == 422, response.content


def test_an_enterprise_made_by_the_fixture_still_validates(towns):
    """The fixtures' enterprises satisfy the rules (so the rules break no existing record)."""
    enterprise = make_enterprise(towns[0], industry=Industry.objects.get(code="2614").code)
    enterprise.full_clean()
