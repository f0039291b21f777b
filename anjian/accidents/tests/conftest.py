"""Personas and a quick report for the accidents' tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from anjian.accidents import services
from anjian.accidents.models import Accident
from anjian.accounts.choices import Role
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.fixture
def towns(db: Any) -> list[Town]:
    return list(Town.objects.order_by("code")[:2])


@pytest.fixture
def cast(towns: list[Town]) -> dict[str, Any]:
    enterprise_a = make_enterprise(towns[0], "滕州市鑫源化工有限公司")
    enterprise_b = make_enterprise(towns[1], "滕州市恒泰制药有限公司", industry="2710")
    return {
        "city": make_user("acc_city", (Role.CITY, CITY_CODE)),
        "town_a": make_user("acc_town_a", (Role.TOWN, towns[0].code)),
        "town_b": make_user("acc_town_b", (Role.TOWN, towns[1].code)),
        "yjglj": make_user("acc_yjglj", (Role.DEPARTMENT, "yjglj")),
        "wjj": make_user("acc_wjj", (Role.DEPARTMENT, "wjj")),
        "enterprise_a": make_user("acc_ent_a", (Role.ENTERPRISE, enterprise_a.credit_code)),
        "enterprise_a_obj": enterprise_a,
        "enterprise_b_obj": enterprise_b,
        "towns": towns,
    }


def report(actor: Any, town: Town, **fields: Any) -> Accident:
    data = {
        "occurred_at": fields.pop("occurred_at", at(2026, 12, 1, 8, 0)),
        "town": town.code,
        "type": fields.pop("type", "WSA10001"),
        "deaths": 0,
        "serious_injuries": 0,
        "direct_loss_yuan": "0",
        "summary": "起重作业时吊物坠落",
        **fields,
    }
    return services.create_accident(data, actor=actor)
