"""A year of hidden-danger history for the demo city, with realistic proportions.

Per enterprise, zero to a few dangers a year (self-inspection most often, then grid patrols,
enforcement and experts, now and then a public report); about 3 % major. Dangers found more
than a month ago are nearly all closed out (a few late, a few cancelled); recent ones are spread
over the open states, a share of them overdue. History is written as it would have been: the
transition records with their times, the deadline rows (open ones still running, so reminders and
escalations follow), without sending anything. Demo enterprise A also gets self-inspection plans
with this period's tasks, and one listed major danger. A second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from anjian.core.democity import DemoContext
from anjian.core.lifecycle_models import Deadline, Transition
from anjian.dangers import services
from anjian.dangers.choices import DangerCategory, DangerSource, DangerState
from anjian.dangers.models import Checklist, HiddenDanger, InspectionPlan, ListedSupervision
from anjian.enterprises.demo import demo_codes
from anjian.enterprises.models import Enterprise
from anjian.standards import major_danger

S = DangerState
SOURCES = [
    (DangerSource.SELF_INSPECTION, 55),
    (DangerSource.GRID_PATROL, 20),
    (DangerSource.ENFORCEMENT, 12),
    (DangerSource.EXPERT, 8),
    (DangerSource.PUBLIC_REPORT, 3),
    (DangerSource.OTHER, 2),
]
FINDINGS = [
    ("配电室", "配电箱未上锁，箱门缺少警示标志", DangerCategory.ELECTRICAL),
    ("生产车间", "砂轮机防护罩缺失", DangerCategory.EQUIPMENT),
    ("仓库", "消防通道堆放货物", DangerCategory.FIRE),
    ("罐区", "可燃气体报警仪超期未校验", DangerCategory.EQUIPMENT),
    ("办公楼", "灭火器压力不足", DangerCategory.FIRE),
    ("机修间", "临时用电私拉乱接", DangerCategory.ELECTRICAL),
    ("生产车间", "作业人员未佩戴防护眼镜", DangerCategory.OPERATION),
    ("除尘间", "除尘器积尘未按时清理", DangerCategory.ENVIRONMENT),
    ("安全管理", "隐患排查记录不完整", DangerCategory.MANAGEMENT),
    ("叉车库", "叉车未定期检验", DangerCategory.EQUIPMENT),
    ("厂区道路", "安全出口指示灯损坏", DangerCategory.FIRE),
    ("有限空间", "有限空间未设置警示标志", DangerCategory.MANAGEMENT),
]
MAJOR_CODES = [
    c.code for c in major_danger.criteria() if c.scope.key in ("chemical", "industry_trade")
]


def _weighted(rng: random.Random, choices: list[tuple[Any, int]]) -> Any:
    return rng.choices([c for c, _w in choices], weights=[w for _c, w in choices])[0]


def _end_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def build(context: DemoContext) -> str:
    if HiddenDanger.objects.exists():
        return "hidden dangers already built"
    rng = context.rng("dangers")
    now = timezone.now()
    enterprises = list(
        Enterprise.objects.filter(status="operating").order_by("pk").values_list("pk", "town_id")
    )
    dangers: list[HiddenDanger] = []
    stories: list[list[tuple[str, str, str, int]]] = []  # (action, source, target, days after)
    for enterprise_id, town_id in context.progress(enterprises, "hidden dangers"):
        for _n in range(_weighted(rng, [(0, 35), (1, 30), (2, 20), (3, 10), (5, 5)])):
            age = rng.randint(0, 364)
            found = now - timedelta(days=age, hours=rng.randint(0, 10))
            is_major = rng.random() < 0.03
            days = rng.choice([7, 15, 30]) if not is_major else rng.choice([30, 60, 90])
            deadline = (found + timedelta(days=days)).date()
            place, text, category = rng.choice(FINDINGS)
            story = _story(rng, age, days)
            closed_after = story[-1][3] if story and story[-1][2] == S.CLOSED_OUT else None
            danger = HiddenDanger(
                enterprise_id=enterprise_id,
                town_id=town_id,
                source=_weighted(rng, SOURCES),
                place=place,
                description=text,
                category=category,
                is_major=is_major,
                criterion_code=rng.choice(MAJOR_CODES) if is_major else "",
                finder=rng.choice(["张伟", "王芳", "李强", "刘洋", "陈静", "网格员"]),
                found_at=found,
                deadline=deadline,
                created_at=found,
                closed_at=found + timedelta(days=closed_after)
                if closed_after is not None
                else None,
            )
            # Historical rows in their final states: bulk_create writes them as they stand
            # (the state is protected against changes, and these are not changes but history).
            danger.__dict__["state"] = story[-1][2] if story else S.REPORTED
            dangers.append(danger)
            stories.append(story)
    HiddenDanger.objects.bulk_create(dangers, batch_size=1000)
    _history(dangers, stories)
    extra = _enterprise_a(context)
    open_count = sum(1 for d in dangers if d.state in (S.REPORTED, S.ASSESSED, S.RECTIFYING,
                                                       S.AWAITING_VERIFICATION))  # fmt: skip
    return f"{len(dangers)} hidden dangers ({open_count} open); {extra}"


def _story(rng: random.Random, age: int, days: int) -> list[tuple[str, str, str, int]]:
    """The transitions a danger found ``age`` days ago has gone through, with their days."""
    steps = [
        ("assess", S.REPORTED, S.ASSESSED, 1),
        ("start_rectification", S.ASSESSED, S.RECTIFYING, 2),
        ("submit", S.RECTIFYING, S.AWAITING_VERIFICATION, 0),
        ("close_out", S.AWAITING_VERIFICATION, S.CLOSED_OUT, 0),
    ]
    late = rng.random() < 0.12
    submit_day = max(3, int(days * rng.uniform(0.3, 0.95))) + (rng.randint(3, 20) if late else 0)
    days_of = [1, 2, submit_day, submit_day + rng.randint(1, 3)]
    if rng.random() < 0.03:
        return [("cancel", S.REPORTED, S.CANCELLED, 1)] if age >= 1 else []
    if rng.random() < 0.05:  # stuck: still rectifying, overdue once past its deadline
        steps, days_of = steps[:2], days_of[:2]
    story: list[tuple[str, str, str, int]] = []
    for (action, source, target, _d), day in zip(steps, days_of, strict=True):
        if day > age:
            break
        story.append((action, source, target, day))
    return story


def _history(dangers: list[HiddenDanger], stories: list[list[tuple[str, str, str, int]]]) -> None:
    content_type = ContentType.objects.get_for_model(HiddenDanger)
    transitions, deadlines = [], []
    for danger, story in zip(dangers, stories, strict=True):
        for action, source, target, day in story:
            transitions.append(
                Transition(
                    content_type=content_type,
                    object_id=danger.pk,
                    workflow="dangers.hiddendanger",
                    action=action,
                    source=source,
                    target=target,
                    at=danger.found_at + timedelta(days=day),
                    comment="重复登记" if action == "cancel" else "",
                )
            )
        closed = story and story[-1][2] in (S.CLOSED_OUT, S.CANCELLED)
        deadlines.append(
            Deadline(
                content_type=content_type,
                object_id=danger.pk,
                kind="rectify",
                due_at=_end_of(danger.deadline),
                closed_at=danger.found_at + timedelta(days=story[-1][3]) if closed else None,
                closed_reason=("met" if story[-1][2] == S.CLOSED_OUT else "cancelled")
                if closed
                else "",
            )
        )
    Transition.objects.bulk_create(transitions, batch_size=2000)
    Deadline.objects.bulk_create(deadlines, batch_size=2000)


def _enterprise_a(context: DemoContext) -> str:
    """Demo enterprise A: a daily and a weekly self-inspection plan with today's tasks, and a
    major danger under the city's listed supervision."""
    from anjian.accounts.models import User

    code = demo_codes(context, 1)[0]
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    manager = User.objects.filter(username="enterprise_a").first()
    city = User.objects.filter(username="city").first()
    if enterprise is None or manager is None:
        return "no demo enterprise A"
    for key, name, frequency in (
        ("chemical", "罐区日检", "daily"),
        ("trade", "综合周检", "weekly"),
    ):
        InspectionPlan.objects.get_or_create(
            enterprise=enterprise,
            name=name,
            defaults={"checklist": Checklist.objects.get(key=key), "frequency": frequency,
                      "post": "安全管理部", "assignee": manager, "created_by": manager},
        )  # fmt: skip
    tasks = services.generate_tasks()
    listed = ""
    if city is not None:
        danger = services.create_danger(
            enterprise,
            {"source": "enforcement", "place": "液氯充装区",
             "description": "液氯充装未使用万向管道充装系统", "criterion_code": "HC2017-07",
             "deadline": timezone.localdate() + timedelta(days=60)},
            actor=city,
        )  # fmt: skip
        ListedSupervision.objects.filter(danger=danger).exists() or services.create_listing(
            danger, actor=city, deadline=timezone.localdate() + timedelta(days=60)
        )
        listed = "; 1 listed major danger"
    return f"{tasks} inspection tasks{listed}"
