"""Role separation: an enterprise user who is also an expert writes only their own enterprise."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from anjian.accounts.access import grants_for
from anjian.accounts.choices import Role
from anjian.enterprises import services
from anjian.enterprises.models import Enterprise
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def dual(pair):
    own, assigned = pair
    user = make_user(
        "dual", (Role.ENTERPRISE, own.credit_code), (Role.EXPERT, assigned.credit_code)
    )
    return user, own, assigned


def test_grants_keep_own_and_assigned_enterprises_apart(dual):
    user, own, assigned = dual
    grants = grants_for(user)
    assert grants.own_enterprises == {own.credit_code}
    assert grants.assigned_enterprises == {assigned.credit_code}
    assert grants.enterprises == {own.credit_code, assigned.credit_code}


def test_dual_role_user_reads_both_and_writes_only_their_own(dual, client):
    user, own, assigned = dual
    assert set(Enterprise.objects.visible_to(user)) == {own, assigned}
    assert list(Enterprise.objects.editable_by(user)) == [own]
    with pytest.raises(PermissionDenied):
        services.update_enterprise(assigned, {"address": "改"}, actor=user)
    with pytest.raises(PermissionDenied):
        services.add_licence(assigned, {"kind": "许可证", "number": "X1"}, actor=user)
    client.force_login(user)
    assert client.get(f"/enterprises/{assigned.pk}/").status_code == 200
    assert client.get(f"/enterprises/{assigned.pk}/edit/").status_code == 404
    assert client.get(f"/enterprises/{assigned.pk}/licences/new/").status_code == 404
    patch = client.patch(
        f"/api/v1/enterprises/{assigned.pk}", {"address": "改"}, content_type="application/json"
    )
    assert patch.status_code == 404
    assert client.get(f"/enterprises/{own.pk}/edit/").status_code == 200
    assigned.refresh_from_db()
    assert assigned.address == ""


def test_an_expert_alone_writes_nothing(pair):
    _own, assigned = pair
    expert = make_user("expert_only", (Role.EXPERT, assigned.credit_code))
    assert list(Enterprise.objects.visible_to(expert)) == [assigned]
    assert not Enterprise.objects.editable_by(expert).exists()
