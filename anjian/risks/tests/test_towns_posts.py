"""Town boundaries loaded by the city office (checked with shapely, all or nothing) and the town
areas of the risk map; the post cards (岗位安全风险告知卡): content, PDF text, QR target, and
the workers' confirmations."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from anjian.core.models import AuditLog
from anjian.core.roles import Role
from anjian.orgs.models import Boundary, Town
from anjian.risks import services
from anjian.risks.models import CardConfirmation
from anjian.risks.tests.conftest import LEC_HIGH, LEC_LOW, LEC_MAJOR, city_strips, point_with
from conftest import make_user

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, collection: Any, name: str = "towns.geojson") -> Any:
    body = collection if isinstance(collection, bytes) else json.dumps(collection).encode()
    return client.post("/risks/towns/", {"file": SimpleUploadedFile(name, body)})


def _shared(name: str) -> dict[str, Any]:
    return json.loads((settings.SHARED_DATA_DIR / name).read_text(encoding="utf-8"))


def _problems(response: Any) -> list[str]:
    return [str(p) for p in response.context["problems"]]


def _town_boundaries() -> int:
    return Boundary.objects.filter(code__in=Town.objects.values("code")).count()


# --- town boundaries ----------------------------------------------------------------------------


def test_the_city_office_loads_town_boundaries_and_the_map_shades_them(
    pair: Any, city: Any, towns: list[Town]
) -> None:
    client = _client(city)
    page = client.get("/risks/map/").content.decode()
    assert 'id="town-areas-absent"' in page and "data-areas" not in page
    assert client.get("/api/v1/risk-map/towns").json()["features"] == []

    response = _upload(client, city_strips(towns))
    assert response.status_code == 302
    assert _town_boundaries() == 2
    record = AuditLog.objects.filter(action="import").latest("pk")
    assert towns[0].name in record.detail and towns[1].name in record.detail

    point_with(pair[0], city, LEC_MAJOR)
    point_with(pair[1], city, LEC_LOW)
    page = client.get("/risks/map/").content.decode()
    assert 'id="town-areas-absent"' not in page and 'data-areas="/api/v1/risk-map/towns"' in page
    areas = client.get("/api/v1/risk-map/towns").json()["features"]
    by_town = {f["properties"]["town"]: f["properties"] for f in areas}
    assert by_town[towns[0].code]["shade"] == "major"
    assert by_town[towns[0].code]["opacity"] == 0.65  # all its enterprises are at major
    assert by_town[towns[1].code]["shade"] == "low"
    assert by_town[towns[1].code]["opacity"] == 0.15
    assert by_town[towns[1].code]["counts"]["low"] == 1
    assert {f["geometry"]["type"] for f in areas} <= {"Polygon", "MultiPolygon"}


def test_a_town_sees_the_mix_of_its_own_enterprises_only_and_may_not_load(
    pair: Any, city: Any, towns: list[Town], town_a: Any
) -> None:
    _upload(_client(city), city_strips(towns))
    point_with(pair[1], city, LEC_HIGH)
    client = _client(town_a)
    assert client.get("/risks/towns/").status_code == 404
    assert _upload(client, city_strips(towns)).status_code == 404
    areas = client.get("/api/v1/risk-map/towns").json()["features"]
    other = next(f for f in areas if f["properties"]["town"] == towns[1].code)
    assert sum(other["properties"]["counts"].values()) == 0  # town B's enterprise is not its
    assert "载入镇街边界" not in client.get("/risks/map/").content.decode()


def test_a_county_outside_the_city_is_refused_and_nothing_is_stored(
    city: Any, towns: list[Town]
) -> None:
    counties = _shared("zaozhuang_counties_wgs84.geojson")
    xuecheng = next(f for f in counties["features"] if f["properties"]["adcode"] == 370403)
    xuecheng["properties"] = {"code": towns[1].code}  # 薛城区, a neighbour, named as a town
    good = city_strips(towns[:1])["features"][0]
    response = _upload(_client(city), {"type": "FeatureCollection",
                                       "features": [good, xuecheng]})  # fmt: skip
    assert response.status_code == 200
    assert _problems(response) == [f"第2个要素（{towns[1].name}）：超出市界"]
    assert _town_boundaries() == 0  # the good one neither: all or nothing


def test_a_gcj02_file_is_refused(city: Any, towns: list[Town]) -> None:
    outline = _shared("tengzhou_gcj02.geojson")
    outline["features"][0]["properties"] = {"code": towns[0].code}
    assert _problems(_upload(_client(city), outline)) == ["坐标系为GCJ-02：请先转换为WGS84"]


def test_every_bad_feature_is_named(city: Any) -> None:
    towns = list(Town.objects.order_by("code")[:4])
    whole = _shared("tengzhou_wgs84.geojson")["features"][0]
    ring = whole["geometry"]["coordinates"][0][0]
    west, east = min(x for x, _ in ring), max(x for x, _ in ring)
    south, north = min(y for _, y in ring), max(y for _, y in ring)
    bowtie = [[west, south], [east, north], [east, south], [west, north], [west, south]]
    features = [
        {**whole, "properties": {"code": towns[0].code}},
        {**whole, "properties": {"name": towns[1].name}},  # the whole city again: overlaps
        {"type": "Feature", "properties": {"code": "370481999000"}, "geometry": whole["geometry"]},
        {"type": "Feature", "properties": {"code": towns[2].code[:9]},
         "geometry": {"type": "Polygon", "coordinates": [bowtie]}},
        {"type": "Feature", "properties": {"code": towns[3].code},
         "geometry": {"type": "Point", "coordinates": [west, south]}},
    ]  # fmt: skip
    problems = _problems(
        _upload(_client(city), {"type": "FeatureCollection", "features": features})
    )
    assert problems[0] == f"第2个要素（{towns[1].name}）：与{towns[0].name}重叠"
    assert problems[1] == "第3个要素：不是本市的镇街"
    assert problems[2].startswith(f"第4个要素（{towns[2].name}）：多边形无效：Self-intersection")
    assert problems[3] == f"第5个要素（{towns[3].name}）：几何类型须为Polygon或MultiPolygon"
    assert len(problems) == 4 and _town_boundaries() == 0


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"\xff not json", "不是有效的GeoJSON文件"),
        (b"[1, 2]", "文件须为GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "文件中没有要素"),
    ],
)
def test_a_file_that_is_no_feature_collection_is_refused(
    city: Any, body: bytes, problem: str
) -> None:
    assert _problems(_upload(_client(city), body)) == [problem]


def test_loading_again_replaces_a_town_and_keeps_the_others(city: Any, towns: list[Town]) -> None:
    client = _client(city)
    _upload(client, city_strips(towns[:2]))
    first = Boundary.objects.get(code=towns[0].code).geojson
    _upload(client, city_strips(towns[:1]))  # town 0 now the whole city, town 1 untouched
    assert Boundary.objects.get(code=towns[0].code).geojson != first
    assert _town_boundaries() == 2
    listed = client.get("/risks/towns/").content.decode()
    assert f'data-town="{towns[1].code}" data-loaded="1"' in listed
    third = Town.objects.order_by("code")[2]
    assert f'data-town="{third.code}" data-loaded="0"' in listed


# --- post cards ---------------------------------------------------------------------------------


def _post_points(pair: Any, actor: Any) -> list[Any]:
    tank = point_with(pair[0], actor, LEC_HIGH)  # post 储运工 (conftest)
    loading = services.create_point(
        pair[0], {"name": "装卸站台", "kind": "activity", "post": "储运工", "location": "东门",
                  "emergency_actions": "关闭紧急切断阀"}, actor=actor,
    )  # fmt: skip
    services.add_hazard(
        loading, {"description": "槽车装卸泄漏", "factor_code": "21", "accident_types": [],
                  **LEC_LOW}, actor=actor,
    )  # fmt: skip
    services.add_measure(
        loading, {"kind": "protection", "description": "佩戴防毒面具", "control_level": "post",
                  "responsible": "王五"}, actor=actor,
    )  # fmt: skip
    services.create_point(pair[0], {"name": "锅炉房", "post": "司炉工"}, actor=actor)
    return [tank, loading]


def test_the_register_lists_a_card_for_each_post(pair: Any, manager_a: Any) -> None:
    _post_points(pair, manager_a)
    page = _client(manager_a).get(f"/risks/enterprises/{pair[0].pk}/").content.decode()
    for post in ("储运工", "司炉工"):
        assert f'href="/risks/enterprises/{pair[0].pk}/posts/card/{quote(post)}"' in page
        assert f'href="/risks/enterprises/{pair[0].pk}/posts/pdf/{quote(post)}?size=a5"' in page


def test_the_post_card_pdf_holds_every_point_of_the_post_and_its_qr_opens_the_card(
    pair: Any, manager_a: Any
) -> None:
    import zxingcpp
    from pypdf import PdfReader

    _post_points(pair, manager_a)
    client = _client(manager_a)
    for size, width in (("a4", 595), ("a5", 420)):
        response = client.get(f"/risks/enterprises/{pair[0].pk}/posts/pdf/储运工?size={size}")
        assert response["Content-Type"] == "application/pdf"
        page = PdfReader(io.BytesIO(response.content)).pages[0]
        assert round(float(page.mediabox.width)) == width
        text = page.extract_text()
        for expected in ("岗位安全风险告知卡", "较大风险", "储运工", "液氨储罐区",
                         "装卸站台（东门）", "储罐泄漏", "槽车装卸泄漏", "火灾", "佩戴防毒面具",
                         "关闭紧急切断阀", "王五", pair[0].name):  # fmt: skip
            assert expected in text, (size, expected)
        assert "锅炉房" not in text  # another post's point
        (image,) = page.images  # the QR code, the card's only image
        (code,) = zxingcpp.read_barcodes(image.image)
        target = f"http://testserver/risks/enterprises/{pair[0].pk}/posts/card/"
        assert code.text == target + "%E5%82%A8%E8%BF%90%E5%B7%A5"  # 储运工
        assert client.get(code.text.removeprefix("http://testserver")).status_code == 200


def test_the_point_card_qr_decodes_to_the_card_page(pair: Any, manager_a: Any) -> None:
    import zxingcpp
    from pypdf import PdfReader

    point = point_with(pair[0], manager_a, LEC_LOW)
    response = _client(manager_a).get(f"/risks/cards/{point.pk}/card.pdf")
    (image,) = PdfReader(io.BytesIO(response.content)).pages[0].images
    (code,) = zxingcpp.read_barcodes(image.image)
    assert code.text == f"http://testserver/risks/cards/{point.pk}/"


def test_a_post_worker_confirms_the_post_card_once_and_it_is_counted(
    pair: Any, manager_a: Any, city: Any
) -> None:
    points = _post_points(pair, manager_a)
    worker = make_user("risk_post_worker", (Role.ENTERPRISE, pair[0].credit_code))
    url = f"/risks/enterprises/{pair[0].pk}/posts/card/储运工"
    client = _client(worker)
    page = client.get(url)
    assert page.context["confirmations"] == 0 and 'id="card-confirm"' in page.content.decode()
    confirm = f"/risks/enterprises/{pair[0].pk}/posts/confirm/储运工"
    assert client.post(confirm).status_code == 302
    assert client.post(confirm).status_code == 302  # twice: still once
    assert CardConfirmation.objects.filter(user=worker).count() == 2
    assert set(CardConfirmation.objects.filter(user=worker).values_list("post", flat=True)) == {
        "储运工"
    }
    assert AuditLog.objects.filter(action="add_card_confirmation", actor_id=worker.pk).count() == 1
    page = client.get(url)
    assert page.context["confirmations"] == 1 and 'id="card-confirmed"' in page.content.decode()
    # a new point of the post: nobody has confirmed the whole post any more
    services.create_point(pair[0], {"name": "氨压缩机房", "post": "储运工"}, actor=manager_a)
    assert _client(manager_a).get(url).context["confirmations"] == 0
    assert len(points) == 2
    # the city office reads the card but is no worker of the enterprise
    assert _client(city).post(confirm).status_code == 404


def test_an_unknown_post_is_404(pair: Any, manager_a: Any) -> None:
    _post_points(pair, manager_a)
    client = _client(manager_a)
    for route in ("card", "pdf"):
        assert client.get(f"/risks/enterprises/{pair[0].pk}/posts/{route}/焊工").status_code == 404
    assert client.post(f"/risks/enterprises/{pair[0].pk}/posts/confirm/焊工").status_code == 404
