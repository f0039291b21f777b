"""The demo city's risk registers: every demo enterprise gets one or two evaluated risk points,
so that the city's four-colour map tells a believable story: most enterprises blue or yellow,
a few orange, red only where the category justifies it (hazardous chemicals and the like).

Deterministic (the context's seed), idempotent (enterprises with points are left alone), and
in bulk (100,000 enterprises for the benchmark): levels are still computed by
:mod:`anjian.standards.risk` from each hazard's L, E, C.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from anjian.core.democity import DemoContext
from anjian.core.lifecycle_models import Deadline
from anjian.enterprises.models import Enterprise
from anjian.risks import services
from anjian.risks.models import Hazard, RiskPoint
from anjian.standards import risk

# (L, E, C) per level: D = 9, 126, 252, 420.
LEC = {"low": ("1", "3", "3"), "moderate": ("3", "6", "7"), "high": ("6", "6", "7"),
       "major": ("10", "6", "7")}  # fmt: skip
# Industries whose enterprises may be orange or red (GB/T 4754: chemicals, oil, metal smelting,
# mining, explosives, gas): their weights are shifted up.
RISKY = ("25", "26", "27", "31", "32", "08", "09", "10", "45")
POINTS = {
    "low": ("办公区", "办公场所火灾", "21", ["WSA10009"]),
    "moderate": ("生产车间", "机械设备转动部位卷入", "21", ["WSA10004"]),
    "high": ("仓储区", "易燃物料泄漏引发火灾", "22", ["WSA10009", "WSA10026"]),
    "major": ("储罐区", "危险化学品泄漏爆炸", "22", ["WSA10017", "WSA10023"]),
}


def _level(rng: object, risky: bool) -> str:
    roll = rng.random()  # type: ignore[attr-defined]
    if risky:
        return (
            "major"
            if roll < 0.04
            else "high"
            if roll < 0.25
            else "moderate"
            if roll < 0.7
            else "low"
        )
    return "high" if roll < 0.03 else "moderate" if roll < 0.4 else "low"


def build(context: DemoContext) -> str:
    rng = context.rng("risks")
    done = set(RiskPoint.objects.values_list("enterprise_id", flat=True).distinct())
    rows = list(Enterprise.objects.order_by("pk").values_list("pk", "industry__code"))
    today = timezone.localdate()
    points = []
    plan = []
    for pk, industry in context.progress(rows, "风险点"):
        level = _level(rng, industry.startswith(RISKY))
        evaluated = today - timedelta(days=rng.randrange(0, 400))
        if pk in done:
            continue
        for target in dict.fromkeys([level, "low"]):
            name, description, factor, accidents = POINTS[target]
            evaluation = risk.lec(*LEC[target])
            points.append(RiskPoint(
                enterprise_id=pk, name=name, kind="facility", post="操作工",
                level=evaluation.level.value, evaluated_on=evaluated,
                review_due=evaluated + services.review_interval(),
            ))  # fmt: skip
            plan.append((target, description, factor, accidents, evaluation))
    RiskPoint.objects.bulk_create(points, batch_size=2000)
    hazards = []
    for point, (target, description, factor, accidents, evaluation) in zip(
        points, plan, strict=True
    ):
        l_value, e_value, c_value = LEC[target]
        hazards.append(Hazard(
            risk_point=point, description=description, factor_code=factor,
            accident_types=accidents, method="lec", l_value=l_value, e_value=e_value,
            c_value=c_value, score=evaluation.score, level=evaluation.level.value,
            residual_score=evaluation.score, residual_level=evaluation.level.value,
            criteria="LEC",
        ))  # fmt: skip
    Hazard.objects.bulk_create(hazards, batch_size=2000)
    content_type = ContentType.objects.get_for_model(RiskPoint)
    Deadline.objects.bulk_create(
        [Deadline(content_type=content_type, object_id=point.pk, kind="review",
                  due_at=timezone.make_aware(datetime.combine(due, time(17))))
         for point in points if (due := point.review_due) is not None],
        batch_size=2000,
    )  # fmt: skip
    changed = services.derive_levels_in_bulk([pk for pk, _industry in rows if pk not in done])
    return f"{len(points)} risk points, {changed} enterprise levels derived"
