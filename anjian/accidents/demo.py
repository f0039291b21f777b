"""The demo's accidents: three years of history within the death quotas Zaozhuang set.

Every town gets a yearly quota of 2–4 deaths, and three industry divisions one each; each
year's accidents stay under the town's quota except one town this year, which reaches its
warning line. Each investigation has a story told in days after the accident: the team set
up within days, the report handed in usually inside the 60 days, now and then late, once in a
while after an approved extension; the reply and the closure follow. Past years' stories are
complete (closed and published); this year's stop at today, so some are open, some overdue.
The report and closure times are recorded as the office would enter them from the papers
(``submitted_at``, ``closed_at``), so the on-time rate means something. Everything goes
through the services and the workflow; a second run adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from anjian.accidents import services
from anjian.accidents.models import Accident
from anjian.accounts.models import User
from anjian.core.democity import DemoContext
from anjian.core.roles import Role
from anjian.core.workflow import apply_transition
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Town
from anjian.standards.accident_types import EDITION_2025, types

PLACES = ["生产车间", "仓库", "建筑工地", "省道S245", "居民家中", "装卸平台", "配电室"]
INDUSTRY_QUOTAS = {"26": 1, "47": 2, "54": 3}
TEAM = {"team": "市应急管理局牵头，公安、住建、总工会参加"}
REPORT = {"findings": "企业未落实安全生产主体责任", "penalties": "依法罚款",
          "recommendations": "开展警示教育，完善操作规程"}  # fmt: skip
CLOSING = {"closing_summary": "事故调查处理已完成，责任单位已依法处理，整改措施已落实。"}


def _city_user() -> Any:
    return User.objects.filter(role_assignments__role=Role.CITY).order_by("pk").first()


def build(context: DemoContext) -> str:
    if Accident.objects.exists():
        return "0 accidents (already built)"
    actor = _city_user()
    towns = list(Town.objects.order_by("code"))
    if actor is None or not towns:
        return "no city office user or towns; skipped"
    rng = context.rng("accidents")
    enterprises = list(Enterprise.objects.order_by("pk")[:200])
    today = timezone.localdate()
    created = 0
    for year in (today.year - 2, today.year - 1, today.year):
        quotas = {town.code: rng.randint(2, 4) for town in towns}
        for town in towns:
            services.set_quota(
                {
                    "year": year,
                    "kind": "town",
                    "town": town.code,
                    "deaths_allowed": quotas[town.code],
                },
                actor=actor,
            )
        for code, allowed in INDUSTRY_QUOTAS.items():
            services.set_quota(
                {"year": year, "kind": "industry", "industry": code, "deaths_allowed": allowed},
                actor=actor,
            )
        last_day = (
            today - datetime.timedelta(days=2)
            if year == today.year
            else datetime.date(year, 12, 31)
        )
        for town in towns:
            # Deaths below the quota; the first town this year reaches its warning line.
            budget = quotas[town.code] - 1
            if year == today.year and town == towns[0]:
                budget = quotas[town.code]
            for _ in range(rng.randint(0, 2) + (1 if budget else 0)):
                deaths = min(budget, rng.choice([0, 0, 1, 1, 2]))
                budget -= deaths
                created += _accident(rng, actor, town, enterprises, year, last_day, deaths)
    return f"{created} accidents over three years, with quotas"


def _accident(
    rng: Any, actor: Any, town: Town, enterprises: list[Any],
    year: int, last_day: datetime.date, deaths: int,
) -> int:  # fmt: skip
    start = datetime.date(year, 1, 1)
    span = max((last_day - start).days, 1)
    day = start + datetime.timedelta(days=rng.randrange(span))
    hour = datetime.time(rng.randint(6, 20))
    occurred = datetime.datetime.combine(day, hour, tzinfo=timezone.get_current_timezone())
    edition = services.edition_on(day)
    code = rng.choice(types(edition)).code
    in_town = [e for e in enterprises if e.town_id == town.pk]
    enterprise = rng.choice(in_town) if in_town and rng.random() < 0.7 else None
    accident = services.create_accident(
        {
            "occurred_at": occurred,
            "learnt_at": occurred + datetime.timedelta(minutes=rng.randint(5, 40)),
            "town": town.code,
            "enterprise": enterprise.credit_code if enterprise else "",
            "type": code,
            "road_traffic": edition == EDITION_2025 and code == "WSA10003",
            "place": rng.choice(PLACES),
            "deaths": deaths,
            "serious_injuries": rng.choice([0, 0, 1, 2]),
            "direct_loss_yuan": str(rng.randint(1, 300) * 10_000),
            "summary": f"{town.name}发生一起生产安全事故，现场已处置完毕。",
        },
        actor=actor,
    )
    for step in accident.report_steps.all():
        late = rng.random() < 0.1
        services.record_report_step(
            step, step.due_at + datetime.timedelta(minutes=30 if late else -20), actor=actor
        )
    _investigate(rng, actor, accident, occurred)
    return 1


def _investigate(rng: Any, actor: Any, accident: Accident, occurred: datetime.datetime) -> None:
    """The investigation's story up to now: team on day 1–3; an extension for one in ten;
    the report on day 25–58 (one in six late: day 62–80; extended: day 70–110); the reply
    5–14 days later, the closure 1–7 days after it."""
    now = timezone.now()
    extended = rng.random() < 0.1
    late = not extended and rng.random() < 1 / 6
    report_day = rng.randint(70, 110) if extended else rng.randint(62, 80) if late else (
        rng.randint(25, 58))  # fmt: skip
    approve_day = report_day + rng.randint(5, 14)
    close_day = approve_day + rng.randint(1, 7)

    def due(day: int) -> datetime.datetime | None:
        moment = occurred + datetime.timedelta(days=day, hours=rng.randint(1, 6))
        return moment if moment <= now else None

    if due(rng.randint(1, 3)) is None:
        return
    apply_transition(accident, "start_investigation", actor=actor, data=TEAM)
    if extended and due(50) is not None:
        apply_transition(
            accident, "extend", actor=actor, comment="案情复杂，需技术鉴定", data={"days": 60}
        )
    submitted = due(report_day)
    if submitted is None:
        return
    apply_transition(
        accident, "submit_report", actor=actor, data={**REPORT, "submitted_at": submitted}
    )
    if due(approve_day) is None:
        return
    apply_transition(accident, "approve", actor=actor)
    closed = due(close_day)
    if closed is None:
        return
    apply_transition(accident, "close", actor=actor, data={**CLOSING, "closed_at": closed})
    services.publish_summary(accident, actor=actor)
