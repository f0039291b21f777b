"""Every change of the dangers module: one transaction and one audit record each.

State changes of a danger, an extension request or a listing go through the declared workflow
(:func:`anjian.core.workflow.apply_transition`); the functions here create the records the
workflows act on, and run the self-inspection tasks. They raise ``ValidationError`` (a form
error, a 422) with a Chinese message, or ``PermissionDenied`` (403) for a role that may not.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from anjian.core import audit, deadlines
from anjian.core.attachments import store
from anjian.core.calendar import holiday_starting_within
from anjian.core.lifecycle_models import Attachment
from anjian.core.roles import Role
from anjian.core.scoping import NOTHING, grants_of
from anjian.core.services import notify
from anjian.dangers import effects, recipients
from anjian.dangers.choices import (
    OPEN_STATES,
    DangerCategory,
    DangerSource,
    DangerState,
    ExtensionState,
    Frequency,
)
from anjian.dangers.models import (
    ExtensionRequest,
    HiddenDanger,
    InspectionPlan,
    InspectionTask,
    ListedSupervision,
    ListingLevel,
    ProgressReport,
    RectificationPlan,
    TaskResult,
    due_at,
)
from anjian.enterprises.models import Enterprise
from anjian.standards import major_danger

__all__ = [
    "ItemResult",
    "add_progress_report",
    "add_rectification_plan",
    "clean_text",
    "complete_task",
    "create_danger",
    "create_extension_request",
    "create_inspection_plan",
    "create_listing",
    "generate_tasks",
    "may_report",
    "period_of",
]

REPORTERS = frozenset(
    {
        Role.ENTERPRISE,
        Role.GRID,
        Role.TOWN,
        Role.DEPARTMENT,
        Role.ENFORCEMENT,
        Role.CITY,
        Role.EXPERT,
    }
)
# A before-holiday inspection plan's task appears this many days before the holiday starts.
HOLIDAY_NOTICE_DAYS = 3
# Days to rectify a danger found by a self-inspection task (the finder may set any deadline
# when reporting by hand). A local working rule, not a regulation: configurable.
RECTIFY_DAYS = {"general": 7, "major": 30}
# What a one-line field (a place, a name) refuses: control characters, tabs and line breaks
# among them; a one-line text is shown in one table cell, a spreadsheet cell, a PDF line.
ONE_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def may_report(user: Any) -> bool:
    """Whether the user's roles include one that reports hidden dangers."""
    return bool(grants_of(user).has(*REPORTERS))


def rectify_days(is_major: bool) -> int:
    days = {**RECTIFY_DAYS, **getattr(settings, "DANGERS_RECTIFY_DAYS", {})}
    return int(days["major" if is_major else "general"])


def clean_text(
    value: Any,
    label: str | Promise,
    max_length: int,
    *,
    required: bool = True,
    one_line: bool = False,
) -> str:
    """The text stripped; refused with a message naming the field when it holds a NUL
    (PostgreSQL stores none), a tab or line break in a one-line field, or is too long."""
    text = str(value or "").strip()
    if "\x00" in text:
        raise ValidationError(_("%(field)s不能包含NUL字符") % {"field": label})
    if one_line and ONE_LINE_BREAKS.search(text):
        raise ValidationError(_("%(field)s不能包含换行符或制表符") % {"field": label})
    if required and not text:
        raise ValidationError(_("请填写%(field)s") % {"field": label})
    if len(text) > max_length:
        raise ValidationError(_("%(field)s不能超过%(n)s字") % {"field": label, "n": max_length})
    return text


def _own_enterprise(user: Any, enterprise: Enterprise) -> bool:
    grants = grants_of(user)
    return grants.has(Role.ENTERPRISE) and enterprise.credit_code in grants.own_enterprises


@transaction.atomic
def create_danger(
    enterprise: Enterprise,
    data: dict[str, Any],
    *,
    actor: Any,
    photos: Sequence[Any] = (),
    task: InspectionTask | None = None,
) -> HiddenDanger:
    """Register a hidden danger (登记): checked, saved, its rectification deadline set, its
    photos stored; a major one is reported to the town and departments at once."""
    grants = grants_of(actor)
    if not grants.has(*REPORTERS):
        raise PermissionDenied(_("您无权登记隐患"))
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise ValidationError(_("企业不存在或不在您的管辖范围内"))
    source = str(data.get("source") or "")
    if source not in DangerSource.values:
        raise ValidationError(_("隐患来源无效"))
    category = str(data.get("category") or DangerCategory.OTHER)
    if category not in DangerCategory.values:
        raise ValidationError(_("隐患类别无效"))
    deadline = data.get("deadline")
    if not isinstance(deadline, date):
        raise ValidationError(_("请填写整改期限"))
    if deadline < timezone.localdate():
        raise ValidationError(_("整改期限不能早于今天"))
    code = str(data.get("criterion_code") or "").strip().upper()
    if code:
        try:
            major_danger.criterion(code)
        except ValueError:
            raise ValidationError(_("重大隐患判定条目不存在")) from None
    danger = HiddenDanger.objects.create(
        enterprise=enterprise,
        town_id=enterprise.town_id,
        source=source,
        place=clean_text(data.get("place"), _("隐患部位"), 200, one_line=True),
        description=clean_text(data.get("description"), _("隐患描述"), 2000),
        category=category,
        is_major=bool(code) or bool(data.get("is_major")),
        criterion_code=code,
        finder=clean_text(data.get("finder"), _("发现人"), 50, required=False, one_line=True),
        responsible_person=clean_text(
            data.get("responsible_person"), _("整改责任人"), 50, required=False, one_line=True
        ),
        found_at=data.get("found_at") or timezone.now(),
        deadline=deadline,
        task=task,
        reported_by=actor,
    )
    deadlines.set_deadline(danger, "rectify", due_at(deadline), actor=actor)
    _attach(danger, photos, actor=actor)
    audit.record("create", actor=actor, obj=danger, after=_snapshot(danger))
    if danger.is_major:
        effects.report_major(danger)
        effects.major_changed(danger)
    return danger


def _attach(obj: Any, photos: Sequence[Any], *, actor: Any) -> None:
    """Store uploaded files on ``obj``; photos already uploaded (to the task, through the API)
    move to it."""
    for photo in photos:
        if isinstance(photo, Attachment):
            Attachment.objects.filter(pk=photo.pk).update(
                content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
            )
        else:
            store(obj, photo, actor=actor)


def _snapshot(danger: HiddenDanger) -> dict[str, Any]:
    return {
        "enterprise": danger.enterprise_id,
        "source": danger.source,
        "place": danger.place,
        "description": danger.description,
        "category": danger.category,
        "is_major": danger.is_major,
        "criterion_code": danger.criterion_code,
        "deadline": danger.deadline,
    }


def _authority_or_enterprise(danger: HiddenDanger, actor: Any) -> None:
    """The enterprise itself, or an authority over it (town, department, city office)."""
    from anjian.dangers.models import the_authorities, the_enterprise

    grants = grants_of(actor)
    rows = HiddenDanger.objects.visible_to(actor).filter(pk=danger.pk)
    for rule in (the_enterprise, the_authorities):
        condition = rule(grants)
        if condition != NOTHING and rows.filter(condition).exists():
            return
    raise PermissionDenied(_("您无权为此隐患制定治理方案"))


@transaction.atomic
def add_rectification_plan(
    danger: HiddenDanger, data: dict[str, Any], *, actor: Any
) -> RectificationPlan:
    """The five implementations of a major danger, before it starts rectifying; a later plan
    replaces the earlier one (both audited), never edits it."""
    danger = HiddenDanger.objects.select_for_update().get(pk=danger.pk)
    _authority_or_enterprise(danger, actor)
    if not danger.is_major:
        raise ValidationError(_("只有重大事故隐患需要制定治理方案（五落实）"))
    if danger.state not in (DangerState.REPORTED, DangerState.ASSESSED):
        raise ValidationError(_("隐患已开始整改，治理方案不能再更换"))
    funds = data.get("funds")
    plan_deadline = data.get("deadline")
    if funds is not None and not isinstance(funds, Decimal):
        raise ValidationError(_("资金格式无效"))
    if funds is not None and funds < 0:
        raise ValidationError(_("资金不能为负数"))
    previous = RectificationPlan.objects.filter(danger=danger).first()
    if previous is not None:
        audit.record("delete", actor=actor, obj=previous, before={"owner": previous.owner})
        previous.delete()
    plan = RectificationPlan.objects.create(
        danger=danger,
        owner=clean_text(data.get("owner"), _("责任人"), 50, required=False, one_line=True),
        measures=clean_text(data.get("measures"), _("治理措施"), 2000, required=False),
        funds=funds,
        deadline=plan_deadline if isinstance(plan_deadline, date) else None,
        contingency_plan=clean_text(
            data.get("contingency_plan"), _("应急预案"), 2000, required=False
        ),
        created_by=actor,
    )
    audit.record(
        "create",
        actor=actor,
        obj=plan,
        after={
            "danger": danger.pk,
            "owner": plan.owner,
            "measures": plan.measures,
            "funds": plan.funds,
            "deadline": plan.deadline,
            "contingency_plan": plan.contingency_plan,
        },
    )
    return plan


@transaction.atomic
def create_extension_request(
    danger: HiddenDanger, requested: date, reason: str, *, actor: Any
) -> ExtensionRequest:
    """The enterprise asks for a later deadline; the town or department decides."""
    danger = HiddenDanger.objects.select_for_update().get(pk=danger.pk)
    if not _own_enterprise(actor, danger.enterprise):
        raise PermissionDenied(_("只有本企业可以申请延期"))
    if danger.state not in (DangerState.ASSESSED, DangerState.RECTIFYING):
        raise ValidationError(_("当前状态下不能申请延期"))
    if danger.extensions.filter(state=ExtensionState.REQUESTED).exists():
        raise ValidationError(_("已有待审批的延期申请"))
    if not isinstance(requested, date) or requested <= danger.deadline:
        raise ValidationError(_("申请的期限必须晚于原期限"))
    extension = ExtensionRequest.objects.create(
        danger=danger,
        previous_deadline=danger.deadline,
        requested_deadline=requested,
        reason=clean_text(reason, _("延期理由"), 1000),
        requested_by=actor,
    )
    audit.record(
        "create",
        actor=actor,
        obj=extension,
        after={"danger": danger.pk, "requested_deadline": requested, "reason": extension.reason},
    )
    for user in recipients.town(danger):
        notify(
            user,
            _("隐患整改延期申请：%(enterprise)s") % {"enterprise": danger.enterprise.name},
            body=extension.reason[:500],
            link=danger.get_absolute_url(),
        )
    return extension


@transaction.atomic
def create_listing(
    danger: HiddenDanger,
    *,
    actor: Any,
    deadline: date,
    report_interval_days: int = 7,
    department: Any = None,
) -> ListedSupervision:
    """Put a major danger under listed supervision (挂牌督办), by the city office or its town."""
    danger = HiddenDanger.objects.select_for_update().get(pk=danger.pk)
    grants = grants_of(actor)
    if grants.city_wide:
        level, town = ListingLevel.CITY, None
    elif grants.has(Role.TOWN) and danger.town_id in grants.town_ids:
        level, town = ListingLevel.TOWN, danger.town
    else:
        raise PermissionDenied(_("只有市安委办或属地镇街可以挂牌督办"))
    if not danger.is_major:
        raise ValidationError(_("只有重大事故隐患可以挂牌督办"))
    if danger.state not in OPEN_STATES:
        raise ValidationError(_("隐患已销号或撤销"))
    if danger.listings.filter(state="listed").exists():
        raise ValidationError(_("该隐患已在挂牌督办中"))
    if not 1 <= int(report_interval_days) <= 90:
        raise ValidationError(_("进展报告间隔应在1至90天之间"))
    if deadline < timezone.localdate():
        raise ValidationError(_("督办期限不能早于今天"))
    listing = ListedSupervision.objects.create(
        danger=danger,
        level=level,
        listing_town=town,
        department=department,
        deadline=deadline,
        report_interval_days=report_interval_days,
        listed_by=actor,
    )
    deadlines.set_deadline(
        listing,
        "progress",
        timezone.now() + timedelta(days=listing.report_interval_days),
        actor=actor,
    )
    audit.record(
        "create",
        actor=actor,
        obj=listing,
        after={
            "danger": danger.pk,
            "level": level,
            "department": getattr(department, "code", ""),
            "deadline": deadline,
            "report_interval_days": report_interval_days,
        },
    )
    for user in recipients.enterprise(danger):
        notify(
            user,
            _("重大事故隐患已挂牌督办，请按期报送整改进展"),
            body=str(danger)[:500],
            link=danger.get_absolute_url(),
        )
    return listing


@transaction.atomic
def add_progress_report(listing: ListedSupervision, text: str, *, actor: Any) -> ProgressReport:
    """The enterprise reports progress on a listed danger; the next report falls due one
    interval later (the old due time is closed as met, a new one set)."""
    listing = ListedSupervision.objects.select_for_update().get(pk=listing.pk)
    if not _own_enterprise(actor, listing.danger.enterprise):
        raise PermissionDenied(_("只有本企业可以报送进展"))
    if listing.state != "listed":
        raise ValidationError(_("已摘牌，不再报送进展"))
    report = ProgressReport.objects.create(
        listing=listing, text=clean_text(text, _("进展情况"), 2000), reported_by=actor
    )
    deadlines.close_deadline(listing, "progress", actor=actor)
    deadlines.set_deadline(
        listing,
        "progress",
        timezone.now() + timedelta(days=listing.report_interval_days),
        actor=actor,
    )
    audit.record(
        "create", actor=actor, obj=report, after={"listing": listing.pk, "text": report.text}
    )
    return report


@transaction.atomic
def create_inspection_plan(
    enterprise: Enterprise, data: dict[str, Any], *, actor: Any
) -> InspectionPlan:
    """A self-inspection plan of the enterprise (by itself, or by its town for it)."""
    if not Enterprise.objects.editable_by(actor).filter(pk=enterprise.pk).exists():
        raise PermissionDenied(_("您无权为该企业制定自查计划"))
    if data.get("frequency") not in Frequency.values:
        raise ValidationError(_("频次无效"))
    plan = InspectionPlan.objects.create(
        enterprise=enterprise,
        checklist=data["checklist"],
        name=clean_text(data.get("name"), _("计划名称"), 100, one_line=True),
        frequency=data["frequency"],
        post=clean_text(data.get("post"), _("岗位"), 50, required=False, one_line=True),
        assignee=data.get("assignee"),
        created_by=actor,
    )
    audit.record(
        "create",
        actor=actor,
        obj=plan,
        after={"enterprise": enterprise.pk, "checklist": plan.checklist_id, "name": plan.name,
               "frequency": plan.frequency, "post": plan.post},
    )  # fmt: skip
    return plan


def period_of(frequency: str, today: date) -> tuple[str, date] | None:
    """The period a plan of this frequency is in today, and the day its task is due by."""
    if frequency == Frequency.DAILY:
        return today.isoformat(), today
    if frequency == Frequency.WEEKLY:
        year, week, weekday = today.isocalendar()
        return f"{year}-W{week:02d}", today + timedelta(days=7 - weekday)
    if frequency == Frequency.MONTHLY:
        last = calendar.monthrange(today.year, today.month)[1]
        return f"{today:%Y-%m}", today.replace(day=last)
    if frequency == Frequency.QUARTERLY:
        quarter = (today.month - 1) // 3 + 1
        end_month = quarter * 3
        last = calendar.monthrange(today.year, end_month)[1]
        return f"{today.year}-Q{quarter}", date(today.year, end_month, last)
    if frequency == Frequency.BEFORE_HOLIDAY:
        start = holiday_starting_within(today, HOLIDAY_NOTICE_DAYS)
        if start is None:
            return None
        return f"H{start.isoformat()}", start - timedelta(days=1)
    raise ValueError(frequency)


def generate_tasks(today: date | None = None) -> int:
    """Create the current period's task of every active plan that has none (Celery beat,
    daily). The unique (plan, period) pair is the claim: a second run creates nothing."""
    today = today or timezone.localdate()
    tasks = []
    for plan in InspectionPlan.objects.filter(active=True, enterprise__status="operating").only(
        "pk", "enterprise_id", "checklist_id", "frequency", "assignee_id"
    ):
        period = period_of(plan.frequency, today)
        if period is None:
            continue
        tasks.append(
            InspectionTask(
                plan=plan,
                enterprise_id=plan.enterprise_id,
                checklist_id=plan.checklist_id,
                period=period[0],
                due_on=period[1],
                assignee_id=plan.assignee_id,
            )
        )
    before = InspectionTask.objects.count()
    InspectionTask.objects.bulk_create(tasks, ignore_conflicts=True, batch_size=1000)
    return InspectionTask.objects.count() - before


@dataclass(frozen=True)
class ItemResult:
    """What the inspector recorded for one checklist item."""

    item_id: int
    passed: bool
    note: str = ""
    photos: tuple[Any, ...] = ()
    place: str = ""


@transaction.atomic
def complete_task(
    task: InspectionTask,
    results: Iterable[ItemResult],
    *,
    actor: Any,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> list[HiddenDanger]:
    """Record a task's results; each failed item becomes a hidden danger (source
    self-inspection, its photo the "before" photo), major when the item is a major-danger
    criterion. A failed item without a photo is refused. Returns the dangers created."""
    if not _own_enterprise(actor, task.enterprise) and not (
        InspectionTask.objects.editable_by(actor).filter(pk=task.pk).exists()
        and grants_of(actor).has(Role.TOWN, Role.CITY)
    ):
        raise PermissionDenied(_("您无权执行此排查任务"))
    claimed = InspectionTask.objects.filter(pk=task.pk, completed_at__isnull=True).update(
        completed_at=timezone.now(), completed_by=actor, latitude=latitude, longitude=longitude
    )
    if not claimed:
        raise ValidationError(_("该任务已完成"))
    items = {item.pk: item for item in task.checklist.items.all()}
    results = list(results)
    given = {r.item_id for r in results}
    if given != set(items) or len(given) != len(results):
        raise ValidationError(_("请逐项填写排查结果"))
    dangers = []
    for result in results:
        item = items[result.item_id]
        note = clean_text(result.note, _("说明"), 300, required=False, one_line=True)
        danger = None
        if not result.passed:
            if not result.photos:
                raise ValidationError(_("不合格项须拍照：%(item)s") % {"item": item.text[:40]})
            is_major = bool(item.criterion_code)
            danger = create_danger(
                task.enterprise,
                {
                    "source": DangerSource.SELF_INSPECTION,
                    "place": result.place or task.plan.post or item.checklist.name,
                    "description": f"{item.text}{'：' + note if note else ''}"[:2000],
                    "criterion_code": item.criterion_code,
                    "finder": (getattr(actor, "display_name", "") or actor.get_username())[:50],
                    "deadline": timezone.localdate() + timedelta(days=rectify_days(is_major)),
                },
                actor=actor,
                photos=result.photos,
                task=task,
            )
            dangers.append(danger)
        else:
            _attach(task, result.photos, actor=actor)
        TaskResult.objects.create(
            task=task, item=item, passed=result.passed, note=note, danger=danger
        )
    audit.record(
        "task_completed",
        actor=actor,
        obj=task,
        after={"failed": [d.pk for d in dangers], "items": len(results)},
    )
    return dangers
