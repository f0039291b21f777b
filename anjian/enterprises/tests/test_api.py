"""/api/v1/enterprises: shape, filters, writes for those who may, constant query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anjian.accounts.choices import Role
from anjian.core.models import AuditLog
from anjian.enterprises.models import ChangeRequest, Enterprise, Licence
from anjian.enterprises.tests.conftest import INSIDE, OUTSIDE, make_enterprise, new_code
from anjian.orgs.models import SupervisionCategory
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_list_item_shape_and_filters(client, city, pair):
    chemical, machinery = pair
    category = SupervisionCategory.objects.get(key="dust_explosion")
    machinery.categories.add(category)
    client.force_login(city)
    body = client.get("/api/v1/enterprises", {"town": machinery.town.code}).json()
    assert body["count"] == 1
    assert body["items"][0] == {
        "id": machinery.pk,
        "credit_code": machinery.credit_code,
        "name": machinery.name,
        "town": machinery.town.code,
        "industry": "3411",
        "categories": ["dust_explosion"],
        "status": "operating",
        "location": {"lng": INSIDE[0], "lat": INSIDE[1]},
        "risk_level": "unassessed",
    }
    assert client.get("/api/v1/enterprises", {"industry": "26"}).json()["count"] == 1
    assert client.get("/api/v1/enterprises", {"category": category.pk}).json()["count"] == 1
    assert client.get("/api/v1/enterprises", {"q": "TZSXY"}).json()["items"][0]["id"] == chemical.pk
    assert client.get("/api/v1/enterprises", {"q": chemical.credit_code[:12]}).json()["count"] == 1
    assert client.get("/api/v1/enterprises", {"status": "closed"}).json()["count"] == 0
    detail = client.get(f"/api/v1/enterprises/{chemical.pk}").json()
    assert detail["credit_code"] == chemical.credit_code


def test_detail_carries_licences_with_their_expiry(client, city, pair, settings):
    settings.LICENCE_EXPIRY_WARNING_DAYS = 30
    chemical, _machinery = pair
    today = timezone.localdate()
    Licence.objects.create(
        enterprise=chemical,
        kind="危险化学品安全生产许可证",
        number="（鲁）WH安许证字〔2024〕040001",
        issuer="枣庄市应急管理局",
        issued_on=today - timedelta(days=1000),
        expires_on=today + timedelta(days=10),
    )
    Licence.objects.create(
        enterprise=chemical, kind="排污许可证", number="P1", expires_on=today - timedelta(days=1)
    )
    client.force_login(city)
    detail = client.get(f"/api/v1/enterprises/{chemical.pk}").json()
    assert [(x["number"], x["expiry"]) for x in detail["licences"]] == [
        ("P1", "expired"),
        ("（鲁）WH安许证字〔2024〕040001", "expiring"),
    ]
    assert detail["licences"][1]["valid_until"] == (today + timedelta(days=10)).isoformat()
    assert detail["standardisation_grade"] == ""
    expiring = client.get("/api/v1/enterprises", {"licence": "expiring"}).json()
    assert [item["id"] for item in expiring["items"]] == [chemical.pk]
    Licence.objects.filter(enterprise=chemical).update(expires_on=today + timedelta(days=300))
    assert client.get("/api/v1/enterprises", {"licence": "expiring"}).json()["count"] == 0
    assert client.get("/api/v1/enterprises", {"licence": "expired"}).json()["count"] == 0


def test_query_count_does_not_grow_with_page_size(client, city, towns):
    category = SupervisionCategory.objects.first()
    for number in range(12):
        make_enterprise(towns[number % 2]).categories.add(category)
    client.force_login(city)
    counts = []
    for size in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/enterprises", {"page_size": size}).json()
        assert len(body["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_list_queries_are_constant(client, city, towns, django_assert_num_queries):
    for _ in range(5):
        make_enterprise(towns[0])
    client.force_login(city)
    client.get("/api/v1/enterprises")  # warm the session
    # session, user, grants; one statement for the page, its categories and its count; and
    # the session save that SESSION_SAVE_EVERY_REQUEST adds (savepoint, update, release).
    with django_assert_num_queries(7):
        client.get("/api/v1/enterprises", {"page_size": 3})


def test_list_of_a_town_that_does_not_exist_is_empty(client, towns):
    make_enterprise(towns[0])
    client.force_login(make_user("nowhere", (Role.TOWN, "370481999999")))
    for _ in range(2):  # the second request reuses the SQL text of the first
        body = client.get("/api/v1/enterprises", {"status": "operating"}).json()
        assert body == {"items": [], "count": 0}


def test_list_same_shape_other_values(client, towns):
    """Two town officers share the list's SQL text, each with their own town."""
    first, second = make_enterprise(towns[0]), make_enterprise(towns[1])
    for town, enterprise in ((towns[0], first), (towns[1], second)):
        client.force_login(make_user(f"officer_{town.code}", (Role.TOWN, town.code)))
        for page in (1, 2):
            body = client.get("/api/v1/enterprises", {"page": page, "page_size": 1}).json()
            assert body["count"] == 1
            assert [item["id"] for item in body["items"]] == ([enterprise.pk] if page == 1 else [])


def test_town_creates_in_its_town_only(client, town_a, towns):
    client.force_login(town_a)
    payload = {
        "credit_code": new_code().lower(),
        "name": "滕州市新登记化工有限公司",
        "town": towns[0].code,
        "industry": "2614",
        "categories": ["whp_production"],
        "location": {"lng": INSIDE[0], "lat": INSIDE[1]},
    }
    response = client.post("/api/v1/enterprises", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credit_code"] == payload["credit_code"].upper()
    enterprise = Enterprise.objects.get(pk=body["id"])
    assert set(enterprise.departments.values_list("code", flat=True)) == {"yjglj", "gxj"}
    again = client.post("/api/v1/enterprises", payload, content_type="application/json")
    assert again.status_code == 409
    elsewhere = {**payload, "credit_code": new_code(), "town": towns[1].code}
    assert (
        client.post("/api/v1/enterprises", elsewhere, content_type="application/json").status_code
        == 403
    )
    outside = {
        **payload,
        "credit_code": new_code(),
        "location": {"lng": OUTSIDE[0], "lat": OUTSIDE[1]},
    }
    assert (
        client.post("/api/v1/enterprises", outside, content_type="application/json").status_code
        == 422
    )
    bad = {**payload, "credit_code": "91370481MA3C0000X0"}
    assert (
        client.post("/api/v1/enterprises", bad, content_type="application/json").status_code == 422
    )
    assert not Enterprise.objects.filter(town=towns[1]).exists()


def test_town_cannot_move_an_enterprise_out_of_its_territory(client, town_a, pair, towns):
    mine, _theirs = pair
    client.force_login(town_a)
    response = client.patch(
        f"/api/v1/enterprises/{mine.pk}", {"town": towns[1].code}, content_type="application/json"
    )
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.town == towns[0]


def test_enterprise_user_identity_change_goes_to_the_town(client, pair, town_a, settings):
    mine, theirs = pair
    user = make_user("ent", (Role.ENTERPRISE, mine.credit_code))
    client.force_login(user)
    response = client.patch(
        f"/api/v1/enterprises/{mine.pk}",
        {"name": "滕州市鑫源新材料有限公司", "principal": "李四"},
        content_type="application/json",
    )
    assert response.status_code == 202
    mine.refresh_from_db()
    assert mine.name == "滕州市鑫源化工有限公司" and mine.principal == "李四"
    change = ChangeRequest.objects.get(enterprise=mine)
    assert change.changes == {"name": "滕州市鑫源新材料有限公司"}
    assert (
        client.patch(
            f"/api/v1/enterprises/{theirs.pk}", {}, content_type="application/json"
        ).status_code
        == 404
    )
    # The town approves on its page, in English: the audit log's text stays the log's own.
    client.force_login(town_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/enterprises/changes/").content.decode()
    assert "滕州市鑫源新材料有限公司" in page
    client.post(
        f"/enterprises/changes/{change.pk}/decide/", {"decision": "approve", "comment": "核实"}
    )
    mine.refresh_from_db()
    assert mine.name == "滕州市鑫源新材料有限公司"
    change.refresh_from_db()
    assert change.state == "approved" and change.decided_by == town_a
    logged = AuditLog.objects.filter(action="update", object_id=str(mine.pk)).latest("seq")
    assert logged.detail == f"批准变更申请 #{change.pk}"


def test_other_town_cannot_decide(client, pair, town_b):
    mine, _ = pair
    user = make_user("ent", (Role.ENTERPRISE, mine.credit_code))
    client.force_login(user)
    client.patch(
        f"/api/v1/enterprises/{mine.pk}", {"name": "改名"}, content_type="application/json"
    )
    change = ChangeRequest.objects.get()
    client.force_login(town_b)
    response = client.post(f"/enterprises/changes/{change.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 404
    change.refresh_from_db()
    assert change.state == "pending"


@pytest.mark.parametrize(
    ("language", "reasons"),
    [
        (
            "en",
            {
                "town": "Town / street “000000000000” does not exist",
                "credit_code": "Wrong check character: the 18th character should be",
                "location": "The coordinates are outside the boundary of Tengzhou",
                "duplicate": "This unified social credit code is already registered",
            },
        ),
        (
            "zh-hans",
            {
                "town": "镇街“000000000000”不存在",
                "credit_code": "校验码错误：第18位应为",
                "location": "坐标不在滕州市界内",
                "duplicate": "该统一社会信用代码已登记",
            },
        ),
    ],
)
def test_api_errors_speak_the_callers_language(client, city, pair, settings, language, reasons):
    """The language cookie (the switch's) sets the language of the 4xx ``detail``."""
    client.force_login(city)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    chemical, _machinery = pair
    valid = {
        "credit_code": new_code(),
        "name": "滕州市新登记化工有限公司",
        "town": chemical.town.code,
        "industry": "2614",
    }
    bad = {
        "town": {"town": "000000000000"},
        "credit_code": {"credit_code": "91370481MA3C0000X0"},
        "location": {"location": {"lng": OUTSIDE[0], "lat": OUTSIDE[1]}},
        "duplicate": {"credit_code": chemical.credit_code},
    }
    for case, change in bad.items():
        response = client.post(
            "/api/v1/enterprises", {**valid, **change}, content_type="application/json"
        )
        assert response.status_code in (409, 422), response.content
        assert reasons[case] in response.json()["detail"], (case, response.json())
