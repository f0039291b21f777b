"""The per-town tally: kept exact by the database's triggers, and read by the list's count only
where the scope and filters speak of town and status alone."""

from __future__ import annotations

import pytest
from django.db.models import Count, F

from anjian.accounts.choices import Role
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Enterprise, EnterpriseTally
from anjian.enterprises.tests.conftest import make_enterprise, new_code
from anjian.orgs.models import Department, Industry, SupervisionCategory
from conftest import make_user

pytestmark = pytest.mark.django_db

INFLATION = 1000


def _tally() -> dict[tuple[int, str], int]:
    rows = EnterpriseTally.objects.exclude(enterprises=0)
    return {(row.town_id, row.status): row.enterprises for row in rows}


def _counted() -> dict[tuple[int, str], int]:
    rows = Enterprise.objects.values("town_id", "status").annotate(n=Count("id")).order_by()
    return {(row["town_id"], row["status"]): row["n"] for row in rows}


def test_the_tally_follows_every_kind_of_write(towns):
    first, second = towns
    moved = make_enterprise(first)
    closed = make_enterprise(first)
    make_enterprise(second)
    industry = Industry.objects.get(code="2614")
    Enterprise.objects.bulk_create(
        Enterprise(credit_code=new_code(), name=f"批量企业{n}", town=second, industry=industry)
        for n in range(3)
    )
    assert (
        _tally()
        == _counted()
        == {
            (first.pk, EnterpriseStatus.OPERATING): 2,
            (second.pk, EnterpriseStatus.OPERATING): 4,
        }
    )
    moved.town = second
    moved.save()
    moved.name = "改名不改镇街"
    moved.save()
    closed.status = EnterpriseStatus.CLOSED
    closed.save(update_fields=["status"])
    Enterprise.objects.filter(town=second, name__startswith="批量").update(
        status=EnterpriseStatus.SUSPENDED
    )
    Enterprise.objects.filter(name="批量企业0").delete()
    assert (
        _tally()
        == _counted()
        == {
            (first.pk, EnterpriseStatus.CLOSED): 1,
            (second.pk, EnterpriseStatus.OPERATING): 2,
            (second.pk, EnterpriseStatus.SUSPENDED): 2,
        }
    )


def _count(client, user, **params) -> int:
    client.force_login(user)
    return client.get("/api/v1/enterprises", params).json()["count"]


def test_counts_by_town_and_status_come_from_the_tally(client, city, towns):
    """Inflating the tally shows which counts read it; the items are never affected."""
    first, second = towns
    for town in (first, first, second):
        make_enterprise(town)
    officer = make_user("officer", (Role.TOWN, first.code))
    EnterpriseTally.objects.update(enterprises=F("enterprises") + INFLATION)
    assert _count(client, officer) == 2 + INFLATION
    assert _count(client, officer, status="operating") == 2 + INFLATION
    assert _count(client, officer, status="closed") == 0
    assert _count(client, city, town=second.code) == 1 + INFLATION
    assert _count(client, city) == 3 + 2 * INFLATION


def test_other_conditions_count_the_enterprises(client, city, towns):
    first, _second = towns
    enterprise = make_enterprise(first, "滕州市鑫源化工有限公司")
    enterprise.categories.add(SupervisionCategory.objects.get(key="dust_explosion"))
    department = Department.objects.filter(pk__in=enterprise.departments.all()).first()
    assert department is not None
    EnterpriseTally.objects.update(enterprises=F("enterprises") + INFLATION)
    supervisor = make_user("supervisor", (Role.DEPARTMENT, department.code))
    assert _count(client, supervisor) == 1
    assert _count(client, city, category="dust_explosion") == 1
    assert _count(client, city, q="鑫源") == 1
    assert _count(client, city, industry="26") == 1


def test_the_registry_page_and_count_read_the_tally(client, city, towns):
    first, _second = towns
    for _ in range(3):
        make_enterprise(first)
    EnterpriseTally.objects.update(enterprises=F("enterprises") + INFLATION)
    scoped = Enterprise.objects.visible_to(city)
    assert scoped.count() == 3 + INFLATION
    assert scoped.filter(name__contains="测试").count() == 3
    assert scoped[:2].count() == 2
    evaluated = scoped.all()
    assert len(evaluated) == 3 and evaluated.count() == 3
    client.force_login(city)
    page = client.get("/enterprises/", {"status": "operating"})
    assert page.context["page"].paginator.count == 3 + INFLATION
