"""Every change to accidents: plain functions, one transaction each, audited.

Quick report (:func:`create_accident`), supplementary report (:func:`add_supplementary_report`,
regrading only inside the window of art. 13), the reporting chain (:func:`record_report_step`),
the publication of a closed investigation (:func:`publish_summary`), recoding a 1986 record
(:func:`recode_type`) and the control quotas (:func:`set_quota`). The investigation's
transitions go through :func:`anjian.core.workflow.apply_transition` (effects in
:mod:`anjian.accidents.investigation`). Quota warnings and vetoes follow every change of counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anjian.accidents import quotas
from anjian.accidents.choices import QuotaKind, TypeEdition
from anjian.accidents.models import Accident, ControlQuota, ReportStep, SupplementaryReport
from anjian.core import audit, deadlines
from anjian.core.scoping import ensure_editable, resolve_in_scope
from anjian.core.updating import editing
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import Department, Industry, Town
from anjian.orgs.services import DepartmentIndex
from anjian.standards import accident as rules
from anjian.standards import accident_types

__all__ = [
    "accident_snapshot",
    "add_supplementary_report",
    "edition_on",
    "publish_summary",
    "recode_type",
    "record_report_step",
    "create_accident",
    "set_quota",
]

COUNT_FIELDS = ("deaths", "missing", "serious_injuries", "direct_loss_yuan")


def edition_on(day: datetime.date) -> str:
    """The type list an accident of ``day`` is coded with (``ACCIDENT_TYPES_2025_FROM``)."""
    return accident_types.edition_for(day, settings.ACCIDENT_TYPES_2025_FROM)


def accident_snapshot(accident: Accident) -> dict[str, Any]:
    values = audit.snapshot(accident)
    values["departments"] = sorted(accident.departments.values_list("code", flat=True))
    return values


def _count(value: Any, label: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({label: _("请输入0或正整数")})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({label: _("请输入0或正整数")}) from None
    if str(value).strip() != str(number) and not isinstance(value, int):
        raise ValidationError({label: _("请输入0或正整数")})
    if number < 0 or number > 100_000:
        raise ValidationError({label: _("人数应在0至100000之间")})
    return number


def _loss(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError({"direct_loss_yuan": _("请输入金额（元）")})
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"direct_loss_yuan": _("请输入金额（元）")}) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("999999999999.99"):
        raise ValidationError({"direct_loss_yuan": _("金额应在0至9999亿元之间")})
    return amount.quantize(Decimal("0.01"))


def _counts(data: Mapping[str, Any], *, missing_default: bool) -> dict[str, Any]:
    counts = {
        "deaths": _count(data.get("deaths"), "deaths"),
        "serious_injuries": _count(data.get("serious_injuries"), "serious_injuries"),
        "direct_loss_yuan": _loss(data.get("direct_loss_yuan")),
    }
    missing = data.get("missing")
    counts["missing"] = (
        0 if missing in (None, "") and missing_default else _count(missing, "missing")
    )
    return counts


def _grade(counts: Mapping[str, Any]) -> str:
    return rules.grade(
        counts["deaths"], counts["serious_injuries"], counts["direct_loss_yuan"]
    ).value


def _text(
    data: Mapping[str, Any], key: str, *, limit: int, required: bool = True, one_line: bool = False
) -> str:
    value = data.get(key)
    if value is not None and not isinstance(value, (str, int)):
        raise ValidationError({key: _("请输入文字")})
    text = "" if value is None else str(value)
    if "\x00" in text:
        raise ValidationError({key: _("不能包含空字符")})
    if one_line and any(c in text for c in "\t\r\n"):
        raise ValidationError({key: _("不能包含换行符或制表符")})
    text = text.strip()
    if required and not text:
        raise ValidationError({key: _("此项为必填项")})
    if len(text) > limit:
        raise ValidationError({key: _("最多%(limit)s个字符") % {"limit": limit}})
    return text


def _aware(value: Any, key: str) -> datetime.datetime:
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        value = parsed
    if not isinstance(value, datetime.datetime):
        raise ValidationError({key: _("请输入有效的日期时间")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if not datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC) <= value:
        raise ValidationError({key: _("请输入有效的日期时间")})
    return value


def _resolve_type(code: Any, day: datetime.date) -> tuple[str, str]:
    edition = edition_on(day)
    code = str(code or "").strip()
    try:
        accident_types.by_code(edition, code)
    except ValueError:
        raise ValidationError(
            {
                "type": _("事故类型“%(code)s”不在%(edition)s中（按发生日期确定分类标准）")
                % {"code": code, "edition": edition}
            }
        ) from None
    return edition, code


def _chain(accident: Accident, grade: str, *, actor: Any) -> None:
    """Add the steps of the chain the grade requires (a regrade upward adds levels; steps
    already there stay, with their due times counted from the head's receipt)."""
    have = set(accident.report_steps.values_list("level", flat=True))
    for order, step in enumerate(rules.reporting_chain(grade)):
        if step.level.value in have:
            continue
        row = ReportStep.objects.create(
            accident=accident,
            level=step.level.value,
            order=order,
            due_at=accident.learnt_at + datetime.timedelta(hours=step.cumulative_hours),
        )
        deadlines.set_deadline(row, "report", row.due_at, actor=actor)


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59, 59)))


@transaction.atomic
def create_accident(data: Mapping[str, Any], *, actor: Any) -> Accident:
    """Record a quick report (快报, art. 12), graded by the standards module (art. 3).

    References (town, enterprise, industry) are resolved in the reporter's scope; the accident
    must end up in the reporter's write scope. Sets the reporting chain's due times, the
    investigation deadline (60 days, art. 29), then quota warnings and vetoes.
    """
    occurred_at = _aware(data.get("occurred_at"), "occurred_at")
    now = timezone.now()
    if occurred_at > now + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("发生时间不能晚于当前时间")})
    learnt_raw = data.get("learnt_at")
    learnt_at = occurred_at if learnt_raw in (None, "") else _aware(learnt_raw, "learnt_at")
    if learnt_at < occurred_at:
        raise ValidationError({"learnt_at": _("接报时间不能早于发生时间")})
    town_code = str(data.get("town") or "").strip()
    town = resolve_in_scope(Town.objects, actor, code=town_code)
    enterprise = None
    enterprise_code = str(data.get("enterprise") or "").strip()
    if enterprise_code:
        enterprise = resolve_in_scope(
            Enterprise.objects.select_related("industry"), actor, credit_code=enterprise_code
        )
    industry = None
    industry_code = str(data.get("industry") or "").strip()
    if industry_code:
        industry = resolve_in_scope(Industry.objects, actor, code=industry_code)
    elif enterprise is not None:
        industry = enterprise.industry
    edition, type_code = _resolve_type(data.get("type"), timezone.localdate(occurred_at))
    counts = _counts(data, missing_default=True)
    accident = Accident(
        occurred_at=occurred_at,
        learnt_at=learnt_at,
        place=_text(data, "place", limit=200, required=False, one_line=True) or town.name,
        town=town,
        enterprise=enterprise,
        industry=industry,
        type_code=type_code,
        road_traffic=bool(data.get("road_traffic")) and data.get("road_traffic") != "false",
        summary=_text(data, "summary", limit=4000),
        reported_by=actor,
        created_at=now,
        **counts,
    )
    accident.type_edition = edition
    accident.grade = _grade(counts)
    accident.full_clean(exclude=["reported_by"])
    accident.save()
    if industry is not None:
        accident.departments.set(DepartmentIndex().for_industry(industry.code, industry.section))
    ensure_editable(accident, actor)
    _chain(accident, accident.grade, actor=actor)
    deadlines.set_deadline(
        accident, "investigation", _end_of_day(accident.investigation_due), actor=actor
    )
    if timezone.localdate(now) <= accident.supplementary_until:  # a window still open
        deadlines.set_deadline(
            accident, "supplementary", _end_of_day(accident.supplementary_until), actor=actor
        )
    audit.record("create", actor=actor, obj=accident, after=accident_snapshot(accident))
    quotas.after_counts_changed(accident, actor=actor)
    return accident


@transaction.atomic
def add_supplementary_report(
    accident: Accident, data: Mapping[str, Any], *, actor: Any
) -> SupplementaryReport:
    """Record a supplementary report (补报, art. 13) with the counts as now known.

    Inside the window (30 days; 7 for road traffic and fire, counted by
    :func:`anjian.standards.accident.supplementary_report_until`) the accident is regraded and
    its reporting chain, quotas and vetoes follow; outside it the counts are recorded on the
    accident but the grade stays (the page says why). The accident's row is locked first, so
    two supplementary reports at once apply one after the other.
    """
    counts = _counts(data, missing_default=False)
    note = _text(data, "note", limit=4000)
    reported_at = timezone.now()
    with editing(accident, actor=actor, snapshot=accident_snapshot, detail="supplementary") as edit:
        if not Accident.objects.editable_by(actor).filter(pk=accident.pk).exists():
            raise PermissionDenied("out of scope")
        within = timezone.localdate(reported_at) <= accident.supplementary_until
        before = accident.grade
        after = _grade(counts) if within else before
        changes: dict[str, Any] = dict(counts)
        if after != before:
            changes["grade"] = after
        edit.set(changes)
    report = SupplementaryReport.objects.create(
        accident=accident,
        reported_at=reported_at,
        note=note,
        within_window=within,
        grade_before=before,
        grade_after=after,
        reported_by=actor,
        **counts,
    )
    audit.record(
        "supplementary_report",
        actor=actor,
        obj=accident,
        after={**counts, "within_window": within, "grade_before": before, "grade_after": after},
    )
    if after != before:
        _chain(accident, after, actor=actor)
    quotas.after_counts_changed(accident, actor=actor)
    return report


@transaction.atomic
def record_report_step(
    step: ReportStep, reported_at: datetime.datetime, *, actor: Any
) -> ReportStep:
    """Record when the report reached a level; a time after the due time marks it late. The
    step's deadline on the engine is closed either way (a late step was escalated already)."""
    if not ReportStep.objects.editable_by(actor).filter(pk=step.pk).exists():
        raise PermissionDenied("out of scope")
    reported_at = _aware(reported_at, "reported_at")
    if reported_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"reported_at": _("报告时间不能晚于当前时间")})
    accident = step.accident
    if reported_at < accident.occurred_at:
        raise ValidationError({"reported_at": _("报告时间不能早于事故发生时间")})
    with editing(step, actor=actor, detail="report_step") as edit:
        edit.set({"reported_at": reported_at, "recorded_by": actor})
    # Met, on time or late (the step says which): no more reminders or escalations.
    deadlines.close_deadline(step, "report", actor=actor)
    return step


@transaction.atomic
def publish_summary(accident: Accident, *, actor: Any) -> Accident:
    """Publish the closing summary of a closed investigation (art. 34) on the public page."""
    from anjian.accidents.choices import InvestigationState

    if not Accident.objects.filter(pk=accident.pk).filter(
        pk__in=Accident.objects.editable_by(actor).values("pk")
    ).exists() or not actor_is_city(actor):
        raise PermissionDenied(_("只有市安委办可以公布结案信息"))
    with editing(accident, actor=actor, snapshot=accident_snapshot, detail="publish") as edit:
        if accident.state != InvestigationState.CLOSED:
            raise ValidationError(_("只有已结案的事故可以公布"))
        if not accident.closing_summary.strip():
            raise ValidationError(_("结案公开摘要为空，不能公布"))
        if accident.published_at is None:
            edit.set({"published_at": timezone.now()})
    return accident


def actor_is_city(actor: Any) -> bool:
    from anjian.core.scoping import grants_of

    return bool(grants_of(actor).city_wide)


@transaction.atomic
def recode_type(accident: Accident, code_2025: str, *, actor: Any) -> Accident:
    """A person recodes a 1986 record with a 2025 type (the split and dropped types are never
    guessed: :func:`anjian.standards.accident_types.recode` answers None for them)."""
    if not Accident.objects.editable_by(actor).filter(pk=accident.pk).exists():
        raise PermissionDenied("out of scope")
    if accident.type_edition != TypeEdition.EDITION_1986:
        raise ValidationError(_("只有按 GB/T 6441-1986 分类的事故需要重新分类"))
    try:
        accident_types.by_code(accident_types.EDITION_2025, code_2025)
    except ValueError:
        raise ValidationError(
            {"type": _("事故类型“%(code)s”不在GB 6441-2025中") % {"code": code_2025}}
        ) from None
    with editing(accident, actor=actor, snapshot=accident_snapshot, detail="recode") as edit:
        edit.set({"type_edition": TypeEdition.EDITION_2025, "type_code": code_2025})
    return accident


@transaction.atomic
def set_quota(data: Mapping[str, Any], *, actor: Any) -> ControlQuota:
    """Enter (or change) the death quota the higher level set for a town or an industry."""
    if not actor_is_city(actor):
        raise PermissionDenied(_("只有市安委办可以录入控制指标"))
    try:
        year = int(str(data.get("year", "")).strip())
    except ValueError:
        raise ValidationError({"year": _("请输入年度")}) from None
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("年度应在2000至2100之间")})
    kind = str(data.get("kind") or "")
    if kind not in QuotaKind.values:
        raise ValidationError({"kind": _("请选择镇街或行业")})
    allowed = _count(data.get("deaths_allowed"), "deaths_allowed")
    lookup: dict[str, Any] = {"year": year, "kind": kind}
    if kind == QuotaKind.TOWN:
        lookup["town"] = resolve_in_scope(Town.objects, actor, code=str(data.get("town") or ""))
    else:
        lookup["industry"] = resolve_in_scope(
            Industry.objects, actor, code=str(data.get("industry") or "")
        )
    set_by = (
        _text(data, "set_by", limit=100, required=False, one_line=True) or "枣庄市安全生产委员会"
    )
    document = _text(data, "document", limit=200, required=False, one_line=True)
    quota = ControlQuota.objects.filter(**lookup).first()
    if quota is None:
        quota = ControlQuota(**lookup, deaths_allowed=allowed, set_by=set_by, document=document)
        quota.full_clean()
        quota.save()
        audit.record("create", actor=actor, obj=quota, after=audit.snapshot(quota))
    else:
        with editing(quota, actor=actor) as edit:
            edit.set({"deaths_allowed": allowed, "set_by": set_by, "document": document})
    quotas.check_quota(quota, actor=actor)
    return quota


def departments_of(accident: Accident) -> list[Department]:
    return list(accident.departments.all())
