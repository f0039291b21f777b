"""Licence pages (add, edit, remove, expiry highlight and filter), the create page and the
department override of the edit form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.accounts.choices import Role
from anjian.core.models import AuditLog
from anjian.enterprises.models import Enterprise, Licence
from anjian.enterprises.queries import change_history
from anjian.enterprises.tests.conftest import INSIDE, new_code
from anjian.orgs.models import Department, Industry, SupervisionCategory
from conftest import make_user

pytestmark = pytest.mark.django_db


def _licence_form(**values):
    today = timezone.localdate()
    return {
        "kind": "危险化学品经营许可证",
        "number": "鲁枣危化经字〔2025〕0001",
        "issuer": "滕州市应急管理局",
        "issued_on": (today - timedelta(days=300)).isoformat(),
        "expires_on": (today + timedelta(days=20)).isoformat(),
        **values,
    }


def test_enterprise_user_adds_edits_and_removes_its_licences(client, pair, settings):
    settings.LICENCE_EXPIRY_WARNING_DAYS = 30
    own, other = pair
    user = make_user("ent", (Role.ENTERPRISE, own.credit_code))
    client.force_login(user)
    response = client.post(f"/enterprises/{own.pk}/licences/new/", _licence_form())
    assert response.status_code == 302
    licence = Licence.objects.get(enterprise=own)
    assert AuditLog.objects.filter(action="create", object_id=str(licence.pk)).exists()
    page = client.get(f"/enterprises/{own.pk}/").content.decode()
    assert 'data-expiry="expiring"' in page and "即将到期" in page
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/enterprises/licences/{licence.pk}/edit/", _licence_form(expires_on=past)
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.expiry == "expired"
    assert 'data-expiry="expired"' in client.get(f"/enterprises/{own.pk}/").content.decode()
    assert client.post(f"/enterprises/licences/{licence.pk}/delete/").status_code == 302
    assert not Licence.objects.filter(pk=licence.pk).exists()
    assert AuditLog.objects.filter(action="delete", object_id=str(licence.pk)).exists()
    # The enterprise's change history shows its licences' records, the removed one included.
    assert [h.action for h in change_history(own)][:3] == ["delete", "update", "create"]
    # Not another enterprise's.
    assert client.get(f"/enterprises/{other.pk}/licences/new/").status_code == 404


def test_licence_dates_are_checked(client, city, pair):
    client.force_login(city)
    today = timezone.localdate()
    response = client.post(
        f"/enterprises/{pair[0].pk}/licences/new/",
        _licence_form(issued_on=today.isoformat(), expires_on=(today - timedelta(1)).isoformat()),
    )
    assert response.status_code == 200 and "不能早于" in response.content.decode()
    assert not Licence.objects.exists()


def test_list_filters_expiring_and_expired_licences(client, city, pair, settings):
    settings.LICENCE_EXPIRY_WARNING_DAYS = 30
    chemical, machinery = pair
    today = timezone.localdate()
    Licence.objects.create(
        enterprise=chemical, kind="甲", number="1", expires_on=today + timedelta(days=5)
    )
    Licence.objects.create(
        enterprise=machinery, kind="乙", number="2", expires_on=today - timedelta(days=5)
    )
    Licence.objects.create(
        enterprise=machinery, kind="丙", number="3", expires_on=today + timedelta(days=90)
    )
    client.force_login(city)
    listing = client.get("/enterprises/").content.decode()
    assert 'data-licence="expiring"' in listing and 'data-licence="expired"' in listing
    expiring = client.get("/enterprises/", {"licence": "expiring"}).content.decode()
    assert chemical.name in expiring and machinery.name not in expiring
    expired = client.get("/enterprises/", {"licence": "expired"}).content.decode()
    assert machinery.name in expired and chemical.name not in expired
    settings.LICENCE_EXPIRY_WARNING_DAYS = 100
    assert machinery.name in client.get("/enterprises/", {"licence": "expiring"}).content.decode()


def _create_form(town, **values):
    return {
        "credit_code": new_code(),
        "name": "滕州市新建化工有限公司",
        "longitude": INSIDE[0],
        "latitude": INSIDE[1],
        "town": town.pk,
        "industry": Industry.objects.get(code="2614").pk,
        "status": "operating",
        "categories": [SupervisionCategory.objects.get(key="whp_production").pk],
        **values,
    }


def test_town_creates_an_enterprise_in_its_town_with_derived_departments(client, town_a, towns):
    client.force_login(town_a)
    page = client.get("/enterprises/new/").content.decode()
    assert towns[0].name in page and towns[1].name not in page
    response = client.post("/enterprises/new/", _create_form(towns[0]))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(name="滕州市新建化工有限公司")
    assert not enterprise.departments_overridden
    assert set(enterprise.departments.values_list("code", flat=True)) == {"yjglj", "gxj"}
    assert list(enterprise.categories.values_list("key", flat=True)) == ["whp_production"]
    assert AuditLog.objects.filter(action="create", object_id=str(enterprise.pk)).exists()
    # Another town: not among the choices.
    response = client.post("/enterprises/new/", _create_form(towns[1], credit_code=new_code()))
    assert response.status_code == 200
    assert Enterprise.objects.filter(town=towns[1]).count() == 0


def test_only_city_and_towns_create(client, pair):
    user = make_user("ent2", (Role.ENTERPRISE, pair[0].credit_code))
    client.force_login(user)
    assert client.get("/enterprises/new/").status_code == 403


def test_department_override_in_the_edit_form_and_back(client, city, pair):
    chemical, _machinery = pair
    client.force_login(city)
    form = client.get(f"/enterprises/{chemical.pk}/edit/").content.decode()
    assert 'data-source="derived"' in form and "override_departments" in form
    fire = Department.objects.exclude(code__in=["yjglj", "gxj"]).first()
    yjglj = Department.objects.get(code="yjglj")
    data = {
        **_create_form(chemical.town, credit_code=chemical.credit_code, name=chemical.name),
        "override_departments": "on",
        "departments": [yjglj.pk, fire.pk],
    }
    assert client.post(f"/enterprises/{chemical.pk}/edit/", data).status_code == 302
    chemical.refresh_from_db()
    assert chemical.departments_overridden
    assert set(chemical.departments.all()) == {yjglj, fire}
    detail = client.get(f"/enterprises/{chemical.pk}/").content.decode()
    assert 'data-source="added"' in detail and 'data-source="removed"' in detail
    del data["override_departments"]
    assert client.post(f"/enterprises/{chemical.pk}/edit/", data).status_code == 302
    chemical.refresh_from_db()
    assert not chemical.departments_overridden
    assert set(chemical.departments.values_list("code", flat=True)) == {"yjglj", "gxj"}


def test_an_enterprise_user_cannot_assign_departments(client, pair):
    own, _other = pair
    user = make_user("ent3", (Role.ENTERPRISE, own.credit_code))
    client.force_login(user)
    form = client.get(f"/enterprises/{own.pk}/edit/").content.decode()
    assert "override_departments" not in form


def test_the_create_form_gives_its_credit_code_reason_in_the_users_language(
    client, town_a, towns, settings
):
    client.force_login(town_a)
    form = _create_form(towns[0], credit_code="91370481MA3C0000X0")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post("/enterprises/new/", form).content.decode()
    assert "Wrong check character: the 18th character should be" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "校验码错误：第18位应为" in client.post("/enterprises/new/", form).content.decode()
    assert not Enterprise.objects.exists()
