"""Fixtures of the lifecycle tests: the cast of a rectification ticket (the tests' own model)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anjian.accounts.choices import Role
from anjian.core.tests.lifecycle_app.models import Ticket
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

CODE_A = "91370481MA3A00000A"


@pytest.fixture
def cast(db):
    if not Town.objects.exists():  # a transactional test flushed the reference data
        from django.conf import settings

        from anjian.orgs.services import build_demo_grids, load_reference

        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids(per_town=2)
    towns = list(Town.objects.order_by("code")[:2])
    return {
        "town_a": towns[0],
        "town_b": towns[1],
        "town": make_user("t_town", (Role.TOWN, towns[0].code)),
        "other_town": make_user("t_town_b", (Role.TOWN, towns[1].code)),
        "enterprise": make_user("t_ent", (Role.ENTERPRISE, CODE_A)),
        "city": make_user("t_city", (Role.CITY, CITY_CODE)),
    }


@pytest.fixture
def ticket(cast):
    return Ticket.objects.create(title="配电室隐患", town=cast["town_a"], enterprise_code=CODE_A)


def due_in(days: float) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


@pytest.fixture(autouse=True)
def chinese():
    """Each test starts in Chinese: a page requested in English must not leak into the next."""
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
