"""Property-based fuzzing of the whole API against its own OpenAPI document (issue 11).

schemathesis reads ``/api/v1/openapi.json`` from the WSGI application in this process, then
sends generated requests, valid ones and invalid ones, to every operation, once as the city
office and once as a town, each with a bearer token from ``POST /api/v1/auth/token``'s own
service. The pass condition: no server error, and every response conforms to the document
(status code declared, content type, body schema).

Bounded and deterministic (``derandomize``), so CI sees the same requests every run; run by
``make test`` in the SQLite pass (``-m fuzz``; the PostgreSQL pass leaves it out: the
requests do not depend on the database, and the time is better spent once).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from anjian.accounts import services
from anjian.accounts.choices import Role
from anjian.orgs.models import CITY_CODE, Grid, Town
from conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Examples per operation and role: 18 operations × 2 roles × this, plus schemathesis's
# explicit examples and coverage cases (docs/platform.md has the measured count and time).
EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SENT: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_requests_sent() -> Iterator[None]:
    """Print how many requests the fuzzing sent (``-s`` shows it; docs/platform.md)."""
    yield
    print(f"\nschemathesis: {sum(SENT.values())} requests to {len(SENT)} operations")


def _live_schema() -> Any:
    """The live OpenAPI document, read from the WSGI app at collection (no database needed)."""
    from anjian.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


schema = _live_schema()


@pytest.fixture(autouse=True)
def _requests_in_the_test_transaction() -> Iterator[None]:
    """The generated requests run in the test's transaction: Django's test client
    disconnects the same two signals for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _bearer(user: Any) -> dict[str, str]:
    """An ``Authorization`` header with a new token of ``user``."""
    _token, plain = services.create_token(user, actor=user, name="fuzz")
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def city_bearer(db: Any) -> dict[str, str]:
    return _bearer(make_user("fuzz_city", (Role.CITY, CITY_CODE)))


@pytest.fixture
def town_bearer(db: Any) -> dict[str, str]:
    town = Town.objects.order_by("code").first()
    assert town is not None and Grid.objects.filter(town=town).exists()
    return _bearer(make_user("fuzz_town", (Role.TOWN, town.code)))


BOUNDED = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _send(case: Any, headers: dict[str, str]) -> None:
    SENT[case.operation.label] = SENT.get(case.operation.label, 0) + 1
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_every_operation_as_the_city_office(case: Any, city_bearer: dict[str, str]) -> None:
    _send(case, city_bearer)


@schema.parametrize()
@BOUNDED
def test_every_operation_as_a_town(case: Any, town_bearer: dict[str, str]) -> None:
    _send(case, town_bearer)
