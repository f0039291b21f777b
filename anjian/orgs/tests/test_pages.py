"""Pages of the organisation, as the roles see them."""

import pytest

from anjian.orgs.models import Grid
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_town_list_shows_21_towns_with_the_renaming(client):
    client.force_login(make_user("c", ("city", "370481000000")))
    html = client.get("/orgs/towns/").content.decode()
    assert html.count("<code>370481") == 21
    assert "东沙河镇（370481100000" in html


def test_departments_page_lists_departments_and_committees(client):
    client.force_login(make_user("c", ("city", "370481000000")))
    html = client.get("/orgs/departments/").content.decode()
    assert "滕州市应急管理局" in html and "危险化学品安全专业委员会" in html


def test_a_town_sees_only_its_own_grids(client):
    client.force_login(make_user("t", ("town", "370481001000")))
    html = client.get("/orgs/grids/").content.decode()
    assert "荆河街道第1网格" in html and "龙泉街道第1网格" not in html
    foreign = Grid.objects.filter(town__code="370481002000").first()
    assert client.get(f"/orgs/grids/{foreign.code}/").status_code == 404


def test_grid_list_filters_by_town_through_htmx(client):
    client.force_login(make_user("c", ("city", "370481000000")))
    html = client.get("/orgs/grids/?town=370481002000", HTTP_HX_REQUEST="true").content.decode()
    assert "龙泉街道第1网格" in html and "荆河街道" not in html and "<html" not in html


def test_grid_detail_lists_its_inspectors(client):
    grid = Grid.objects.filter(town__code="370481001000").first()
    inspector = make_user("g", ("grid", grid.code))
    inspector.display_name = "王网格"
    inspector.save()
    client.force_login(make_user("t", ("town", "370481001000")))
    assert "王网格" in client.get(f"/orgs/grids/{grid.code}/").content.decode()
