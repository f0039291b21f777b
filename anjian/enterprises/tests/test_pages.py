"""The registry's pages: list filters and htmx, detail panels, import through the page, map."""

from __future__ import annotations

import io

import pytest

from anjian.accounts.choices import Role
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.test_importer import row, workbook
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_list_filters_search_by_initials_and_htmx_partial(client, city, pair):
    chemical, machinery = pair
    client.force_login(city)
    page = client.get("/enterprises/", {"q": "tzshT"}).content.decode()
    assert machinery.name in page and chemical.name not in page
    partial = client.get("/enterprises/", {"town": chemical.town.code}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and chemical.name in body and machinery.name not in body


def test_detail_shows_panels_and_history(client, city, pair):
    client.force_login(city)
    page = client.get(f"/enterprises/{pair[0].pk}/").content.decode()
    for panel in ("licences", "change_requests", "history"):
        assert f'data-panel="{panel}"' in page


def test_import_through_the_page_with_preview_then_confirm(
    client, town_a, towns, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    client.force_login(town_a)
    bad = workbook(row(town=towns[0].name), row(town=towns[0].name, credit_code="X"))
    bad.name = "bad.xlsx"
    page = client.post("/enterprises/import/", {"file": bad}).content.decode()
    assert "未导入任何数据" in page and "应为18位" in page
    assert not Enterprise.objects.exists()
    good = workbook(row(town=towns[0].name))
    good.name = "good.xlsx"
    response = client.post("/enterprises/import/", {"file": good})
    token = response.context["token"]
    assert response.context["preview"].ok and not Enterprise.objects.exists()
    client.post(f"/enterprises/import/{token}/confirm/")
    assert Enterprise.objects.count() == 1


def test_enterprise_user_cannot_import_and_edits_own_profile(client, pair):
    mine, _ = pair
    user = make_user("ent", (Role.ENTERPRISE, mine.credit_code))
    client.force_login(user)
    assert client.get("/enterprises/import/").status_code == 403
    assert client.get("/enterprises/mine/").url == f"/enterprises/{mine.pk}/"
    assert client.get(f"/enterprises/{mine.pk}/edit/").status_code == 200


def test_map_page_loads_vendor_files_not_a_cdn(client, city):
    client.force_login(city)
    page = client.get("/enterprises/map/").content.decode()
    assert (
        "/static/vendor/leaflet/leaflet.js" in page
        and "http" not in page.split("<body")[1].split("</main>")[0]
    )


def test_template_download(client, city):
    client.force_login(city)
    response = client.get("/enterprises/template.xlsx")
    assert response.status_code == 200 and io.BytesIO(response.content).read(2) == b"PK"


def test_map_page_has_the_lists_filters_a_legend_and_no_inline_script(client, city, towns):
    import re

    client.force_login(city)
    page = client.get("/enterprises/map/", {"town": towns[0].code, "status": "operating"})
    html = page.content.decode()
    for name in ("q", "town", "industry", "category", "licence", "status"):
        assert f'name="{name}"' in html
    assert f'<option value="{towns[0].code}" selected>' in html
    assert 'data-query="town=' in html and 'data-testid="map-legend"' in html
    assert "颜色不表示风险等级" in html and "MarkerCluster.Default.css" not in html
    assert "/static/core/citymap.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and "data-tiles" not in html  # offline by default


def test_map_uses_the_configured_tile_server(client, city, settings):
    settings.MAP_TILE_URL = "https://tiles.intranet.example/vec/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "天地图 内网"
    client.force_login(city)
    html = client.get("/enterprises/map/").content.decode()
    assert 'data-tiles="https://tiles.intranet.example/vec/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="天地图 内网"' in html


def test_map_data_follows_the_filters(client, city, pair):
    client.force_login(city)
    points = client.get("/enterprises/map/data/", {"q": "tzsht"}).json()["points"]
    assert [point[3] for point in points] == [pair[1].name]
