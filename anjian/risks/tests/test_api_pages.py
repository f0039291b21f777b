"""The API (risk points, risk map, the level in /api/v1/enterprises) and the pages, scoped."""

from __future__ import annotations

import gc
import io
import re
from typing import Any

import orjson
import pytest
from django.test import Client

from anjian.risks import services
from anjian.risks.api import feature_collection, feature_collection_json
from anjian.risks.models import Hazard, RiskPoint
from anjian.risks.tests.conftest import LEC_HIGH, LEC_LOW, LEC_MAJOR, point_with

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_risk_points_are_scoped_and_filtered(pair: Any, city: Any, town_a: Any) -> None:
    point_with(pair[0], city, LEC_LOW)
    point_with(pair[1], city, LEC_HIGH)
    everything = _client(city).get("/api/v1/risk-points").json()
    assert everything["count"] == 2
    mine = _client(town_a).get("/api/v1/risk-points").json()
    assert [item["enterprise"] for item in mine["items"]] == [pair[0].pk]
    high = _client(city).get("/api/v1/risk-points?level=high").json()
    assert [item["level"] for item in high["items"]] == ["high"]
    by_town = _client(city).get(f"/api/v1/risk-points?town={pair[1].town.code}").json()
    assert by_town["count"] == 1 and by_town["items"][0]["enterprise"] == pair[1].pk
    by_enterprise = _client(city).get(f"/api/v1/risk-points?enterprise={pair[0].pk}").json()
    assert by_enterprise["count"] == 1


def test_a_risk_point_detail_is_scoped(pair: Any, city: Any, town_a: Any) -> None:
    other = point_with(pair[1], city, LEC_HIGH)
    services.add_measure(
        other, {"kind": "engineering", "description": "紧急切断", "control_level": "company",
                "responsible": "张三"}, actor=city,
    )  # fmt: skip
    body = _client(city).get(f"/api/v1/risk-points/{other.pk}").json()
    assert body["hazards"][0]["residual_level"] == "high"
    assert body["measures"][0]["kind"] == "engineering"
    assert _client(town_a).get(f"/api/v1/risk-points/{other.pk}").status_code == 404


def test_the_risk_map_is_geojson_of_the_visible_enterprises(
    pair: Any, city: Any, town_a: Any
) -> None:
    point_with(pair[0], city, LEC_MAJOR)
    body = _client(city).get("/api/v1/risk-map").json()
    assert body["type"] == "FeatureCollection"
    features = {f["properties"]["enterprise"]: f for f in body["features"]}
    assert features[pair[0].pk]["properties"] == {
        "enterprise": pair[0].pk, "name": pair[0].name, "risk_level": "major",
    }  # fmt: skip
    assert features[pair[0].pk]["geometry"]["type"] == "Point"
    assert body["counts"]["major"] >= 1 and set(body["counts"]) >= {"low", "unassessed"}
    scoped = _client(town_a).get("/api/v1/risk-map").json()
    assert {f["properties"]["enterprise"] for f in scoped["features"]} == {pair[0].pk}
    only_major = _client(city).get("/api/v1/risk-map?level=major").json()
    assert {f["properties"]["risk_level"] for f in only_major["features"]} == {"major"}


@pytest.mark.django_db(databases=[])
def test_the_map_json_pauses_the_collector_only_while_it_serialises() -> None:
    rows = [(1, "滕州市甲化工有限公司", "major", 117.15, 35.08)]
    assert orjson.loads(feature_collection_json(rows)) == feature_collection(rows)
    assert gc.isenabled()
    gc.disable()
    try:
        feature_collection_json(rows)
        assert not gc.isenabled()  # a caller's own pause is left as it was
    finally:
        gc.enable()


def test_the_enterprise_api_carries_the_level(pair: Any, city: Any) -> None:
    point_with(pair[0], city, LEC_HIGH)
    items = _client(city).get("/api/v1/enterprises?page_size=200").json()["items"]
    levels = {item["id"]: item["risk_level"] for item in items}
    assert levels[pair[0].pk] == "high" and levels[pair[1].pk] == "unassessed"
    detail = _client(city).get(f"/api/v1/enterprises/{pair[0].pk}").json()
    assert detail["risk_level"] == "high"


def test_the_regional_database_counts_by_level_in_scope(pair: Any, city: Any, town_a: Any) -> None:
    point_with(pair[0], city, LEC_LOW)
    point_with(pair[1], city, LEC_HIGH)
    page = _client(town_a).get("/risks/").content.decode()
    assert 'data-level="low" data-count="1"' in page and 'data-level="high" data-count="0"' in page
    assert pair[1].name not in page
    city_page = _client(city).get("/risks/?level=high").content.decode()
    assert pair[1].name in city_page and pair[0].name not in city_page
    assert 'data-level="low" data-count="1"' in city_page  # counts ignore the level filter


def test_pages_of_the_register_work_for_the_enterprise(pair: Any, manager_a: Any) -> None:
    client = _client(manager_a)
    assert client.get("/risks/mine/").url == f"/risks/enterprises/{pair[0].pk}/"
    response = client.post(
        f"/risks/enterprises/{pair[0].pk}/points/new/",
        {"name": "配电室", "kind": "facility", "location": "东区", "post": "电工",
         "emergency_phone": "119"},
    )  # fmt: skip
    point = RiskPoint.objects.get(name="配电室")
    assert response.url == f"/risks/points/{point.pk}/"
    response = client.post(
        f"/risks/points/{point.pk}/hazards/new/",
        {"description": "触电", "factor_code": "21", "accident_types": ["WSA10006"],
         "method": "lec", "l_value": "3", "e_value": "6", "c_value": "15"},
    )  # fmt: skip
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.level == "high"  # 270
    bad = client.post(
        f"/risks/points/{point.pk}/hazards/new/",
        {"description": "x", "factor_code": "21", "method": "lec", "l_value": "3",
         "e_value": "6", "c_value": ""},
    )  # fmt: skip
    assert bad.status_code == 200 and "LEC" in bad.content.decode()
    assert Hazard.objects.filter(risk_point=point).count() == 1
    for url in (f"/risks/enterprises/{pair[0].pk}/", f"/risks/points/{point.pk}/",
                f"/risks/cards/{point.pk}/", f"/risks/points/{point.pk}/edit/",
                f"/risks/hazards/{point.hazards.get().pk}/edit/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    assert client.get(f"/risks/enterprises/{pair[1].pk}/").status_code == 404
    assert client.get("/risks/").status_code == 404  # the regional database is for officials


def test_saving_forms_unchanged_changes_nothing(pair: Any, manager_a: Any) -> None:
    from anjian.risks.forms import HazardForm, MeasureForm
    from conftest import form_data

    point = point_with(pair[0], manager_a, LEC_HIGH)
    services.add_measure(
        point, {"kind": "training", "description": "培训", "control_level": "team",
                "responsible": "李四"}, actor=manager_a,
    )  # fmt: skip
    hazard_obj = point.hazards.get()
    measure = point.measures.get()
    client = _client(manager_a)
    before = (services.version(hazard_obj), services.version(measure), services.version(point))
    form = HazardForm(initial={**HazardForm.initial_of(hazard_obj),
                               "version": services.version(hazard_obj)})  # fmt: skip
    assert client.post(f"/risks/hazards/{hazard_obj.pk}/edit/", form_data(form)).status_code == 302
    initial = {name: getattr(measure, name) for name in services.MEASURE_FIELDS}
    form = MeasureForm(initial={**initial, "version": services.version(measure)})
    assert client.post(f"/risks/measures/{measure.pk}/edit/", form_data(form)).status_code == 302
    hazard_obj.refresh_from_db()
    measure.refresh_from_db()
    point.refresh_from_db()
    assert (
        services.version(hazard_obj),
        services.version(measure),
        services.version(point),
    ) == before


def test_a_stale_edit_is_refused(pair: Any, manager_a: Any) -> None:
    point = point_with(pair[0], manager_a, LEC_LOW)
    response = _client(manager_a).post(
        f"/risks/points/{point.pk}/edit/",
        {"name": "改名", "kind": "facility", "version": "stale"},
    )
    assert "edit-conflict" in response.content.decode()
    point.refresh_from_db()
    assert point.name != "改名"


def test_an_industry_template_is_copied_and_evaluated(pair: Any, manager_a: Any) -> None:
    response = _client(manager_a).post(
        f"/risks/enterprises/{pair[0].pk}/templates/", {"template": "ammonia"}
    )
    assert response.status_code == 302
    point = RiskPoint.objects.get(enterprise=pair[0], name="氨制冷机房")
    assert point.level == "high" and point.measures.count() == 3  # 1×6×40 = 240
    assert (
        _client(manager_a)
        .post(f"/risks/enterprises/{pair[0].pk}/templates/", {"template": "nope"})
        .status_code
        == 404
    )


def test_every_listed_industry_has_a_template() -> None:
    from anjian.risks.industry_templates import BY_KEY

    assert set(BY_KEY) >= {
        "metallurgy", "nonferrous", "building_materials", "machinery", "light_industry",
        "textile", "tobacco", "commerce", "hazardous_chemicals", "ammonia", "dust",
        "confined_space",
    }  # fmt: skip


def test_the_card_pdf_carries_the_content_and_the_qr_target(pair: Any, manager_a: Any) -> None:
    from pypdf import PdfReader

    point = point_with(pair[0], manager_a, LEC_HIGH)
    services.add_measure(
        point, {"kind": "protection", "description": "佩戴防毒面具", "control_level": "post",
                "responsible": "王五"}, actor=manager_a,
    )  # fmt: skip
    client = _client(manager_a)
    for size, width in (("a4", 595), ("a5", 420)):
        response = client.get(f"/risks/cards/{point.pk}/card.pdf?size={size}")
        assert response["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(response.content))
        page = reader.pages[0]
        assert round(float(page.mediabox.width)) == width
        text = page.extract_text()
        for expected in ("安全风险告知卡", "较大风险", "储罐泄漏", "火灾", "佩戴防毒面具", "王五"):
            assert expected in text, (size, expected)


def test_the_qr_code_opens_the_card_page(pair: Any, manager_a: Any) -> None:
    from anjian.risks import cards

    point = point_with(pair[0], manager_a, LEC_LOW)
    seen: list[str] = []
    real = cards.qr_png
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cards, "qr_png", lambda url: seen.append(url) or real(url))
        _client(manager_a).get(f"/risks/cards/{point.pk}/card.pdf")
    assert seen == [f"http://testserver/risks/cards/{point.pk}/"]
    assert re.match(rb"\x89PNG", real(seen[0]))


def test_a_worker_confirms_a_card_and_it_is_counted(pair: Any, manager_a: Any, city: Any) -> None:
    point = point_with(pair[0], city, LEC_LOW)
    client = _client(manager_a)
    assert "card-confirm" in client.get(f"/risks/cards/{point.pk}/").content.decode()
    client.post(f"/risks/cards/{point.pk}/confirm/")
    client.post(f"/risks/cards/{point.pk}/confirm/")
    assert point.confirmations.count() == 1
    assert "card-confirmed" in client.get(f"/risks/cards/{point.pk}/").content.decode()
    assert _client(city).post(f"/risks/cards/{point.pk}/confirm/").status_code == 404


def test_the_dossier_has_the_risk_section(pair: Any, city: Any) -> None:
    from anjian.enterprises.dossier import SECTIONS

    point_with(pair[0], city, LEC_HIGH)
    pair[0].refresh_from_db()
    rows = SECTIONS["risks"].rows(pair[0])
    assert rows[0] == ("企业安全风险等级", "较大风险")
    assert "储罐泄漏" in rows[1][1]


def test_the_dashboard_panels_count_in_scope(pair: Any, city: Any, town_a: Any) -> None:
    point_with(pair[0], city, LEC_LOW)
    point_with(pair[1], city, LEC_HIGH)
    panels = {p["key"]: p for p in _client(town_a).get("/api/v1/dashboard").json()["panels"]}
    points = panels["risk_levels"]["data"]["charts"][0]["items"]
    assert [(i["level"], i["value"]) for i in points] == [("low", 1)]
    for item in points:
        listed = _client(town_a).get(f"/api/v1/risk-points?{item['url'].split('?')[1]}").json()
        assert listed["count"] == item["value"]
    assert panels["risk_reviews"]["data"]["items"][0]["value"] == 0


def test_the_enterprise_pages_show_the_level(pair: Any, city: Any) -> None:
    point_with(pair[0], city, LEC_HIGH)
    detail = _client(city).get(f"/enterprises/{pair[0].pk}/").content.decode()
    assert 'data-risk-level="high"' in detail
    listing = _client(city).get("/enterprises/").content.decode()
    assert 'data-risk-level="high"' in listing
