"""What roles grant: the sets each kind of assignment fills, the expert's read-only enterprises,
an assignment's period at its first and last day, and the cache of a user's grants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.accounts.access import (
    BUSINESS_ROLES,
    Grants,
    active_assignments_q,
    grants_for,
)
from anjian.accounts.choices import Role
from anjian.accounts.models import RoleAssignment, User
from anjian.orgs.models import Town
from conftest import make_user


def test_business_roles_leave_out_the_auditor_and_the_administrator() -> None:
    assert (
        frozenset({"city", "department", "town", "grid", "enforcement", "enterprise", "expert"})
        == BUSINESS_ROLES
    )
    assert Role.AUDITOR not in BUSINESS_ROLES and Role.ADMIN not in BUSINESS_ROLES


def test_grants_properties() -> None:
    grants = Grants(
        user_id=1,
        roles=frozenset({"enterprise", "expert"}),
        own_enterprises=frozenset({"A"}),
        assigned_enterprises=frozenset({"B"}),
    )
    assert grants.enterprises == {"A", "B"}
    assert not grants.city_wide
    assert grants.has("expert") and grants.has("city", "enterprise") and not grants.has("city")
    assert not grants.has()
    assert Grants(user_id=2, roles=frozenset({"city"})).city_wide
    empty = Grants(user_id=3, roles=frozenset())
    assert empty.towns == empty.departments == empty.grids == empty.enterprises == frozenset()
    assert empty.town_ids == frozenset()


class _User:
    pk = 7


def test_grants_from_rows_sort_each_code_into_its_set() -> None:
    rows = [
        ("town", "town", "370481001000", 11),
        ("town", "town", "370481002000", None),  # no such town: no id
        ("department", "department", "D1", None),
        ("enforcement", "department", "D2", None),
        ("grid", "grid", "001-01", None),
        ("enterprise", "enterprise", "E1", None),
        ("expert", "enterprise", "E2", None),  # read, never written
        ("city", "city", "370481000000", None),
        ("auditor", "city", "370481000000", None),
    ]
    grants = grants_for(_User(), rows)
    assert grants.user_id == 7
    assert grants.roles == {
        "town",
        "department",
        "enforcement",
        "grid",
        "enterprise",
        "expert",
        "city",
        "auditor",
    }
    assert grants.towns == {"370481001000", "370481002000"}
    assert grants.town_ids == {11}
    assert grants.departments == {"D1", "D2"}
    assert grants.grids == {"001-01"}
    assert grants.own_enterprises == {"E1"}
    assert grants.assigned_enterprises == {"E2"}


def test_a_users_grants_are_computed_once() -> None:
    user = _User()
    first = grants_for(user, [("grid", "grid", "001-01", None)])
    assert grants_for(user, [("town", "town", "X", None)]) is first


def test_no_rows_grant_nothing() -> None:
    grants = grants_for(_User(), [])
    assert grants == Grants(user_id=7, roles=frozenset())


@pytest.mark.django_db
def test_an_assignment_counts_from_its_first_to_its_last_day() -> None:
    today = timezone.localdate()
    day = timedelta(days=1)
    user = make_user("periods")
    periods = {
        "starts_today": (today, None),
        "ends_today": (None, today),
        "today_only": (today, today),
        "open": (None, None),
        "started": (today - day, today + day),
        "ended_yesterday": (today - 2 * day, today - day),
        "starts_tomorrow": (today + day, None),
    }
    for code, (valid_from, valid_until) in periods.items():
        RoleAssignment.objects.create(
            user=user,
            role="expert",
            jurisdiction_kind="enterprise",
            jurisdiction_code=code,
            valid_from=valid_from,
            valid_until=valid_until,
        )
    active = set(
        RoleAssignment.objects.filter(active_assignments_q(today)).values_list(
            "jurisdiction_code", flat=True
        )
    )
    assert active == {"starts_today", "ends_today", "today_only", "open", "started"}
    assert grants_for(User.objects.get(pk=user.pk)).assigned_enterprises == active
    by_user = set(
        User.objects.filter(
            active_assignments_q(today + 2 * day, prefix="role_assignments__")
        ).values_list("role_assignments__jurisdiction_code", flat=True)
    )
    assert by_user == {"open", "starts_today", "starts_tomorrow"}


@pytest.mark.django_db
def test_grants_from_the_database_carry_the_towns_id() -> None:
    town = Town.objects.order_by("code").first()
    user = make_user("townsman", ("town", town.code), ("grid", "001-01"))
    grants = grants_for(User.objects.get(pk=user.pk))
    assert grants.towns == {town.code}
    assert grants.town_ids == {town.pk}
    assert grants.grids == {"001-01"}
    assert grants.roles == {"town", "grid"}
    assert grants.user_id == user.pk
