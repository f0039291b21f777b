"""Updates without lost changes: ETag/If-Match in the API, the version in edit forms, and the
one rule of who changes which field (issue 11, defects 2 and 6).

The concurrent writers themselves are in ``update_cases.py`` (PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from anjian.accounts.choices import Role
from anjian.core.models import AuditLog
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise, Licence
from anjian.enterprises.rules import FIELD_RULES, FieldRule
from anjian.orgs.models import Department, Industry
from conftest import form_data, make_user

pytestmark = pytest.mark.django_db


def _api(client: Any, method: str, enterprise: Enterprise, body: Any = None, **headers: str):
    call = getattr(client, method)
    url = f"/api/v1/enterprises/{enterprise.pk}"
    if body is None:
        return call(url, headers=headers)
    return call(url, body, content_type="application/json", headers=headers)


def test_the_detail_carries_an_etag_that_changes_with_the_record(client, city, pair):
    enterprise, _ = pair
    client.force_login(city)
    first = _api(client, "get", enterprise)["ETag"]
    assert first.startswith('"') and first == _api(client, "get", enterprise)["ETag"]
    patched = _api(
        client, "patch", enterprise, {"address": "滕州市学院路1号"}, **{"If-Match": first}
    )
    assert patched.status_code == 200
    assert patched["ETag"] == _api(client, "get", enterprise)["ETag"] != first


def test_a_stale_if_match_answers_412_and_changes_nothing(client, city, pair):
    enterprise, _ = pair
    client.force_login(city)
    etag = _api(client, "get", enterprise)["ETag"]
    assert _api(client, "patch", enterprise, {"principal": "张三"}).status_code == 200
    records = AuditLog.objects.count()
    stale = _api(client, "patch", enterprise, {"address": "别处"}, **{"If-Match": etag})
    assert stale.status_code == 412
    assert (
        stale.json()["code"] == "precondition_failed" and "其他人已修改" in stale.json()["detail"]
    )
    enterprise.refresh_from_db()
    assert enterprise.address != "别处" and AuditLog.objects.count() == records
    assert (
        _api(client, "patch", enterprise, {"address": "别处"}, **{"If-Match": "*"}).status_code
        == 200
    )


def test_an_unchanged_patch_writes_no_audit_record(client, city, pair):
    enterprise, _ = pair
    client.force_login(city)
    records = AuditLog.objects.count()
    assert _api(client, "patch", enterprise, {"name": enterprise.name}).status_code == 200
    assert AuditLog.objects.count() == records


def test_the_update_writes_only_the_fields_it_changes(pair, city):
    """A stale instance in the caller's hands does not overwrite what others wrote."""
    enterprise, _ = pair
    stale = Enterprise.objects.get(pk=enterprise.pk)
    Enterprise.objects.filter(pk=enterprise.pk).update(principal="别人改的")
    services.update_enterprise(stale, {"address": "滕州市善国路2号"}, actor=city)
    enterprise.refresh_from_db()
    assert (enterprise.principal, enterprise.address) == ("别人改的", "滕州市善国路2号")
    record = AuditLog.objects.filter(action="update", object_id=str(enterprise.pk)).latest("seq")
    assert record.before["principal"] == "别人改的"


def test_the_edit_form_says_when_someone_else_changed_the_record(client, city, pair, settings):
    enterprise, _ = pair
    client.force_login(city)
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    assert 'name="version"' in str(form["version"])
    services.update_enterprise(enterprise, {"principal": "先到的人"}, actor=city)
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/", form_data(form, principal="后到的人")
    )
    assert response.status_code == 200
    assert "其他人已修改了这条记录，您的修改未保存。" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.principal == "先到的人"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        f"/enterprises/{enterprise.pk}/edit/", form_data(form, principal="后到的人")
    )
    assert "Someone else has changed this record" in response.content.decode()
    # Opened again, the form carries the current version and saves.
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    client.post(f"/enterprises/{enterprise.pk}/edit/", form_data(form, principal="后到的人"))
    enterprise.refresh_from_db()
    assert enterprise.principal == "后到的人"


def test_the_licence_form_says_when_someone_else_changed_the_licence(client, city, pair):
    enterprise, _ = pair
    licence = Licence.objects.create(enterprise=enterprise, kind="安全生产许可证", number="A-1")
    client.force_login(city)
    form = client.get(f"/enterprises/licences/{licence.pk}/edit/").context["form"]
    services.update_licence(licence, {"issuer": "滕州市应急管理局"}, actor=city)
    response = client.post(
        f"/enterprises/licences/{licence.pk}/edit/", form_data(form, issuer="枣庄市应急管理局")
    )
    assert 'id="edit-conflict"' in response.content.decode()
    licence.refresh_from_db()
    assert licence.issuer == "滕州市应急管理局"


def _overridden(enterprise: Enterprise) -> list[str]:
    manual = list(Department.objects.exclude(code__in=["yjglj", "gxj"])[:2])
    services.update_enterprise(
        enterprise, {}, actor=make_user("c2", (Role.CITY, "370481000000")), departments=manual
    )
    return sorted(d.code for d in manual)


def test_an_enterprise_user_cannot_change_its_industry_through_the_api(client, pair):
    """The probe: ``PATCH {"industry": "0112"}`` dropped the city's manual departments."""
    enterprise, _ = pair
    manual = _overridden(enterprise)
    client.force_login(make_user("ent", (Role.ENTERPRISE, enterprise.credit_code)))
    response = _api(client, "patch", enterprise, {"industry": "0112"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied" and "行业" in response.json()["detail"]
    enterprise.refresh_from_db()
    assert enterprise.industry.code == "2614" and enterprise.departments_overridden
    assert sorted(enterprise.departments.values_list("code", flat=True)) == manual
    for body in ({"categories": ["dust_explosion"]}, {"status": "closed"}):
        assert _api(client, "patch", enterprise, body).status_code == 403
    # Its own fields it changes at once; identity fields go to the town.
    assert _api(client, "patch", enterprise, {"principal": "李四"}).status_code == 200
    assert _api(client, "patch", enterprise, {"name": "滕州市新名有限公司"}).status_code == 202


def test_the_edit_form_applies_the_same_rule(client, pair):
    enterprise, _ = pair
    manual = _overridden(enterprise)
    client.force_login(make_user("ent", (Role.ENTERPRISE, enterprise.credit_code)))
    form = client.get(f"/enterprises/{enterprise.pk}/edit/").context["form"]
    disabled = {name for name, field in form.fields.items() if field.disabled}
    assert disabled == {n for n, r in FIELD_RULES.items() if r == FieldRule.AUTHORITY} & set(
        form.fields
    )
    farming = Industry.objects.get(code="0112")
    data = form_data(form, industry=str(farming.pk), principal="李四", status="closed")
    assert client.post(f"/enterprises/{enterprise.pk}/edit/", data).status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.industry.code, enterprise.status, enterprise.principal) == (
        "2614",
        "operating",
        "李四",
    )
    assert sorted(enterprise.departments.values_list("code", flat=True)) == manual


def test_every_field_of_the_form_and_the_api_has_a_rule():
    from anjian.enterprises.api import EnterprisePatch
    from anjian.enterprises.forms import EnterpriseForm
    from anjian.enterprises.services import SCALAR_FIELDS

    names = set(EnterpriseForm._meta.fields) | set(SCALAR_FIELDS) | {"departments"}
    names |= set(EnterprisePatch.model_fields) - {"location"}
    assert names - set(FIELD_RULES) == set()
