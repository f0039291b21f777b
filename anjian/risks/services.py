"""Every change of graded risk control: one transaction each, audited.

Evaluation goes through :mod:`anjian.standards.risk` (:func:`evaluation_fields`); nothing here
knows a threshold. After every change of a hazard the point's level is the highest residual
level of its hazards, and the enterprise's level follows
:func:`anjian.standards.enterprise_risk.derive` with the facts other modules provide
(:func:`anjian.enterprises.facts.facts_of`), recomputed also when they send ``facts_changed``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.core import audit, deadlines
from anjian.core.lifecycle_models import Deadline
from anjian.core.scoping import ensure_editable, grants_of
from anjian.core.updating import editing, version_of
from anjian.enterprises.facts import MAJOR_HAZARD_INSTALLATION, OPEN_MAJOR_DANGER, facts_of
from anjian.enterprises.models import Enterprise
from anjian.risks.choices import Method, ReviewReason, RiskLevelChoice
from anjian.risks.models import (
    CardConfirmation,
    ControlMeasure,
    EnterpriseRiskLevelChange,
    Hazard,
    PlantLayout,
    RiskPoint,
    RiskZone,
)
from anjian.standards import accident_types, enterprise_risk, hazard_factors, risk

__all__ = [
    "add_hazard",
    "add_measure",
    "add_card_confirmation",
    "create_point",
    "delete_hazard",
    "delete_measure",
    "delete_point",
    "evaluation_fields",
    "refresh_enterprise_levels",
    "require_review",
    "update_hazard",
    "update_measure",
    "update_point",
    "version",
]

POINT_FIELDS = ("name", "kind", "location", "post", "emergency_actions", "emergency_phone")
HAZARD_INPUT = (
    "description", "factor_code", "accident_types", "method", "l_value", "e_value", "c_value",
    "s_value", "residual_l", "residual_e", "residual_c", "residual_s",
)  # fmt: skip
MEASURE_FIELDS = ("kind", "description", "control_level", "responsible")


def review_interval() -> timedelta:
    """How long an evaluation holds: at least once a year (``RISK_REVIEW_INTERVAL_DAYS``)."""
    return timedelta(days=int(getattr(settings, "RISK_REVIEW_INTERVAL_DAYS", 365)))


def review_after_event() -> timedelta:
    """How soon after a change, an accident or a new standard the points are re-evaluated
    (``RISK_REVIEW_AFTER_EVENT_DAYS``, default 30: a project setting, no checked text)."""
    return timedelta(days=int(getattr(settings, "RISK_REVIEW_AFTER_EVENT_DAYS", 30)))


def version(obj: Any) -> str:
    """The version of a record (the edit form's hidden ``version``)."""
    return version_of(audit.snapshot(obj))


# --- evaluation ---------------------------------------------------------------------------------


def _evaluate(method: str, l: Any, e: Any, c: Any, s: Any) -> risk.Evaluation:  # noqa: E741
    if method == Method.LEC:
        return risk.lec(l, e, c)
    if method == Method.LS:
        return risk.ls(l, s)
    raise ValueError(_("评价方法只能是LEC或LS"))


def _criteria(method: str) -> str:
    if method == Method.LEC:
        return "LEC"
    bands = risk.ls_bands()
    return f"LS {bands.major}/{bands.high}/{bands.moderate}"


def evaluation_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The computed fields of a hazard (scores, levels, criteria) from its method and values,
    through :mod:`anjian.standards.risk`; a value the method does not allow is a
    ``ValidationError`` naming the field. Residual values all left out: the residual risk is
    the inherent one (no measure counted yet)."""
    method = data.get("method")
    inherent_names = (
        ("l_value", "e_value", "c_value") if method == Method.LEC else ("l_value", "s_value")
    )
    residual_names = (
        ("residual_l", "residual_e", "residual_c")
        if method == Method.LEC
        else ("residual_l", "residual_s")
    )
    if method not in Method.values:
        raise ValidationError({"method": _("评价方法只能是LEC或LS")})
    try:
        inherent = _evaluate(
            method,
            data.get("l_value"),
            data.get("e_value"),
            data.get("c_value"),
            data.get("s_value"),
        )
    except ValueError as error:
        raise ValidationError({inherent_names[0]: str(error)}) from None
    if all(data.get(name) in (None, "") for name in residual_names):
        residual = inherent
    else:
        try:
            residual = _evaluate(
                method,
                data.get("residual_l"),
                data.get("residual_e"),
                data.get("residual_c"),
                data.get("residual_s"),
            )
        except ValueError as error:
            raise ValidationError({residual_names[0]: str(error)}) from None
    if residual.level.severity > inherent.level.severity:
        raise ValidationError({residual_names[0]: _("残余风险不能高于固有风险")})
    return {
        "score": inherent.score,
        "level": inherent.level.value,
        "residual_score": residual.score,
        "residual_level": residual.level.value,
        "criteria": _criteria(method),
    }


def _check_references(data: Mapping[str, Any]) -> None:
    errors: dict[str, str] = {}
    if "factor_code" in data:
        try:
            hazard_factors.by_code(str(data["factor_code"]))
        except ValueError:
            errors["factor_code"] = _("危险有害因素类别“%(code)s”不在GB/T 13861-2022分类中") % {
                "code": data["factor_code"]
            }
    if "accident_types" in data:
        codes = data["accident_types"]
        if not isinstance(codes, list):
            errors["accident_types"] = _("事故类型应为列表")
        else:
            for code in codes:
                try:
                    accident_types.by_code(accident_types.EDITION_2025, str(code))
                except ValueError:
                    errors["accident_types"] = _("事故类型“%(code)s”不在GB 6441-2025中") % {
                        "code": code
                    }
                    break
    if errors:
        raise ValidationError(errors)


def _normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    """Input values as stored: the method's unused values cleared, numbers as Decimal."""
    clean = {key: data[key] for key in HAZARD_INPUT if key in data}
    lec = clean.get("method") == Method.LEC
    for name in (
        ("e_value", "c_value", "residual_e", "residual_c") if not lec else ("s_value", "residual_s")
    ):
        clean[name] = None
    for name in ("l_value", "e_value", "c_value", "residual_l", "residual_e", "residual_c"):
        value = clean.get(name)
        clean[name] = None if value in (None, "") else Decimal(str(value))
    for name in ("s_value", "residual_s"):
        value = clean.get(name)
        # Not digits: left as given, for the model's validation to refuse.
        clean[name] = (
            None if value in (None, "") else int(str(value)) if str(value).isdigit() else value
        )
    return clean


# --- risk points --------------------------------------------------------------------------------


def _check_editable(enterprise: Enterprise, actor: Any) -> None:
    if not Enterprise.objects.editable_by(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("out of scope")


@transaction.atomic
def create_point(enterprise: Enterprise, data: Mapping[str, Any], *, actor: Any) -> RiskPoint:
    """Register a risk point of an enterprise (by whoever may edit the enterprise)."""
    _check_editable(enterprise, actor)
    point = RiskPoint(enterprise=enterprise, **{k: v for k, v in data.items() if k in POINT_FIELDS})
    point.full_clean()
    point.save()
    audit.record("create", actor=actor, obj=point, after=audit.snapshot(point))
    return point


def update_point(
    point: RiskPoint, data: Mapping[str, Any], *, actor: Any, expected_version: Any = None
) -> RiskPoint:
    """Change a point's description fields (never its level, which is derived)."""
    with editing(point, actor=actor, expected_version=expected_version) as edit:
        edit.set({k: v for k, v in data.items() if k in POINT_FIELDS})
        ensure_editable(point, actor)
    return point


@transaction.atomic
def delete_point(point: RiskPoint, *, actor: Any) -> None:
    ensure_editable(point, actor)
    enterprise_id = point.enterprise_id
    audit.record("delete", actor=actor, obj=point, before=audit.snapshot(point))
    deadlines.close_deadline(point, "review", actor=actor, reason=Deadline.Closed.CANCELLED)
    point.delete()
    refresh_enterprise_levels([enterprise_id], actor=actor)


def _due_at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


def _reschedule(point: RiskPoint, due: date, *, actor: Any) -> None:
    """The point's open review deadline replaced by one on ``due`` (never edited in place)."""
    deadlines.close_deadline(point, "review", actor=actor)
    deadlines.set_deadline(point, "review", _due_at(due), actor=actor)


def _refresh_point(point: RiskPoint, *, actor: Any, evaluated: bool) -> None:
    """The point's level from its hazards; after an evaluation, the next review a year on."""
    levels = {
        RiskLevelChoice(level) for level in point.hazards.values_list("residual_level", flat=True)
    }
    highest = max(
        (risk.RiskLevel(level.value) for level in levels),
        key=lambda level: level.severity,
        default=None,
    )
    changes: dict[str, Any] = {
        "level": highest.value if highest is not None else RiskLevelChoice.UNASSESSED
    }
    today = timezone.localdate()
    if evaluated:
        changes |= {
            "evaluated_on": today,
            "review_due": today + review_interval(),
            "review_reason": ReviewReason.PERIODIC,
        }
    with editing(point, actor=actor, action="evaluate") as edit:
        edit.set(changes)
    if evaluated:
        _reschedule(point, today + review_interval(), actor=actor)
    refresh_enterprise_levels([point.enterprise_id], actor=actor)


# --- hazards ------------------------------------------------------------------------------------


@transaction.atomic
def add_hazard(point: RiskPoint, data: Mapping[str, Any], *, actor: Any) -> Hazard:
    """Identify and evaluate a hazard of a point; the levels are computed, never given."""
    ensure_editable(point, actor)
    _check_references(data)
    values = _normalised(data)
    hazard = Hazard(risk_point=point, **values, **evaluation_fields(values))
    hazard.full_clean()
    hazard.save()
    audit.record("create", actor=actor, obj=hazard, after=audit.snapshot(hazard))
    _refresh_point(point, actor=actor, evaluated=True)
    return hazard


def update_hazard(
    hazard: Hazard, data: Mapping[str, Any], *, actor: Any, expected_version: Any = None
) -> Hazard:
    """Change and re-evaluate a hazard (an evaluation: the point's next review moves on)."""
    _check_references(data)
    with transaction.atomic():
        with editing(hazard, actor=actor, expected_version=expected_version) as edit:
            current = {name: getattr(hazard, name) for name in HAZARD_INPUT}
            values = _normalised(
                {**current, **{k: v for k, v in data.items() if k in HAZARD_INPUT}}
            )
            edit.set({**values, **evaluation_fields(values)})
            ensure_editable(hazard, actor)
        point = RiskPoint.objects.get(pk=hazard.risk_point_id)
        _refresh_point(point, actor=actor, evaluated=bool(edit.changed))
    return hazard


@transaction.atomic
def delete_hazard(hazard: Hazard, *, actor: Any) -> None:
    ensure_editable(hazard, actor)
    point = RiskPoint.objects.get(pk=hazard.risk_point_id)
    audit.record("delete", actor=actor, obj=hazard, before=audit.snapshot(hazard))
    hazard.delete()
    _refresh_point(point, actor=actor, evaluated=False)


# --- control measures ---------------------------------------------------------------------------


@transaction.atomic
def add_measure(point: RiskPoint, data: Mapping[str, Any], *, actor: Any) -> ControlMeasure:
    ensure_editable(point, actor)
    measure = ControlMeasure(
        risk_point=point, **{k: v for k, v in data.items() if k in MEASURE_FIELDS}
    )
    measure.full_clean()
    measure.save()
    audit.record("create", actor=actor, obj=measure, after=audit.snapshot(measure))
    return measure


def update_measure(
    measure: ControlMeasure, data: Mapping[str, Any], *, actor: Any, expected_version: Any = None
) -> ControlMeasure:
    with editing(measure, actor=actor, expected_version=expected_version) as edit:
        edit.set({k: v for k, v in data.items() if k in MEASURE_FIELDS})
        ensure_editable(measure, actor)
    return measure


@transaction.atomic
def delete_measure(measure: ControlMeasure, *, actor: Any) -> None:
    ensure_editable(measure, actor)
    audit.record("delete", actor=actor, obj=measure, before=audit.snapshot(measure))
    measure.delete()


# --- re-evaluation after an event ---------------------------------------------------------------


def require_review(point: RiskPoint, reason: str, *, actor: Any) -> RiskPoint:
    """A change, an accident or a new standard: the point is due for re-evaluation within
    :func:`review_after_event` (sooner if it already was)."""
    if reason not in ReviewReason.values or reason == ReviewReason.PERIODIC:
        raise ValidationError({"reason": _("再评估原因无效")})
    due = timezone.localdate() + review_after_event()
    with transaction.atomic():
        with editing(point, actor=actor, action="require_review") as edit:
            if point.review_due is not None and point.review_due < due:
                due = point.review_due
            edit.set({"review_due": due, "review_reason": reason})
            ensure_editable(point, actor)
        _reschedule(point, due, actor=actor)
    return point


# --- the enterprise's level ---------------------------------------------------------------------


def _point_levels(enterprise_ids: Collection[int]) -> dict[int, set[str]]:
    levels: dict[int, set[str]] = {}
    rows = (
        RiskPoint.objects.filter(enterprise_id__in=enterprise_ids)
        .exclude(level=RiskLevelChoice.UNASSESSED)
        .order_by()
        .values_list("enterprise_id", "level")
        .distinct()
    )
    for enterprise_id, level in rows:
        levels.setdefault(enterprise_id, set()).add(level)
    return levels


def _derive(levels: set[str], facts: Mapping[str, str]) -> enterprise_risk.Derivation:
    grade = facts.get(MAJOR_HAZARD_INSTALLATION)
    dangers = int(facts.get(OPEN_MAJOR_DANGER) or 0)
    return enterprise_risk.derive(
        [risk.RiskLevel(level) for level in levels],
        major_hazard_grade=grade or None,
        open_major_dangers=dangers,
    )


def refresh_enterprise_levels(enterprise_ids: Collection[int], *, actor: Any = None) -> int:
    """Derive the level of each enterprise again (its points, the other modules' facts); write
    and record the ones that changed. Returns how many changed."""
    ids = list(enterprise_ids)
    if not ids:
        return 0
    changed = 0
    with transaction.atomic():
        levels = _point_levels(ids)
        facts = facts_of(ids)
        for enterprise in Enterprise.objects.filter(pk__in=ids).order_by("pk"):
            derived = _derive(levels.get(enterprise.pk, set()), facts.get(enterprise.pk, {}))
            after = derived.level.value if derived.level else RiskLevelChoice.UNASSESSED
            with editing(
                enterprise,
                actor=actor,
                snapshot=lambda e: {"risk_level": e.risk_level},
                action="risk_level",
                detail=", ".join(derived.raised_by),
            ) as edit:
                before = enterprise.risk_level
                if not edit.set({"risk_level": after}):
                    continue
            EnterpriseRiskLevelChange.objects.create(
                enterprise=enterprise,
                before=before,
                after=after,
                highest_point=derived.highest_point.value
                if derived.highest_point
                else RiskLevelChoice.UNASSESSED,
                raised_by=list(derived.raised_by),
                changed_by=actor if getattr(actor, "pk", None) else None,
            )
            changed += 1
    return changed


def facts_changed_receiver(sender: Any, enterprise_ids: Collection[int], **kwargs: Any) -> None:
    """Another module's fact changed (``anjian.enterprises.facts.facts_changed``)."""
    refresh_enterprise_levels(list(enterprise_ids))


# --- risk notice cards --------------------------------------------------------------------------


def may_confirm(point: RiskPoint, user: Any) -> bool:
    """A post worker of the point's own enterprise (enterprise role) may confirm its card."""
    if not user.is_authenticated:
        return False
    grants = grants_of(user)
    return point.enterprise.credit_code in grants.own_enterprises


@transaction.atomic
def add_card_confirmation(point: RiskPoint, *, actor: Any, post: str = "") -> CardConfirmation:
    """The worker confirms having read the card (岗位安全风险确认); once per worker."""
    if not may_confirm(point, actor):
        raise PermissionDenied("not a worker of this enterprise")
    existing = CardConfirmation.objects.filter(risk_point=point, user=actor).first()
    if existing is not None:
        return existing
    confirmation = CardConfirmation(risk_point=point, user=actor, post=post or point.post)
    confirmation.full_clean(exclude=["user"])
    try:
        with transaction.atomic():
            confirmation.save()
    except IntegrityError:  # the same worker twice at once
        return CardConfirmation.objects.get(risk_point=point, user=actor)
    audit.record("add_card_confirmation", actor=actor, obj=point, after={"post": confirmation.post})
    return confirmation


@transaction.atomic
def confirm_post_card(
    enterprise: Enterprise, post: str, points: Collection[RiskPoint], *, actor: Any
) -> int:
    """A post's worker confirms the post's card: a confirmation of each of its risk points
    not yet confirmed by them, with one audit record; returns how many were added."""
    if not points or not all(p.enterprise_id == enterprise.pk and p.post == post for p in points):
        raise PermissionDenied("not this post's points")
    if not may_confirm(next(iter(points)), actor):
        raise PermissionDenied("not a worker of this enterprise")
    done = set(
        CardConfirmation.objects.filter(risk_point__in=points, user=actor).values_list(
            "risk_point_id", flat=True
        )
    )
    added = [
        CardConfirmation(risk_point=point, user=actor, post=post)
        for point in points
        if point.pk not in done
    ]
    CardConfirmation.objects.bulk_create(added, ignore_conflicts=True)  # the worker twice at once
    if added:
        audit.record("add_card_confirmation", actor=actor, obj=enterprise,
                     after={"post": post, "points": [c.risk_point_id for c in added]})  # fmt: skip
    return len(added)


def post_confirmations(points: Collection[RiskPoint]) -> int:
    """How many workers confirmed every one of the post's risk points."""
    if not points:
        return 0
    return (
        CardConfirmation.objects.filter(risk_point__in=points)
        .values("user")
        .annotate(n=Count("risk_point", distinct=True))
        .filter(n=len(points))
        .count()
    )


def derive_levels_in_bulk(enterprise_ids: Collection[int]) -> int:
    """:func:`refresh_enterprise_levels` for many enterprises at once (the demo city, a first
    load): the same derivation, written by level with one ``UPDATE`` each and the history in
    one insert, without a per-row lock or audit record (nobody edits them meanwhile). Returns
    how many changed. Taken in batches: a query names at most ``BULK_BATCH`` enterprises
    (PostgreSQL takes at most 65,535 parameters; the 100,000-enterprise benchmark city has more)."""
    ids = list(enterprise_ids)
    return sum(
        _derive_batch(ids[start : start + BULK_BATCH]) for start in range(0, len(ids), BULK_BATCH)
    )


BULK_BATCH = 10_000


def _derive_batch(ids: list[int]) -> int:
    levels = _point_levels(ids)
    facts = facts_of(ids)
    current = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "risk_level"))
    by_level: dict[str, list[int]] = {}
    history = []
    for enterprise_id in ids:
        derived = _derive(levels.get(enterprise_id, set()), facts.get(enterprise_id, {}))
        after = derived.level.value if derived.level else RiskLevelChoice.UNASSESSED
        before = current.get(enterprise_id)
        if before is None or before == after:
            continue
        by_level.setdefault(after, []).append(enterprise_id)
        highest = derived.highest_point.value if derived.highest_point else "unassessed"
        history.append(EnterpriseRiskLevelChange(
            enterprise_id=enterprise_id, before=before, after=after, highest_point=highest,
            raised_by=list(derived.raised_by),
        ))  # fmt: skip
    with transaction.atomic():
        for level, members in by_level.items():
            Enterprise.objects.filter(pk__in=members).update(risk_level=level)
        EnterpriseRiskLevelChange.objects.bulk_create(history, batch_size=2000)
    return len(history)


# --- the enterprise's four-colour map (plant layout and zones) -----------------------------------

MAX_VERTICES = 200


def layout_image(layout: PlantLayout) -> Any:
    """The layout's current image: its latest image attachment, or ``None``."""
    from anjian.core.lifecycle_models import Attachment

    return (
        Attachment.objects.of(layout)
        .filter(mime_type__startswith="image/", width__isnull=False)
        .order_by("-uploaded_at", "-pk")
        .first()
    )


@transaction.atomic
def add_plant_layout(enterprise: Enterprise, *, actor: Any) -> PlantLayout:
    """The enterprise's plant layout, made once (its image is then uploaded to it)."""
    _check_editable(enterprise, actor)
    layout, created = PlantLayout.objects.get_or_create(enterprise=enterprise)
    if created:
        audit.record("create", actor=actor, obj=layout, after=audit.snapshot(layout))
    return layout


def check_polygon(value: Any, width: int, height: int) -> list[list[float]]:
    """A polygon of 3 to :data:`MAX_VERTICES` ``[x, y]`` points inside the image, as given by
    the page (Leaflet ``CRS.Simple``); ``ValidationError`` naming what is wrong otherwise."""
    if not isinstance(value, list) or not 3 <= len(value) <= MAX_VERTICES:
        raise ValidationError({"polygon": _("区域须有3至%(n)d个顶点") % {"n": MAX_VERTICES}})
    polygon = []
    for vertex in value:
        if (
            not isinstance(vertex, list | tuple)
            or len(vertex) != 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in vertex)
        ):
            raise ValidationError({"polygon": _("顶点须为[x, y]数值对")})
        x, y = float(vertex[0]), float(vertex[1])
        if not (0 <= x <= width and 0 <= y <= height):
            raise ValidationError({"polygon": _("顶点超出平面图范围")})
        polygon.append([round(x, 1), round(y, 1)])
    if len({tuple(v) for v in polygon}) < 3:
        raise ValidationError({"polygon": _("区域须有至少3个不同的顶点")})
    return polygon


@transaction.atomic
def add_zone(
    layout: PlantLayout, data: Mapping[str, Any], *, actor: Any, points: Collection[RiskPoint] = ()
) -> RiskZone:
    """Draw a risk zone on the layout, linked to risk points of the same enterprise."""
    ensure_editable(layout, actor)
    image = layout_image(layout)
    if image is None:
        raise ValidationError({"polygon": _("请先上传厂区平面图")})
    polygon = check_polygon(data.get("polygon"), image.width, image.height)
    if any(point.enterprise_id != layout.enterprise_id for point in points):
        raise ValidationError({"points": _("只能关联本企业的风险点")})
    zone = RiskZone(layout=layout, name=str(data.get("name") or ""), polygon=polygon)
    zone.full_clean()
    zone.save()
    zone.points.set(points)
    after = {**audit.snapshot(zone), "points": sorted(p.pk for p in points)}
    audit.record("create", actor=actor, obj=zone, after=after)
    return zone


@transaction.atomic
def delete_zone(zone: RiskZone, *, actor: Any) -> None:
    ensure_editable(zone, actor)
    audit.record("delete", actor=actor, obj=zone, before=audit.snapshot(zone))
    zone.delete()


def zone_level(zone: RiskZone) -> str:
    """The most severe level of the zone's points (unassessed without any)."""
    levels = [risk.RiskLevel(p.level) for p in zone.points.all() if p.level != "unassessed"]
    highest = max(levels, key=lambda level: level.severity, default=None)
    return highest.value if highest else RiskLevelChoice.UNASSESSED
