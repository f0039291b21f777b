"""The API list's one statement, compiled once per shape, answers what the scoped queryset does."""

from __future__ import annotations

import itertools

import pytest

from anjian.accounts.choices import Role
from anjian.enterprises import listing
from anjian.enterprises.filters import EnterpriseFilter
from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Department, SupervisionCategory
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_every_shape_matches_the_scoped_queryset(towns):
    department = Department.objects.order_by("code").first()
    assert department is not None
    dust = SupervisionCategory.objects.get(key="dust_explosion")
    enterprises = [make_enterprise(town) for town in towns for _ in range(3)]
    enterprises[0].categories.add(dust)
    enterprises[4].categories.add(dust)
    enterprises[1].departments.add(department)
    enterprises[5].departments.add(department)
    enterprises[2].status = "closed"
    enterprises[2].save()
    users = [
        make_user("l_city", (Role.CITY, CITY_CODE)),
        make_user("l_town0", (Role.TOWN, towns[0].code)),
        make_user("l_town1", (Role.TOWN, towns[1].code)),
        make_user("l_both", (Role.TOWN, towns[0].code), (Role.TOWN, towns[1].code)),
        make_user("l_dept", (Role.DEPARTMENT, department.code)),
        make_user("l_firm", (Role.ENTERPRISE, enterprises[3].credit_code)),
        make_user("l_auditor", (Role.AUDITOR, CITY_CODE)),
    ]
    params = [
        {},
        {"status": "operating"},
        {"status": "closed"},
        {"town": towns[1].code},
        {"category": "dust_explosion"},
        {"category": str(dust.pk)},
        {"industry": "26"},
    ]
    for user, param, (offset, limit) in itertools.product(users, params, [(0, 2), (2, 2), (0, 50)]):
        filters = EnterpriseFilter.from_params(param)
        expected = filters.apply(Enterprise.objects.visible_to(user))
        items, count = listing.page(user, filters, offset, limit)
        assert [item["id"] for item in items] == [
            enterprise.pk for enterprise in expected[offset : offset + limit]
        ], (user.username, param, offset)
        assert count == expected.count(), (user.username, param)
