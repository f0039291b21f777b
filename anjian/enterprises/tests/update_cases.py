"""The registry's update services in the concurrency test (:mod:`anjian.core.concurrency_testing`).

Writers go through the API (``PATCH /api/v1/enterprises/{id}`` with a token, as the probe did)
and through the services the pages call, at once.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.test import Client

from anjian.accounts.choices import Role
from anjian.accounts.models import User
from anjian.accounts.services import create_token
from anjian.core import audit
from anjian.core.concurrency_testing import UpdateCase, audit_chain_findings
from anjian.core.models import AuditLog
from anjian.enterprises import services
from anjian.enterprises.models import ChangeRequest, Enterprise, Licence
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Grid, Town
from conftest import make_user

ENTERPRISE = "anjian.enterprises.services.update_enterprise"


def _world() -> dict[str, Any]:
    town = Town.objects.order_by("code").first()
    assert town is not None
    city = make_user(f"city-{uuid.uuid4().hex[:8]}", (Role.CITY, CITY_CODE))
    _token, plain = create_token(city, actor=city)
    enterprise = make_enterprise(town)
    return {
        "town": town,
        "city": city.pk,
        "token": plain,
        "enterprise": enterprise.pk,
        "initial": services.enterprise_snapshot(Enterprise.objects.get(pk=enterprise.pk)),
    }


def _patch(state: dict[str, Any], body: dict[str, Any], **headers: str) -> Any:
    response = Client().patch(
        f"/api/v1/enterprises/{state['enterprise']}",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {state['token']}", **headers},
    )
    if response.status_code != 200:
        raise AssertionError(f"{response.status_code} {response.content.decode()}")
    return response


def _service(state: dict[str, Any], changes: dict[str, Any]) -> None:
    services.update_enterprise(
        Enterprise.objects.get(pk=state["enterprise"]),
        changes,
        actor=User.objects.get(pk=state["city"]),
    )


# Twenty writers, twenty fields: half through the API, half through the service.
API_FIELDS: dict[str, Any] = {
    "name": "滕州市并发改名化工有限公司",
    "address": "滕州市龙泉路1号",
    "principal": "王五",
    "principal_phone": "13800000001",
    "safety_manager": "赵六",
    "safety_manager_phone": "0632-5512345",
    "status": "suspended",
    "location": {"lng": 117.166, "lat": 35.085},
    "industry": "3411",
    "categories": ["dust_explosion"],
}
SERVICE_FIELDS: dict[str, Any] = {
    "employees": 123,
    "annual_revenue": Decimal("456.70"),
    "above_designated_size": True,
    "legal_representative": "孙七",
    "standardisation_grade": "2",
    "standardisation_expires": date(2027, 1, 1),
    "insurance_insurer": "人保财险滕州支公司",
    "insurance_expires": date(2027, 6, 30),
    "former_names": ["滕州市旧名化工厂"],
}


def _fields_prepare() -> dict[str, Any]:
    state = _world()
    state["grid"] = Grid.objects.filter(town=state["town"]).first()
    return state


def _fields_writers(state: dict[str, Any]) -> list[Any]:
    writers: list[Any] = [
        lambda field=field, value=value: _patch(state, {field: value})
        for field, value in API_FIELDS.items()
    ]
    writers += [
        lambda field=field, value=value: _service(state, {field: value})
        for field, value in SERVICE_FIELDS.items()
    ]
    writers.append(lambda: _service(state, {"grid": state["grid"]}))
    return writers


def _fields_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    enterprise = Enterprise.objects.get(pk=state["enterprise"])
    expected = {
        **{k: v for k, v in API_FIELDS.items() if k not in ("location", "industry", "categories")},
        **SERVICE_FIELDS,
        "grid": state["grid"],
    }
    lost = [field for field, value in expected.items() if getattr(enterprise, field) != value]
    if (enterprise.longitude, enterprise.latitude) != (117.166, 35.085):
        lost.append("location")
    if enterprise.industry.code != "3411":
        lost.append("industry")
    if list(enterprise.categories.values_list("key", flat=True)) != ["dust_explosion"]:
        lost.append("categories")
    if lost:
        findings.append(f"{len(lost)} of 20 changes lost: {lost}")
    findings += audit_chain_findings(
        enterprise,
        initial=state["initial"],
        final=services.enterprise_snapshot(enterprise),
        expected=20,
    )
    return findings


ADDRESSES = [f"滕州市荆河路{n}号" for n in range(20)]


def _one_field_writers(state: dict[str, Any]) -> list[Any]:
    return [lambda address=address: _patch(state, {"address": address}) for address in ADDRESSES]


def _one_field_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    enterprise = Enterprise.objects.get(pk=state["enterprise"])
    findings += audit_chain_findings(
        enterprise,
        initial=state["initial"],
        final=services.enterprise_snapshot(enterprise),
        expected=20,
    )
    last = AuditLog.objects.filter(action="update", object_id=str(enterprise.pk)).latest("seq")
    if enterprise.address != (last.after or {}).get("address"):
        findings.append("the address is not the one the last audit record wrote")
    return findings


def _if_match_prepare() -> dict[str, Any]:
    state = _world()
    response = Client().get(
        f"/api/v1/enterprises/{state['enterprise']}",
        headers={"Authorization": f"Bearer {state['token']}"},
    )
    state["etag"] = response["ETag"]
    return state


def _if_match_writers(state: dict[str, Any]) -> list[Any]:
    return [
        lambda field=field, value=value: _patch(
            state, {field: value}, **{"If-Match": state["etag"]}
        )
        for field, value in list(API_FIELDS.items())[:10]
    ]


def _if_match_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    """Every writer read the same version: one wins, the other nine answer 412."""
    findings = []
    stale = [e for e in errors if str(e).startswith("412 ") and "precondition_failed" in str(e)]
    if len(stale) != 9 or len(errors) != 9:
        findings.append(f"expected 9 answers 412, got {[str(e)[:80] for e in errors]}")
    enterprise = Enterprise.objects.get(pk=state["enterprise"])
    findings += audit_chain_findings(
        enterprise,
        initial=state["initial"],
        final=services.enterprise_snapshot(enterprise),
        expected=1,
    )
    return findings


def _licence_prepare() -> dict[str, Any]:
    state = _world()
    enterprise = Enterprise.objects.get(pk=state["enterprise"])
    licence = Licence.objects.create(
        enterprise=enterprise, kind="安全生产许可证", number=f"鲁FM安许{uuid.uuid4().hex[:6]}"
    )
    state["licence"] = licence.pk
    state["initial"] = audit.snapshot(licence)
    return state


LICENCE_FIELDS: dict[str, Any] = {
    "kind": "危险化学品经营许可证",
    "number": "鲁滕危化经字〔2026〕001号",
    "issuer": "滕州市应急管理局",
    "issued_on": date(2026, 1, 1),
    "expires_on": date(2029, 1, 1),
}


def _licence_writers(state: dict[str, Any]) -> list[Any]:
    def write(field: str, value: Any) -> None:
        services.update_licence(
            Licence.objects.get(pk=state["licence"]),
            {field: value},
            actor=User.objects.get(pk=state["city"]),
        )

    issuers = [lambda n=n: write("issuer", f"发证机关{n}") for n in range(10)]
    return [
        lambda f=f, v=v: write(f, v) for f, v in LICENCE_FIELDS.items() if f != "issuer"
    ] + issuers


def _licence_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    findings = [f"writer failed: {error!r}" for error in errors]
    licence = Licence.objects.get(pk=state["licence"])
    lost = [f for f, v in LICENCE_FIELDS.items() if f != "issuer" and getattr(licence, f) != v]
    if lost:
        findings.append(f"changes lost: {lost}")
    return findings + audit_chain_findings(
        licence, initial=state["initial"], final=audit.snapshot(licence), expected=14
    )


def _decision_prepare() -> dict[str, Any]:
    state = _world()
    enterprise = Enterprise.objects.get(pk=state["enterprise"])
    owner = make_user(f"ent-{uuid.uuid4().hex[:8]}", (Role.ENTERPRISE, enterprise.credit_code))
    town = make_user(f"town-{uuid.uuid4().hex[:8]}", (Role.TOWN, state["town"].code))
    request = services.update_enterprise(
        enterprise, {"name": "滕州市审核改名化工有限公司"}, actor=owner
    )
    assert request is not None
    state.update(town_user=town.pk, request=request.pk)
    state["initial"] = services.enterprise_snapshot(Enterprise.objects.get(pk=enterprise.pk))
    return state


def _decision_writers(state: dict[str, Any]) -> list[Any]:
    def decide(actor: int, approve: bool) -> None:
        services.decide_change_request(
            ChangeRequest.objects.get(pk=state["request"]),
            actor=User.objects.get(pk=actor),
            approve=approve,
        )

    deciders = [(state["city"], True), (state["town_user"], False)] * 3
    return [lambda a=a, ok=ok: decide(a, ok) for a, ok in deciders]


def _decision_check(state: dict[str, Any], errors: list[BaseException]) -> list[str]:
    """Six deciders at once: one decides, five are told it is decided; audited once."""
    findings = []
    if len(errors) != 5 or not all(isinstance(e, PermissionDenied) for e in errors):
        findings.append(f"expected 5 refusals, got {errors!r}")
    request = ChangeRequest.objects.get(pk=state["request"])
    decisions = AuditLog.objects.filter(
        object_type="enterprises.changerequest",
        object_id=str(request.pk),
        action__in=["approve", "reject"],
    )
    if decisions.count() != 1:
        findings.append(f"{decisions.count()} decisions recorded")
    enterprise = Enterprise.objects.get(pk=state["enterprise"])
    approved = request.state == "approved"
    if approved != (enterprise.name == "滕州市审核改名化工有限公司"):
        findings.append(f"state {request.state} but name {enterprise.name}")
    return findings + audit_chain_findings(
        enterprise,
        initial=state["initial"],
        final=services.enterprise_snapshot(enterprise),
        expected=1 if approved else 0,
    )


CASES = [
    UpdateCase(
        "enterprise: 20 writers of 20 fields (API and service)",
        (ENTERPRISE,),
        _fields_prepare,
        _fields_writers,
        _fields_check,
    ),
    UpdateCase(
        "enterprise: 20 writers of one field (API)",
        (ENTERPRISE,),
        _world,
        _one_field_writers,
        _one_field_check,
    ),
    UpdateCase(
        "enterprise: 10 writers with the same If-Match",
        (ENTERPRISE,),
        _if_match_prepare,
        _if_match_writers,
        _if_match_check,
    ),
    UpdateCase(
        "licence: 4 fields and 10 writers of one",
        ("anjian.enterprises.services.update_licence",),
        _licence_prepare,
        _licence_writers,
        _licence_check,
    ),
    UpdateCase(
        "change request: 6 deciders at once",
        ("anjian.enterprises.services.decide_change_request",),
        _decision_prepare,
        _decision_writers,
        _decision_check,
    ),
]
