"""User administration: services, validation of roles and jurisdictions, scoping of users,
bulk import from Excel (all or nothing), demo accounts, and the separation of duties."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from openpyxl import Workbook

from anjian.accounts import importing, services
from anjian.accounts.choices import Role
from anjian.accounts.models import RoleAssignment, User
from anjian.core.models import AuditLog
from anjian.orgs.models import CITY_CODE, Department, Grid, Town
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns() -> list[Town]:
    return list(Town.objects.order_by("code")[:2])


@pytest.fixture
def city():
    return make_user("city_officer", (Role.CITY, CITY_CODE))


@pytest.fixture
def admin():
    return make_user("sysadmin", (Role.ADMIN, CITY_CODE))


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(importing.COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


# --- services -----------------------------------------------------------------------------------


def test_create_user_issues_a_password_to_change_and_is_audited_once(city, towns):
    before = AuditLog.objects.count()
    user, password = services.create_user(
        actor=city,
        username="li_town",
        display_name="李镇街",
        roles=[services.RoleSpec(Role.TOWN, towns[0].code)],
    )
    assert user.must_change_password
    assert user.check_password(password)
    assert [a.jurisdiction for a in user.role_assignments.all()] == [f"town:{towns[0].code}"]
    rows = AuditLog.objects.order_by("seq")[before:]
    assert [(r.action, r.actor_id) for r in rows] == [("create", city.pk)]
    assert rows[0].after["password"] == "***"


@pytest.mark.parametrize(
    ("role", "code"),
    [
        (Role.TOWN, "999999999999"),
        (Role.DEPARTMENT, "no-such-dept"),
        (Role.GRID, "no-such-grid"),
        (Role.CITY, "370481001000"),
    ],
)
def test_role_jurisdiction_must_exist_and_match_the_role(city, role, code):
    with pytest.raises(ValidationError):
        services.create_user(actor=city, username="bad", roles=[services.RoleSpec(role, code)])
    assert not User.objects.filter(username="bad").exists()


def test_only_the_administrator_grants_auditor_or_admin(city, admin):
    target = make_user("promoted")
    with pytest.raises(PermissionDenied):
        services.assign_role(target, services.RoleSpec(Role.AUDITOR, CITY_CODE), actor=city)
    services.assign_role(target, services.RoleSpec(Role.AUDITOR, CITY_CODE), actor=admin)
    assert AuditLog.objects.filter(action="role_change", object_id=str(target.pk)).exists()


def test_a_town_cannot_manage_users(towns):
    town = make_user("town_mgr", (Role.TOWN, towns[0].code))
    target = make_user("someone", (Role.TOWN, towns[0].code))
    with pytest.raises(PermissionDenied):
        services.reset_password(target, actor=town)
    with pytest.raises(PermissionDenied):
        services.create_user(actor=town, username="x")


def test_role_removal_and_disabling_are_audited(city, towns):
    target = make_user("mover", (Role.TOWN, towns[0].code))
    services.remove_role(target.role_assignments.get(), actor=city)
    services.set_active(target, False, actor=city)
    actions = list(
        AuditLog.objects.filter(object_id=str(target.pk)).values_list("action", flat=True)
    )
    assert actions.count("role_change") == 1
    assert "update" in actions
    assert not User.objects.get(pk=target.pk).is_active


def test_expert_role_has_a_period(city):
    from datetime import date

    grants_user = make_user("expert_x")
    spec = services.RoleSpec(
        Role.GRID, Grid.objects.first().code, date(2020, 1, 1), date(2020, 2, 1)
    )
    services.assign_role(grants_user, spec, actor=city)
    from anjian.accounts.access import grants_for

    assert grants_for(User.objects.get(pk=grants_user.pk)).roles == frozenset()


# --- scoping of users ---------------------------------------------------------------------------


def test_a_town_sees_users_of_its_town_and_grids_only(towns):
    grid_a = Grid.objects.filter(town=towns[0]).first()
    grid_b = Grid.objects.filter(town=towns[1]).first()
    town_a = make_user("ta", (Role.TOWN, towns[0].code))
    mine = [make_user("u1", (Role.TOWN, towns[0].code)), make_user("u2", (Role.GRID, grid_a.code))]
    theirs = [
        make_user("u3", (Role.TOWN, towns[1].code)),
        make_user("u4", (Role.GRID, grid_b.code)),
        make_user("u5", (Role.DEPARTMENT, Department.objects.first().code)),
    ]
    visible = set(User.objects.visible_to(town_a))
    assert visible >= {town_a, *mine}
    assert not visible & set(theirs)
    assert not User.objects.editable_by(town_a).exists()
    assert set(
        RoleAssignment.objects.visible_to(town_a).values_list("user__username", flat=True)
    ) == {
        "ta",
        "u1",
        "u2",
    }


def test_others_see_only_themselves_and_managers_see_all(towns, city, admin):
    grid_user = make_user("gu", (Role.GRID, Grid.objects.filter(town=towns[0]).first().code))
    make_user("other_user", (Role.TOWN, towns[1].code))
    assert list(User.objects.visible_to(grid_user)) == [grid_user]
    assert User.objects.visible_to(city).count() == User.objects.count()
    assert User.objects.editable_by(admin).count() == User.objects.count()


def test_user_api_lists_only_visible_users(client, towns):
    town_a = make_user("api_ta", (Role.TOWN, towns[0].code))
    make_user("api_tb", (Role.TOWN, towns[1].code))
    client.force_login(town_a)
    names = [u["username"] for u in client.get("/api/v1/users").json()["items"]]
    assert names == ["api_ta"]


# --- separation of duties -----------------------------------------------------------------------


def test_the_administrator_cannot_read_the_audit_log_and_the_auditor_can(admin):
    auditor = make_user("aud", (Role.AUDITOR, CITY_CODE))
    assert AuditLog.objects.visible_to(auditor).exists()
    assert not AuditLog.objects.visible_to(admin).exists()
    assert not AuditLog.objects.editable_by(auditor).exists()
    client = Client()
    client.force_login(admin)
    assert client.get("/audit/").status_code == 404  # not the auditor's page: not an empty one


def test_the_auditor_cannot_change_business_data():
    auditor = make_user("aud2", (Role.AUDITOR, CITY_CODE))
    assert not Town.objects.editable_by(auditor).exists()
    assert not Grid.objects.visible_to(auditor).exists()
    assert not User.objects.editable_by(auditor).exists()


def test_audit_export_is_an_excel_file_and_is_itself_audited():
    auditor = make_user("aud3", (Role.AUDITOR, CITY_CODE))
    client = Client()
    client.force_login(auditor)
    assert client.get("/audit/?action=create").status_code == 200
    response = client.get("/audit/export/?action=create")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    row = AuditLog.objects.filter(action="export").latest("seq")
    assert row.actor_id == auditor.pk
    assert row.after["filters"] == {"action": "create"}


# --- bulk import --------------------------------------------------------------------------------


def test_import_creates_every_user_of_a_good_file(city, towns):
    grid = Grid.objects.filter(town=towns[0]).first()
    stream = _workbook(
        [
            ["wang", "王五", "13800000001", "town", towns[0].code, None, None],
            ["zhao", "赵六", "", "网格员", grid.code, None, None],
        ]
    )
    created = importing.import_users(stream, actor=city)
    assert [u.username for u, _p in created] == ["wang", "zhao"]
    assert User.objects.get(username="zhao").role_assignments.get().role == Role.GRID
    assert AuditLog.objects.filter(action="import", actor_id=city.pk).exists()


def test_import_is_all_or_nothing_and_reports_every_bad_row(city, towns):
    make_user("taken")
    stream = _workbook(
        [
            ["good", "好", "", "town", towns[0].code, None, None],
            ["taken", "", "", "town", towns[0].code, None, None],
            ["", "", "", "town", towns[0].code, None, None],
            ["noval", "", "", "boss", "1", None, None],
            ["badcode", "", "", "town", "000", None, None],
            ["good", "", "", "town", towns[0].code, "2018-13-01", None],
        ]
    )
    with pytest.raises(importing.ImportRejected) as rejected:
        importing.import_users(stream, actor=city)
    found = {(e.row, e.column) for e in rejected.value.errors}
    assert found == {
        (3, "用户名"),
        (4, "用户名"),
        (5, "角色"),
        (6, "管辖代码"),
        (7, "用户名"),
        (7, "生效日期"),
    }
    assert "第3行【用户名】：用户名已存在" in [str(e) for e in rejected.value.errors]
    assert not User.objects.filter(username="good").exists()


def test_import_refuses_a_file_that_is_not_a_workbook(city):
    with pytest.raises(importing.ImportRejected) as rejected:
        importing.import_users(io.BytesIO(b"not excel"), actor=city)
    assert rejected.value.errors[0].row == 1


def test_import_page_shows_row_errors(client, city, towns):
    client.force_login(city)
    stream = _workbook([["x1", "", "", "town", "bad", None, None]])
    stream.name = "users.xlsx"
    response = client.post("/accounts/users/import/", {"file": stream})
    assert "第2行【管辖代码】" in response.content.decode()
    assert client.get("/accounts/users/import/?template=1").status_code == 200


# --- pages --------------------------------------------------------------------------------------


def test_city_office_creates_a_user_and_resets_a_password_through_the_pages(client, city, towns):
    client.force_login(city)
    response = client.post(
        "/accounts/users/new/",
        {"username": "page_user", "role": "town", "jurisdiction_code": towns[1].code},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    user = User.objects.get(username="page_user")
    issued = response.context["password"]
    assert User.objects.get(pk=user.pk).check_password(issued)
    assert client.get(f"/accounts/users/{user.pk}/").status_code == 200
    response = client.post(f"/accounts/users/{user.pk}/reset-password/")
    assert User.objects.get(pk=user.pk).check_password(response.context["password"])
    assert "messages" not in response.cookies
    assert client.post(f"/accounts/users/{user.pk}/active/", {"active": "0"}).status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    assert "page_user" in client.get("/accounts/users/?q=page").content.decode()


# --- demo accounts ------------------------------------------------------------------------------


def test_demo_accounts_cover_every_role_and_print_totp_secrets(capsys):
    from anjian.accounts import demo
    from anjian.core.democity import DemoContext

    demo.build(DemoContext(seed=2018))
    call_command("demo_accounts", "--json")
    accounts = json.loads(capsys.readouterr().out)
    roles = {r["role"] for a in accounts for r in a["roles"]}
    assert roles >= {"city", "department", "town", "grid", "enforcement", "auditor", "admin"}
    by_name = {a["username"]: a for a in accounts}
    assert by_name["admin"]["totp_secret"]
    assert by_name["auditor"]["totp_secret"]
    for account in accounts:
        for role in account["roles"]:
            kind, _sep, code = role["jurisdiction"].partition(":")
            assert kind and code


def test_audit_api_answers_the_auditor_only(admin):
    auditor = make_user("aud_api", (Role.AUDITOR, CITY_CODE))
    services.reset_password(make_user("api_target"), actor=admin)
    client = Client()
    client.force_login(auditor)
    body = client.get("/api/v1/audit?action=password_reset").json()
    assert body["count"] >= 1
    record = body["items"][0]
    assert record["action"] == "password_reset"
    assert client.get(f"/api/v1/audit/{record['seq']}").json()["hash"] == record["hash"]
    client.force_login(admin)
    assert client.get("/api/v1/audit").json()["count"] == 0
    assert client.get(f"/api/v1/audit/{record['seq']}").status_code == 404
