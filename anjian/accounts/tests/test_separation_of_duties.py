"""Separation of duties (三权分立): who may grant which role, to whom, and which roles one
account may hold together; the same through the services, the user pages and the import
(issue 11, item 1)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import Workbook

from anjian.accounts import importing, services
from anjian.accounts.choices import Role
from anjian.accounts.models import RoleAssignment, User
from anjian.orgs.models import CITY_CODE, Department, Grid, Town
from conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db

BUSINESS = {
    Role.CITY,
    Role.DEPARTMENT,
    Role.TOWN,
    Role.GRID,
    Role.ENFORCEMENT,
    Role.ENTERPRISE,
    Role.EXPERT,
}
# The specification, written out rather than derived from the rule it checks: which roles
# each granter role may give to a fresh account holding no role.
EXPECTED_GRANTABLE: dict[str, set[str]] = {
    Role.ADMIN: set(Role.values),
    Role.CITY: BUSINESS,
    Role.DEPARTMENT: set(),
    Role.TOWN: set(),
    Role.GRID: set(),
    Role.ENFORCEMENT: set(),
    Role.ENTERPRISE: set(),
    Role.EXPERT: set(),
    Role.AUDITOR: set(),
}


def _code(role: str) -> str:
    """A jurisdiction code that exists for ``role``."""
    from anjian.enterprises.tests.conftest import make_enterprise

    if role in (Role.CITY, Role.AUDITOR, Role.ADMIN):
        return CITY_CODE
    if role == Role.TOWN:
        return Town.objects.order_by("code").values_list("code", flat=True)[0]
    if role in (Role.DEPARTMENT, Role.ENFORCEMENT):
        return Department.objects.order_by("code").values_list("code", flat=True)[0]
    if role == Role.GRID:
        return Grid.objects.order_by("code").values_list("code", flat=True)[0]
    return make_enterprise(Town.objects.order_by("code").first()).credit_code


@pytest.mark.parametrize("granter", Role.values)
def test_who_may_grant_which_role_over_every_pair(granter):
    actor = make_user(f"granter_{granter}", (granter, _code(granter)))
    for granted in Role.values:
        target = make_user(f"target_{granter}_{granted}")
        spec = services.RoleSpec(granted, _code(granted))
        allowed = granted in EXPECTED_GRANTABLE[granter]
        if allowed:
            services.assign_role(target, spec, actor=actor)
            assert target.role_assignments.filter(role=granted).exists(), (granter, granted)
        else:
            with pytest.raises(PermissionDenied):
                services.assign_role(target, spec, actor=actor)
            assert not target.role_assignments.exists(), (granter, granted)


@pytest.mark.parametrize("granted", Role.values)
@pytest.mark.parametrize("granter", [Role.ADMIN, Role.CITY])
def test_nobody_grants_a_role_to_themselves(granter, granted):
    actor = make_user("self_granter", (granter, _code(granter)))
    with pytest.raises(PermissionDenied):
        services.assign_role(actor, services.RoleSpec(granted, _code(granted)), actor=actor)
    assert set(actor.role_assignments.values_list("role", flat=True)) == {granter}


@pytest.mark.parametrize("held", Role.values)
@pytest.mark.parametrize("granted", Role.values)
def test_separated_roles_are_held_alone(held, granted):
    admin = make_user("the_admin", (Role.ADMIN, CITY_CODE))
    target = make_user("holder", (held, _code(held)))
    separated = {Role.ADMIN, Role.AUDITOR}
    may_hold_both = held == granted or not ({held, granted} & separated)
    spec = services.RoleSpec(granted, _code(granted))
    if may_hold_both:
        services.assign_role(target, spec, actor=admin)
    else:
        with pytest.raises(PermissionDenied, match="三权分立"):
            services.assign_role(target, spec, actor=admin)
        assert set(target.role_assignments.values_list("role", flat=True)) == {held}


def test_a_new_account_cannot_be_created_with_two_separated_duties():
    admin = make_user("the_admin", (Role.ADMIN, CITY_CODE))
    with pytest.raises(PermissionDenied):
        services.create_user(
            actor=admin,
            username="both",
            roles=[
                services.RoleSpec(Role.AUDITOR, CITY_CODE),
                services.RoleSpec(Role.CITY, CITY_CODE),
            ],
        )
    assert not User.objects.filter(username="both").exists()


def _login(client: Client, user: User) -> None:
    client.force_login(user)


def test_reported_attack_admin_gives_itself_the_auditor_role_through_the_user_page(client):
    admin = make_user("admin_x", (Role.ADMIN, CITY_CODE))
    _login(client, admin)
    for role in (Role.AUDITOR, Role.CITY):
        response = client.post(
            f"/accounts/users/{admin.pk}/", {"role": role, "jurisdiction_code": CITY_CODE}
        )
        assert response.status_code == 200  # the form again, with the refusal
        assert "不能为自己授予" in response.content.decode()
    assert set(admin.role_assignments.values_list("role", flat=True)) == {Role.ADMIN}
    # and so the audit log and the registry stay closed to it
    assert client.get("/api/v1/audit").json()["count"] == 0
    assert client.get("/api/v1/enterprises").json()["count"] == 0


def test_reported_attack_city_gives_the_auditor_a_town_role(client):
    city = make_user("city_x", (Role.CITY, CITY_CODE))
    auditor = make_user("auditor_x", (Role.AUDITOR, CITY_CODE))
    town = _code(Role.TOWN)
    with pytest.raises(PermissionDenied):
        services.assign_role(auditor, services.RoleSpec(Role.TOWN, town), actor=city)
    _login(client, city)
    response = client.post(
        f"/accounts/users/{auditor.pk}/", {"role": Role.TOWN, "jurisdiction_code": town}
    )
    assert response.status_code == 404  # the city office manages no auditor account
    assert set(auditor.role_assignments.values_list("role", flat=True)) == {Role.AUDITOR}


def test_the_city_office_cannot_take_over_a_separated_account():
    city = make_user("city_y", (Role.CITY, CITY_CODE))
    auditor = make_user("auditor_y", (Role.AUDITOR, CITY_CODE))
    with pytest.raises(PermissionDenied):
        services.reset_password(auditor, actor=city)
    with pytest.raises(PermissionDenied):
        services.remove_role(auditor.role_assignments.get(), actor=city)
    assert User.objects.visible_to(city).filter(pk=auditor.pk).exists()  # still listed
    assert auditor.check_password(TEST_PASSWORD)


def test_withdrawing_ones_own_role_is_refused():
    admin = make_user("admin_z", (Role.ADMIN, CITY_CODE))
    with pytest.raises(PermissionDenied):
        services.remove_role(admin.role_assignments.get(), actor=admin)
    assert RoleAssignment.objects.filter(user=admin).exists()


def test_the_role_form_offers_only_grantable_roles(client):
    city = make_user("city_w", (Role.CITY, CITY_CODE))
    _login(client, city)
    page = client.get("/accounts/users/new/").content.decode()
    assert 'value="town"' in page
    assert 'value="auditor"' not in page
    assert 'value="admin"' not in page


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(importing.COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_import_applies_the_same_rule():
    city = make_user("city_v", (Role.CITY, CITY_CODE))
    with pytest.raises(importing.ImportRejected) as rejected:
        importing.import_users(
            _workbook([["aud2", "", "", "auditor", CITY_CODE, None, None]]), actor=city
        )
    assert "仅系统管理员" in str(rejected.value)
    assert not User.objects.filter(username="aud2").exists()
