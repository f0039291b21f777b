"""Towns keep their grids: create, rename, retire; inspectors and enterprises follow; the API
is scoped like the pages; every change is audited."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client

from anjian.accounts import services as account_services
from anjian.accounts.access import grants_for
from anjian.core.models import AuditLog
from anjian.enterprises import services as enterprise_services
from anjian.enterprises.models import Enterprise
from anjian.orgs import services
from anjian.orgs.models import CITY_CODE, Grid, Town
from conftest import make_user

pytestmark = pytest.mark.django_db

TOWN_A = "370481001000"  # 荆河街道
TOWN_B = "370481002000"  # 龙泉街道


@pytest.fixture
def town_a():
    return Town.objects.get(code=TOWN_A)


@pytest.fixture
def officer():
    return make_user("town_officer", ("town", TOWN_A))


def _enterprise(town: Town, code: str, grid: Grid | None = None) -> Enterprise:
    from anjian.orgs.models import Industry

    return Enterprise.objects.create(
        credit_code=code,
        name=f"网格测试企业{code[-4:]}",
        town=town,
        grid=grid,
        industry=Industry.objects.get(code="2614"),
        longitude=117.16,
        latitude=35.08,
    )


def test_a_town_creates_renames_and_retires_its_grid_each_change_audited(town_a, officer):
    grid = services.create_grid(town_a, actor=officer, code="001-90", name="荆河新区网格")
    assert grid.town == town_a and grid.retired_at is None
    services.update_grid(grid, actor=officer, name="荆河新区第一网格", description="北至荆河路")
    grid.refresh_from_db()
    assert grid.name == "荆河新区第一网格" and grid.description == "北至荆河路"
    services.retire_grid(grid, actor=officer)
    grid.refresh_from_db()
    assert grid.retired_at is not None
    actions = list(
        AuditLog.objects.filter(object_type="orgs.grid", object_id=str(grid.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "retire"]
    with pytest.raises(ValidationError):
        services.update_grid(grid, actor=officer, name="再改")


def test_a_town_cannot_create_a_grid_in_another_town_nor_touch_its_grids(officer):
    other = Town.objects.get(code=TOWN_B)
    with pytest.raises(PermissionDenied):
        services.create_grid(other, actor=officer, code="002-90", name="越权网格")
    assert not Grid.objects.filter(code="002-90").exists()
    foreign = Grid.objects.filter(town=other).first()
    with pytest.raises(PermissionDenied):
        services.update_grid(foreign, actor=officer, name="越权改名")
    with pytest.raises(PermissionDenied):
        services.retire_grid(foreign, actor=officer)


def test_codes_are_unique_and_names_unique_within_a_town(town_a, officer):
    existing = Grid.objects.filter(town=town_a).first()
    with pytest.raises(ValidationError) as duplicate_code:
        services.create_grid(town_a, actor=officer, code=existing.code, name="另一个")
    assert duplicate_code.value.error_dict["code"][0].code == "duplicate"
    with pytest.raises(ValidationError) as duplicate_name:
        services.create_grid(town_a, actor=officer, code="001-91", name=existing.name)
    assert "name" in duplicate_name.value.error_dict
    with pytest.raises(ValidationError):
        services.create_grid(town_a, actor=officer, code="坏 编码", name="编码不合法")


def test_inspectors_jurisdiction_follows_the_grid(town_a, officer):
    first, second = Grid.objects.filter(town=town_a).order_by("code")[:2]
    inspector = make_user("inspector", ("grid", first.code))
    enterprise = _enterprise(town_a, "91370481MA3G00001X", grid=second)
    assert not Enterprise.objects.visible_to(inspector).filter(pk=enterprise.pk).exists()
    account_services.assign_grid_inspector(inspector, second, actor=officer)
    inspector = type(inspector).objects.get(pk=inspector.pk)  # grants are cached per object
    assert grants_for(inspector).grids == {first.code, second.code}
    assert Enterprise.objects.visible_to(inspector).filter(pk=enterprise.pk).exists()
    account_services.remove_grid_inspector(inspector, first, actor=officer)
    services.retire_grid(second, actor=officer)
    inspector = type(inspector).objects.get(pk=inspector.pk)
    assert grants_for(inspector).grids == frozenset()
    enterprise.refresh_from_db()
    assert enterprise.grid is None  # retired grid: its enterprises are left for reassignment
    assert AuditLog.objects.filter(action="role_change", detail="grid retired").exists()


def test_a_town_assigns_only_its_own_inspectors_and_enterprises(town_a, officer):
    grid = Grid.objects.filter(town=town_a).first()
    foreign_grid = Grid.objects.filter(town__code=TOWN_B).first()
    foreign_inspector = make_user("foreign_inspector", ("grid", foreign_grid.code))
    with pytest.raises(ValidationError):
        account_services.assign_grid_inspector(foreign_inspector, grid, actor=officer)
    own = _enterprise(town_a, "91370481MA3G00002X")
    foreign = _enterprise(foreign_grid.town, "91370481MA3G00003X")
    with pytest.raises(ValidationError):
        enterprise_services.assign_to_grid(
            grid, [own.credit_code, foreign.credit_code], actor=officer
        )
    own.refresh_from_db()
    assert own.grid is None  # all or nothing
    assert enterprise_services.assign_to_grid(grid, [own.credit_code], actor=officer) == 1
    own.refresh_from_db()
    assert own.grid == grid


def test_the_grid_pages_create_rename_retire_and_staff(client, town_a, officer):
    inspector = make_user("page_inspector", ("grid", Grid.objects.filter(town=town_a)[1].code))
    inspector.display_name = "李网格"
    inspector.save()
    client.force_login(officer)
    assert "设立网格" in client.get("/orgs/grids/").content.decode()
    response = client.post(
        "/orgs/grids/new/", {"town": TOWN_A, "code": "001-92", "name": "页面网格"}
    )
    assert response.status_code == 302 and response["Location"] == "/orgs/grids/001-92/"
    refused = client.post("/orgs/grids/new/", {"town": TOWN_B, "code": "002-92", "name": "越权"})
    assert refused.status_code == 200 and not Grid.objects.filter(code="002-92").exists()
    client.post("/orgs/grids/001-92/edit/", {"name": "页面网格（改）", "description": ""})
    assert Grid.objects.get(code="001-92").name == "页面网格（改）"
    page = client.get("/orgs/grids/001-92/").content.decode()
    assert "李网格" in page  # a candidate: a grid inspector of this town
    client.post("/accounts/grids/001-92/inspectors/", {"user": inspector.pk})
    assert "移出本网格" in client.get("/orgs/grids/001-92/").content.decode()
    enterprise = _enterprise(town_a, "91370481MA3G00004X")
    client.post("/enterprises/grids/001-92/assign/", {"credit_codes": enterprise.credit_code})
    enterprise.refresh_from_db()
    assert enterprise.grid.code == "001-92"
    client.post("/orgs/grids/001-92/retire/")
    assert Grid.objects.get(code="001-92").retired_at is not None
    assert "已撤销" in client.get("/orgs/grids/001-92/").content.decode()


def test_the_grids_api_is_scoped_like_the_pages(officer):
    client = Client()
    client.force_login(officer)
    created = client.post(
        "/api/v1/grids",
        {"code": "001-93", "name": "接口网格", "town": TOWN_A},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["town"] == TOWN_A
    refused = client.post(
        "/api/v1/grids",
        {"code": "002-93", "name": "越权", "town": TOWN_B},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert set(refused.json()) == {"detail", "code"}
    duplicate = client.post(
        "/api/v1/grids",
        {"code": "001-93", "name": "重复", "town": TOWN_A},
        content_type="application/json",
    )
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate"
    renamed = client.patch(
        "/api/v1/grids/001-93", {"name": "接口网格（改）"}, content_type="application/json"
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "接口网格（改）"
    retired = client.patch(
        "/api/v1/grids/001-93", {"retired": True}, content_type="application/json"
    )
    assert retired.status_code == 200 and retired.json()["retired_at"]
    foreign = Grid.objects.filter(town__code=TOWN_B).first()
    assert client.get(f"/api/v1/grids/{foreign.code}").status_code == 404
    patched = client.patch(
        f"/api/v1/grids/{foreign.code}", {"name": "越权"}, content_type="application/json"
    )
    assert patched.status_code == 404 and patched.json()["code"] == "not_found"
    codes = {g["code"] for g in client.get("/api/v1/grids?page_size=100").json()["items"]}
    assert "001-93" in codes and foreign.code not in codes


def test_the_city_office_creates_grids_in_any_town():
    city = make_user("city_grids", ("city", CITY_CODE))
    grid = services.create_grid(
        Town.objects.get(code=TOWN_B), actor=city, code="002-94", name="市级设立网格"
    )
    assert grid.town.code == TOWN_B


@pytest.mark.django_db(transaction=True)
def test_two_officers_renaming_at_once_never_both_take_one_name():
    """Both rename a different grid of one town to the same name at the same moment: a rename
    locks the town's row, so one wins and the other is told the name is taken."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises writers anyway")
    # Transactional tests run on an emptied database: a town and two grids of its own.
    town, _ = Town.objects.get_or_create(
        code="370481999000", defaults={"name": "争用测试镇", "kind": "town"}
    )
    first = Grid.objects.create(code="999-01", name="争用一", town=town)
    second = Grid.objects.create(code="999-02", name="争用二", town=town)
    officer = make_user("race_officer", ("town", town.code))
    results: list[str] = []
    barrier = threading.Barrier(2)

    def rename(grid: Grid) -> None:
        barrier.wait()
        try:
            services.update_grid(grid, actor=officer, name="同名争用网格")
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=rename, args=(g,)) for g in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert Grid.objects.filter(town=town, name="同名争用网格").count() == 1
