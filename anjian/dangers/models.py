"""Hidden-danger investigation and rectification (隐患排查治理): checklists, self-inspection
plans and tasks, the hidden danger and its declared workflow, the rectification plan of a major
danger (五落实), extension requests and listed supervision (挂牌督办).

Scope follows the enterprise: a danger, plan or task is visible to whoever sees its enterprise
(:meth:`anjian.enterprises.models.Enterprise.scope_q`), so an enterprise sees its own, a grid
inspector its grid's, a town its territory's and a department its supervised enterprises'.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.core.deadlines import DeadlinePolicies, DeadlinePolicy, Step
from anjian.core.owners import register_owner
from anjian.core.roles import Role
from anjian.core.scoping import NOTHING, ScopedQuerySet
from anjian.core.workflow import Action, StateField, Workflow, WorkflowQuerySet
from anjian.dangers import effects, recipients
from anjian.dangers.choices import (
    OPEN_STATES,
    DangerCategory,
    DangerSource,
    DangerState,
    ExtensionState,
    Frequency,
    ListingState,
)
from anjian.enterprises.models import Enterprise
from anjian.standards import major_danger

S = DangerState


def _any(*conditions: Q) -> Q:
    """Either condition; ``NOTHING`` parts dropped, ``Q()`` (everything) wins."""
    parts = [c for c in conditions if c != NOTHING]
    if not parts:
        return NOTHING
    if any(part == Q() for part in parts):
        return Q()
    result = parts[0]
    for part in parts[1:]:
        result |= part
    return result


def enterprise_scope(grants: Any, prefix: str = "") -> Q:
    """The rows whose enterprise the user sees (the registry's own rule, as a subquery)."""
    if grants.city_wide:
        return Q()
    condition = Enterprise.scope_q(grants, write=False)
    if condition == NOTHING:
        return NOTHING
    return Q(**{f"{prefix}enterprise__in": Enterprise.objects.filter(condition).values("pk")})


# The workflow's rules: the user's grants → the rows on which the role may act.


def _own_enterprise(prefix: str = "") -> Any:
    def rule(grants: Any) -> Q:
        if not grants.has(Role.ENTERPRISE) or not grants.own_enterprises:
            return NOTHING
        return Q(**{f"{prefix}enterprise__credit_code__in": grants.own_enterprises})

    rule.__doc__ = "The enterprise's own safety managers."
    return rule


def _authorities(prefix: str = "") -> Any:
    def rule(grants: Any) -> Q:
        town = (
            Q(**{f"{prefix}town_id__in": grants.town_ids})
            if grants.has(Role.TOWN) and grants.town_ids
            else NOTHING
        )
        department = NOTHING
        if grants.has(Role.DEPARTMENT) and grants.departments:
            supervised = Enterprise.departments.through.objects.filter(
                department__code__in=grants.departments
            ).values("enterprise_id")
            department = Q(**{f"{prefix}enterprise__in": supervised})
        return _any(Q() if grants.city_wide else NOTHING, town, department)

    rule.__doc__ = "The town (属地), the supervising departments (行业) and the city office."
    return rule


def _town_or_city(grants: Any) -> Q:
    town = Q(town_id__in=grants.town_ids) if grants.has(Role.TOWN) and grants.town_ids else NOTHING
    return _any(Q() if grants.city_wide else NOTHING, town)


the_enterprise = _own_enterprise()
the_authorities = _authorities()


class HiddenDangerQuerySet(WorkflowQuerySet):
    def open(self) -> HiddenDangerQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: date | None = None) -> HiddenDangerQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())


def due_at(day: date) -> datetime:
    """A deadline date's due time: the end of that day (local time)."""
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


class HiddenDanger(models.Model):
    """A hidden danger (事故隐患), from its report to its closing out (销号)."""

    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, related_name="hidden_dangers", verbose_name=_("企业")
    )
    # The enterprise's town when reported: the figures by town count from it.
    town = models.ForeignKey(
        "orgs.Town", models.PROTECT, related_name="hidden_dangers", verbose_name=_("镇街")
    )
    source = models.CharField(_("来源"), max_length=20, choices=DangerSource.choices)
    place = models.CharField(_("部位"), max_length=200)
    description = models.TextField(_("隐患描述"), max_length=2000)
    category = models.CharField(
        _("隐患类别"), max_length=20, choices=DangerCategory.choices, default=DangerCategory.OTHER
    )
    is_major = models.BooleanField(_("重大隐患"), default=False)
    criterion_code = models.CharField(_("判定依据"), max_length=20, blank=True)
    finder = models.CharField(_("发现人"), max_length=50, blank=True)
    found_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    responsible_person = models.CharField(_("整改责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("整改期限"))
    state = StateField(_("状态"), choices=DangerState.choices, default=DangerState.REPORTED)
    task = models.ForeignKey(
        "dangers.InspectionTask",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dangers",
        verbose_name=_("排查任务"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    workflow = Workflow(
        states=DangerState,
        title=_("事故隐患"),
        actions=[
            Action(
                "assess",
                _("评估定级"),
                [S.REPORTED],
                S.ASSESSED,
                the_authorities,
                effect=effects.assess,
            ),
            Action(
                "start_rectification",
                _("开始整改"),
                [S.ASSESSED],
                S.RECTIFYING,
                the_enterprise,
                effect=effects.start_rectification,
            ),
            Action(
                "submit",
                _("提交验收"),
                [S.RECTIFYING],
                S.AWAITING_VERIFICATION,
                the_enterprise,
                attachment_required=True,  # the photo after rectification
            ),
            Action(
                "reject",
                _("验收不通过"),
                [S.AWAITING_VERIFICATION],
                S.RECTIFYING,
                the_authorities,
                comment_required=True,
            ),
            Action(
                "close_out",
                _("验收销号"),
                [S.AWAITING_VERIFICATION],
                S.CLOSED_OUT,
                the_authorities,
                effect=effects.close_out,
            ),
            Action(
                "cancel",
                _("撤销"),
                list(OPEN_STATES),
                S.CANCELLED,
                _town_or_city,
                comment_required=True,
                effect=effects.cancel,
                awaits=False,
            ),
        ],
    )
    deadlines = DeadlinePolicies(
        DeadlinePolicy(
            "rectify",
            _("整改期限"),
            steps=[
                Step(
                    "remind-3d",
                    -timedelta(days=3),
                    _("隐患整改期限三天后到期"),
                    recipients.enterprise,
                ),
                Step(
                    "remind-1d",
                    -timedelta(days=1),
                    _("隐患整改期限明天到期"),
                    recipients.enterprise,
                ),
                Step("escalate-town", timedelta(0), _("隐患整改逾期"), recipients.town),
                Step(
                    "escalate-department",
                    timedelta(days=3),
                    _("隐患整改逾期三天"),
                    recipients.departments,
                ),
                Step("escalate-city", timedelta(days=7), _("隐患整改逾期七天"), recipients.city),
            ],
        ),
    )

    objects = HiddenDangerQuerySet.as_manager()

    class Meta:
        verbose_name = _("事故隐患")
        verbose_name_plural = _("事故隐患")
        # No default ordering: the workflow's "awaiting" UNION refuses ordered parts.
        indexes = [
            models.Index(fields=["town", "state", "created_at"], name="danger_town_state"),
            models.Index(fields=["enterprise", "state"], name="danger_enterprise_state"),
            models.Index(fields=["state", "deadline"], name="danger_state_deadline"),
            models.Index(fields=["is_major", "state"], name="danger_major_state"),
            # The open dangers, newest first (the list's default) and per enterprise (its
            # count): a tenth of the rows, read without the closed ones (bench.dangers_list).
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(state__in=OPEN_STATES),
                name="danger_open_recent",
            ),
            models.Index(
                fields=["enterprise"], condition=Q(state__in=OPEN_STATES), name="danger_open_ent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place}：{self.description[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("dangers:detail", args=[self.pk])

    @property
    def criterion(self) -> major_danger.Criterion | None:
        if not self.criterion_code:
            return None
        try:
            return major_danger.criterion(self.criterion_code)
        except ValueError:
            return None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def overdue(self) -> bool:
        return self.is_open and self.deadline < timezone.localdate()

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        """With its enterprise, for reading and for adding photos alike."""
        return enterprise_scope(grants)


class RectificationPlan(models.Model):
    """The five implementations (五落实) of a major danger's rectification, set before it
    starts (:mod:`anjian.standards.rectification`). Written once; a new plan replaces it."""

    danger = models.OneToOneField(
        HiddenDanger, models.CASCADE, related_name="plan", verbose_name=_("事故隐患")
    )
    owner = models.CharField(_("责任落实（责任人）"), max_length=50)
    measures = models.TextField(_("措施落实（治理措施）"), max_length=2000)
    funds = models.DecimalField(
        _("资金落实（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("时限落实（完成期限）"), null=True, blank=True)
    contingency_plan = models.TextField(_("预案落实（应急预案）"), max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("治理方案（五落实）")
        verbose_name_plural = _("治理方案（五落实）")

    def __str__(self) -> str:
        return f"{self.danger_id} {self.owner}"

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        return enterprise_scope(grants, "danger__")


class ExtensionRequest(models.Model):
    """An enterprise's request for a later rectification deadline; approving it replaces the
    danger's deadline (the old one is kept, closed as extended): never edited in place."""

    danger = models.ForeignKey(
        HiddenDanger, models.CASCADE, related_name="extensions", verbose_name=_("事故隐患")
    )
    previous_deadline = models.DateField(_("原期限"))
    requested_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"), max_length=1000)
    state = StateField(_("状态"), choices=ExtensionState.choices, default=ExtensionState.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    workflow = Workflow(
        states=ExtensionState,
        title=_("隐患整改延期申请"),
        actions=[
            Action(
                "approve",
                _("批准延期"),
                [ExtensionState.REQUESTED],
                ExtensionState.APPROVED,
                _authorities("danger__"),
                effect=effects.approve_extension,
            ),
            Action(
                "refuse",
                _("不批准"),
                [ExtensionState.REQUESTED],
                ExtensionState.REFUSED,
                _authorities("danger__"),
                comment_required=True,
            ),
        ],
    )

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")

    def __str__(self) -> str:
        return f"{self.danger_id} → {self.requested_deadline}"

    def get_absolute_url(self) -> str:
        return reverse("dangers:detail", args=[self.danger_id])

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        return enterprise_scope(grants, "danger__")


def _listing_unit(grants: Any) -> Q:
    """The unit that listed it: the city office (city listings) or the listing town."""
    city = Q(level=ListingLevel.CITY) if grants.city_wide else NOTHING
    town = (
        Q(level=ListingLevel.TOWN, listing_town_id__in=grants.town_ids)
        if grants.has(Role.TOWN) and grants.town_ids
        else NOTHING
    )
    return _any(city, town)


class ListingLevel(models.TextChoices):
    CITY = "city", _("市级挂牌")
    TOWN = "town", _("镇街挂牌")


class ListedSupervision(models.Model):
    """Listed supervision (挂牌督办) of a major danger by the city or a town: the supervising
    department, a deadline, progress reports at an interval; lifted (摘牌) by the listing unit
    only once the danger has been verified and closed out."""

    danger = models.ForeignKey(
        HiddenDanger, models.CASCADE, related_name="listings", verbose_name=_("事故隐患")
    )
    level = models.CharField(_("挂牌级别"), max_length=10, choices=ListingLevel.choices)
    listing_town = models.ForeignKey(
        "orgs.Town",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("挂牌镇街"),
    )
    department = models.ForeignKey(
        "orgs.Department",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("督办部门"),
    )
    deadline = models.DateField(_("督办期限"))
    report_interval_days = models.PositiveSmallIntegerField(_("进展报告间隔（天）"), default=7)
    state = StateField(_("状态"), choices=ListingState.choices, default=ListingState.LISTED)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    listed_at = models.DateTimeField(_("挂牌时间"), default=timezone.now)

    workflow = Workflow(
        states=ListingState,
        title=_("挂牌督办"),
        actions=[
            Action(
                "lift",
                _("摘牌"),
                [ListingState.LISTED],
                ListingState.LIFTED,
                _listing_unit,
                comment_required=True,
                effect=effects.lift,
            ),
        ],
    )
    deadlines = DeadlinePolicies(
        DeadlinePolicy(
            "progress",
            _("督办进展报告"),
            steps=[
                Step(
                    "remind", timedelta(0), _("请报送挂牌督办隐患的整改进展"), recipients.enterprise
                ),
                Step(
                    "escalate",
                    timedelta(days=2),
                    _("挂牌督办隐患逾期未报进展"),
                    recipients.listing_unit,
                ),
            ],
        ),
    )

    objects = WorkflowQuerySet.as_manager()

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        constraints = [
            models.UniqueConstraint(
                fields=["danger"], condition=Q(state="listed"), name="one_listing_per_danger"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.danger}"

    def get_absolute_url(self) -> str:
        return reverse("dangers:detail", args=[self.danger_id])

    @property
    def enterprise(self) -> Enterprise:
        return self.danger.enterprise

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        return enterprise_scope(grants, "danger__")


class ProgressReport(models.Model):
    """A progress report on a listed danger, by the enterprise, at the listing's interval."""

    listing = models.ForeignKey(
        ListedSupervision, models.CASCADE, related_name="reports", verbose_name=_("挂牌督办")
    )
    text = models.TextField(_("进展情况"), max_length=2000)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True)
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办进展报告")
        verbose_name_plural = _("督办进展报告")
        ordering = ["-reported_at", "-id"]

    def __str__(self) -> str:
        return self.text[:30]

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        return enterprise_scope(grants, "listing__danger__")


class Checklist(models.Model):
    """A checklist template (排查清单) for an industry or a category of enterprise; reference
    data readable by every signed-in user, built in by :mod:`anjian.dangers.checklists`."""

    key = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    scope = models.CharField(_("适用范围"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查清单")
        verbose_name_plural = _("排查清单")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        return NOTHING if write else Q()


class ChecklistItem(models.Model):
    """One thing to check; an item carrying a major-danger criterion makes a failed check a
    major hidden danger, with the criterion's citation."""

    checklist = models.ForeignKey(
        Checklist, models.CASCADE, related_name="items", verbose_name=_("排查清单")
    )
    order = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("排查内容"), max_length=300)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    criterion_code = models.CharField(_("重大隐患判定条目"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("排查项目")
        verbose_name_plural = _("排查项目")
        ordering = ["checklist", "order"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "order"], name="unique_checklist_item")
        ]

    def __str__(self) -> str:
        return self.text


class InspectionPlan(models.Model):
    """An enterprise's self-inspection plan: a checklist at a frequency, for a post or person;
    Celery beat turns it into tasks (:func:`anjian.dangers.services.generate_tasks`)."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="inspection_plans", verbose_name=_("企业")
    )
    checklist = models.ForeignKey(
        Checklist, models.PROTECT, related_name="plans", verbose_name=_("排查清单")
    )
    name = models.CharField(_("计划名称"), max_length=100)
    frequency = models.CharField(_("频次"), max_length=20, choices=Frequency.choices)
    post = models.CharField(_("岗位"), max_length=50, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自查计划")
        verbose_name_plural = _("自查计划")
        ordering = ["enterprise", "name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        return enterprise_scope(grants)


class InspectionTask(models.Model):
    """One period's run of a plan: done on a phone, item by item, with photos and location."""

    plan = models.ForeignKey(
        InspectionPlan, models.CASCADE, related_name="tasks", verbose_name=_("自查计划")
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="inspection_tasks", verbose_name=_("企业")
    )
    checklist = models.ForeignKey(Checklist, models.PROTECT, related_name="+")
    period = models.CharField(_("周期"), max_length=20)
    due_on = models.DateField(_("应完成日期"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("排查任务")
        verbose_name_plural = _("排查任务")
        ordering = ["completed_at", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period"], name="one_task_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("dangers:task", args=[self.pk])

    @classmethod
    def scope_q(cls, grants: Any, *, write: bool) -> Q:
        return enterprise_scope(grants)


class TaskResult(models.Model):
    """One item's result in a task; a failed one points at the hidden danger it became."""

    task = models.ForeignKey(
        InspectionTask, models.CASCADE, related_name="results", verbose_name=_("排查任务")
    )
    item = models.ForeignKey(ChecklistItem, models.PROTECT, related_name="+")
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    danger = models.OneToOneField(
        HiddenDanger, models.SET_NULL, null=True, blank=True, related_name="task_result"
    )

    class Meta:
        verbose_name = _("排查结果")
        verbose_name_plural = _("排查结果")
        constraints = [models.UniqueConstraint(fields=["task", "item"], name="one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.item_id} {self.passed}"


register_owner(InspectionTask)  # photos of the items that passed
__all__ = [
    "Checklist",
    "ChecklistItem",
    "DangerCategory",
    "DangerSource",
    "DangerState",
    "ExtensionRequest",
    "HiddenDanger",
    "InspectionPlan",
    "InspectionTask",
    "ListedSupervision",
    "ListingLevel",
    "ProgressReport",
    "RectificationPlan",
    "TaskResult",
    "due_at",
    "enterprise_scope",
]
