"""Accidents (生产安全事故): quick reports, supplementary reports, the reporting chain, the
investigation (a declared workflow), control quotas and vetoes.

The grade is never typed: :mod:`anjian.accidents.services` computes it with
:func:`anjian.standards.accident.grade` (国务院令第493号 art. 3) and stores it, so lists,
statistics and the veto read one column.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anjian.accidents.choices import (
    GradeChoices,
    InvestigationState,
    QuotaKind,
    ReportLevel,
    TypeEdition,
)
from anjian.accounts.models import User
from anjian.core.deadlines import DeadlinePolicies, DeadlinePolicy, Step
from anjian.core.roles import Grants, Role
from anjian.core.scoping import NOTHING, ScopedQuerySet
from anjian.core.workflow import Action, StateField, Workflow, WorkflowQuerySet
from anjian.orgs.models import CITY_CODE
from anjian.standards import accident as rules
from anjian.standards import accident_types

MAX_COUNT = 100_000  # people: beyond any accident, and keeps sums well inside integers
MAX_LOSS = Decimal("999999999999.99")  # yuan


def _departments_q(grants: Grants) -> Q:
    through = Accident.departments.through.objects.filter(
        department__code__in=grants.departments
    ).values("accident_id")
    return Q(pk__in=through)


def accident_scope_q(grants: Grants, *, write: bool, prefix: str = "") -> Q:
    """Which accidents a user's roles cover: the city office all; a town its territory; a
    department the accidents of the industries it supervises; a grid inspector those of its
    grids' enterprises; an enterprise its own (read only). Writers: the city office, the town,
    the department. ``prefix`` applies it to a model that points at an accident."""

    def q(**lookup: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookup.items()})

    if grants.city_wide:
        return Q()
    condition = NOTHING
    if grants.towns:
        condition |= q(town_id__in=grants.town_ids)
    if grants.departments:
        through = Accident.departments.through.objects.filter(
            department__code__in=grants.departments
        ).values("accident_id")
        condition |= q(pk__in=through)
    if write:
        return condition
    if grants.grids:
        condition |= q(enterprise__grid__code__in=grants.grids)
    if grants.enterprises:
        condition |= q(enterprise__credit_code__in=grants.enterprises)
    return condition


# --- the investigation workflow's rules (grants → Q over accidents) ----------------------------


def the_city_office(grants: Grants) -> Q:
    """The county-level government's office (滕州市): investigates ordinary accidents and
    records the higher levels' investigations (art. 19)."""
    return Q() if grants.city_wide else NOTHING


def the_investigators(grants: Grants) -> Q:
    """The city office, or a department supervising the accident's industry (entrusted)."""
    if grants.city_wide:
        return Q()
    if grants.has(Role.DEPARTMENT) and grants.departments:
        return _departments_q(grants)
    return NOTHING


def _users(role: str, code_of: Any) -> Any:
    def recipients(accident: Accident) -> Any:
        return User.objects.filter(
            role_assignments__role=role, role_assignments__jurisdiction_code=code_of(accident)
        ).distinct()

    return recipients


to_town = _users(Role.TOWN, lambda a: a.town.code)
to_city = _users(Role.CITY, lambda a: CITY_CODE)


def _to_town_and_city(accident: Accident) -> list[Any]:
    return list({user.pk: user for user in [*to_town(accident), *to_city(accident)]}.values())


S = InvestigationState


def _effect(name: str) -> Any:
    """The investigation's effects live in the services (one place for every state change);
    imported late, as the services import this module."""

    def effect(accident: Accident, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
        from anjian.accidents import investigation

        getattr(investigation, name)(accident, record, actor=actor, data=data)

    effect.__name__ = name
    return effect


class AccidentQuerySet(WorkflowQuerySet):
    def open_investigations(self) -> AccidentQuerySet:
        return self.exclude(state=S.CLOSED)


class Accident(models.Model):
    """One work-safety accident, from its quick report (快报) to its closure (结案)."""

    occurred_at = models.DateTimeField(_("发生时间"))
    learnt_at = models.DateTimeField(
        _("单位负责人接报时间"),
        help_text=_("报告时限从此时起算（第九条）；默认为发生时间"),
    )
    place = models.CharField(_("发生地点"), max_length=200)
    town = models.ForeignKey("orgs.Town", models.PROTECT, related_name="+", verbose_name=_("镇街"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("事故单位"),
        help_text=_("道路交通、居民家中等无生产经营单位的事故不填"),
    )
    industry = models.ForeignKey(
        "orgs.Industry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("行业"),
    )
    departments = models.ManyToManyField(
        "orgs.Department", blank=True, related_name="+", verbose_name=_("负有监管职责的部门")
    )
    type_edition = models.CharField(
        _("分类标准"), max_length=20, choices=TypeEdition.choices, editable=False
    )
    type_code = models.CharField(_("事故类型代码"), max_length=10)
    road_traffic = models.BooleanField(
        _("道路交通事故"), default=False, help_text=_("道路交通事故补报期限为7日（第十三条）")
    )
    deaths = models.PositiveIntegerField(_("死亡人数"), validators=[MaxValueValidator(MAX_COUNT)])
    missing = models.PositiveIntegerField(
        _("下落不明人数"), default=0, validators=[MaxValueValidator(MAX_COUNT)]
    )
    serious_injuries = models.PositiveIntegerField(
        _("重伤人数（含急性工业中毒）"), validators=[MaxValueValidator(MAX_COUNT)]
    )
    direct_loss_yuan = models.DecimalField(
        _("直接经济损失（元）"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_LOSS)],
    )
    summary = models.TextField(_("简要经过"), max_length=4000)
    grade = models.CharField(
        _("事故等级"), max_length=30, choices=GradeChoices.choices, editable=False, db_index=True
    )
    state = StateField(_("调查处理状态"), choices=InvestigationState.choices, default=S.REPORTED)
    # The investigation (art. 19–34).
    team = models.TextField(_("调查组"), blank=True, max_length=2000)
    extension_days = models.PositiveSmallIntegerField(_("延长调查期限（日）"), default=0)
    findings = models.TextField(_("责任认定"), blank=True, max_length=8000)
    penalties = models.TextField(_("处理处罚"), blank=True, max_length=8000)
    recommendations = models.TextField(_("整改防范措施建议"), blank=True, max_length=8000)
    closing_summary = models.TextField(
        _("结案公开摘要"),
        blank=True,
        max_length=8000,
        help_text=_("向社会公布的内容（第三十四条），不得含个人信息"),
    )
    report_submitted_at = models.DateTimeField(_("调查报告提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("填报人")
    )
    created_at = models.DateTimeField(_("填报时间"), default=timezone.now)

    workflow = Workflow(
        states=InvestigationState,
        title=_("事故调查处理"),
        actions=[
            Action(
                "start_investigation",
                _("成立调查组"),
                [S.REPORTED],
                S.INVESTIGATING,
                the_investigators,
                fields=["team"],
                effect=_effect("start"),
            ),
            Action(
                "extend",
                _("批准延长调查期限"),
                [S.INVESTIGATING],
                S.INVESTIGATING,
                the_city_office,
                comment_required=True,
                fields=["days"],
                effect=_effect("extend"),
                awaits=False,
            ),
            Action(
                "submit_report",
                _("提交调查报告"),
                [S.INVESTIGATING],
                S.REPORT_SUBMITTED,
                the_investigators,
                fields=["findings", "penalties", "recommendations"],
                effect=_effect("submit_report"),
            ),
            Action(
                "approve",
                _("批复调查报告"),
                [S.REPORT_SUBMITTED],
                S.APPROVED,
                the_city_office,
                effect=_effect("approve"),
            ),
            Action(
                "send_back",
                _("退回调查组"),
                [S.REPORT_SUBMITTED],
                S.INVESTIGATING,
                the_city_office,
                comment_required=True,
                effect=_effect("send_back"),
            ),
            Action(
                "close",
                _("结案"),
                [S.APPROVED],
                S.CLOSED,
                the_investigators,
                fields=["closing_summary"],
                effect=_effect("close"),
            ),
        ],
    )
    deadlines = DeadlinePolicies(
        DeadlinePolicy(
            "investigation",
            _("事故调查期限"),
            steps=[
                Step(
                    "remind-7d", -timedelta(days=7), _("事故调查报告7日内到期"), _to_town_and_city
                ),
                Step("escalate-city", timedelta(0), _("事故调查逾期"), to_city),
            ],
        ),
        DeadlinePolicy(
            "approval",
            _("调查报告批复期限"),
            steps=[Step("escalate-city", timedelta(0), _("调查报告批复逾期"), to_city)],
        ),
        # The supplementary window (art. 13) is not a task but a period: the reminder asks the
        # town and the city office to check the counts before the grade becomes final.
        DeadlinePolicy(
            "supplementary",
            _("事故补报期限"),
            steps=[
                Step(
                    "remind-1d",
                    -timedelta(days=1),
                    _("事故补报期限明日届满，伤亡人数有变化的请及时补报"),
                    _to_town_and_city,
                )
            ],
            window=True,
        ),
    )

    objects = AccidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = _("生产安全事故")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["town", "occurred_at"], name="accident_town_time")]
        constraints = [
            models.CheckConstraint(
                condition=Q(learnt_at__gte=models.F("occurred_at")),
                name="accident_learnt_after_occurred",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("accidents:detail", args=[self.pk])

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return accident_scope_q(grants, write=write)

    @property
    def occurred_on(self) -> Any:
        return timezone.localdate(self.occurred_at)

    @property
    def accident_type(self) -> accident_types.AccidentType:
        return accident_types.by_code(self.type_edition, self.type_code)

    @property
    def grade_enum(self) -> rules.AccidentGrade:
        return rules.AccidentGrade(self.grade)

    @property
    def is_fire(self) -> bool:
        return self.accident_type.name == "火灾"

    @property
    def road_traffic_or_fire(self) -> bool:
        return self.road_traffic or self.is_fire

    @property
    def supplementary_until(self) -> Any:
        """The last day of the supplementary-report window (art. 13, counted by the standards)."""
        return rules.supplementary_report_until(
            self.occurred_on, road_traffic_or_fire=self.road_traffic_or_fire
        )

    @property
    def investigation_due(self) -> Any:
        return rules.investigation_deadline(self.occurred_on, extension_days=self.extension_days)

    @property
    def recode_target(self) -> accident_types.AccidentType | None:
        """For a 1986-coded accident: the one 2025 type continuing its type, else None."""
        if self.type_edition != TypeEdition.EDITION_1986:
            return None
        return accident_types.recode(self.type_code)

    @property
    def needs_recoding(self) -> bool:
        """A 1986 record whose type was split or dropped in 2025: a person recodes it."""
        return self.type_edition == TypeEdition.EDITION_1986 and self.recode_target is None

    @property
    def on_time(self) -> bool | None:
        """Whether the investigation report came in by its (extended) due day."""
        if self.report_submitted_at is None:
            return None
        return timezone.localdate(self.report_submitted_at) <= self.investigation_due


class ChildQuerySet(ScopedQuerySet[Any]):
    pass


class SupplementaryReport(models.Model):
    """A supplementary report (补报, art. 13): the counts as now known. Inside the window the
    accident is regraded; outside it the counts are recorded and the grade stays."""

    accident = models.ForeignKey(Accident, models.CASCADE, related_name="supplementary_reports")
    reported_at = models.DateTimeField(_("补报时间"))
    deaths = models.PositiveIntegerField(_("死亡人数"), validators=[MaxValueValidator(MAX_COUNT)])
    missing = models.PositiveIntegerField(
        _("下落不明人数"), validators=[MaxValueValidator(MAX_COUNT)]
    )
    serious_injuries = models.PositiveIntegerField(
        _("重伤人数（含急性工业中毒）"), validators=[MaxValueValidator(MAX_COUNT)]
    )
    direct_loss_yuan = models.DecimalField(
        _("直接经济损失（元）"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_LOSS)],
    )
    note = models.TextField(_("补报说明"), max_length=4000)
    within_window = models.BooleanField(_("在补报期限内"))
    grade_before = models.CharField(_("原等级"), max_length=30, choices=GradeChoices.choices)
    grade_after = models.CharField(_("补报后等级"), max_length=30, choices=GradeChoices.choices)
    reported_by = models.ForeignKey(
        User, models.SET_NULL, null=True, related_name="+", verbose_name=_("填报人")
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("事故补报")
        verbose_name_plural = _("事故补报")
        ordering = ["reported_at", "pk"]

    def __str__(self) -> str:
        return f"{self.accident} · {self.reported_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return accident_scope_q(grants, write=write, prefix="accident__")


def _step_to_town_and_city(step: ReportStep) -> list[Any]:
    return _to_town_and_city(step.accident)


class ReportStep(models.Model):
    """One level of the reporting chain (art. 9–11): when the report was due there, and when
    it arrived. A step that arrived after its due time, or is still missing past it, is late.

    Its due time also runs on the core deadline engine (kind ``report``): a reminder half an
    hour before it, and the late report (迟报) escalated to the town and the city office."""

    accident = models.ForeignKey(Accident, models.CASCADE, related_name="report_steps")
    level = models.CharField(_("报告层级"), max_length=20, choices=ReportLevel.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    due_at = models.DateTimeField(_("最迟报告时间"))
    reported_at = models.DateTimeField(_("实际报告时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("记录人")
    )

    deadlines = DeadlinePolicies(
        DeadlinePolicy(
            "report",
            _("事故信息报告时限"),
            steps=[
                Step(
                    "remind-30m",
                    -timedelta(minutes=30),
                    _("事故信息报告时限30分钟内到期"),
                    _step_to_town_and_city,
                ),
                Step("escalate", timedelta(0), _("事故信息迟报"), _step_to_town_and_city),
            ],
        ),
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("事故报告环节")
        verbose_name_plural = _("事故报告环节")
        ordering = ["accident", "order"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "level"], name="report_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.accident} · {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return self.accident.get_absolute_url()

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return accident_scope_q(grants, write=write, prefix="accident__")

    @property
    def late(self) -> bool:
        """Reported after the due time (迟报)."""
        return self.reported_at is not None and self.reported_at > self.due_at

    def overdue(self, now: Any = None) -> bool:
        """Not reported and past the due time."""
        return self.reported_at is None and (now or timezone.now()) > self.due_at


class QuotaQuerySet(ScopedQuerySet["ControlQuota"]):
    pass


class ControlQuota(models.Model):
    """A yearly death quota (事故控制指标) set by the higher level for a town or an industry."""

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    kind = models.CharField(_("对象"), max_length=10, choices=QuotaKind.choices)
    town = models.ForeignKey(
        "orgs.Town", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("镇街")
    )
    industry = models.ForeignKey(
        "orgs.Industry",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("行业"),
    )
    deaths_allowed = models.PositiveIntegerField(
        _("死亡人数控制指标"), validators=[MaxValueValidator(MAX_COUNT)]
    )
    set_by = models.CharField(_("下达单位"), max_length=100, default="枣庄市安全生产委员会")
    document = models.CharField(_("文件"), max_length=200, blank=True)

    objects = QuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("事故控制指标")
        verbose_name_plural = _("事故控制指标")
        ordering = ["-year", "kind", "town__code", "industry__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "town"], condition=Q(kind="town"), name="quota_town_once"
            ),
            models.UniqueConstraint(
                fields=["year", "industry"],
                condition=Q(kind="industry"),
                name="quota_industry_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="town", town__isnull=False, industry__isnull=True)
                | Q(kind="industry", industry__isnull=False, town__isnull=True),
                name="quota_names_its_object",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.town or self.industry}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Quotas are set by the higher level and entered by the city office; every official
        reads them (a town its own, a department those of its industries, by reading all)."""
        if grants.city_wide:
            return Q()
        if write:
            return NOTHING
        if grants.has(Role.TOWN) and not grants.has(Role.DEPARTMENT):
            return Q(kind=QuotaKind.TOWN, town_id__in=grants.town_ids) | Q(kind=QuotaKind.INDUSTRY)
        if grants.has(Role.TOWN, Role.DEPARTMENT, Role.GRID, Role.ENFORCEMENT):
            return Q()
        return NOTHING


class QuotaWarning(models.Model):
    """A warning sent once per quota and threshold (80 %, 100 %): the unique row is the claim."""

    quota = models.ForeignKey(ControlQuota, models.CASCADE, related_name="warnings")
    percent = models.PositiveSmallIntegerField(_("预警线（%）"))
    deaths = models.PositiveIntegerField(_("当时死亡人数"))
    accident = models.ForeignKey(Accident, models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("预警时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("控制指标预警")
        verbose_name_plural = _("控制指标预警")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["quota", "percent"], name="quota_warning_once")
        ]

    def __str__(self) -> str:
        return f"{self.quota} {self.percent}%"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        inner = ControlQuota.scope_q(grants, write=write)
        return Q(quota__in=ControlQuota.objects.filter(inner)) if inner != Q() else Q()


class Veto(models.Model):
    """一票否决: a relatively serious or graver accident marks its town's and its departments'
    year (read by the assessment module through :func:`anjian.accidents.vetoes.vetoes_for`)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    accident = models.ForeignKey(Accident, models.CASCADE, related_name="vetoes")
    town = models.ForeignKey(
        "orgs.Town", models.PROTECT, null=True, related_name="+", verbose_name=_("镇街")
    )
    department = models.ForeignKey(
        "orgs.Department", models.PROTECT, null=True, related_name="+", verbose_name=_("部门")
    )
    at = models.DateTimeField(_("标记时间"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一票否决")
        verbose_name_plural = _("一票否决")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["accident", "town"], name="veto_town_once"),
            models.UniqueConstraint(fields=["accident", "department"], name="veto_department_once"),
            models.CheckConstraint(
                condition=Q(town__isnull=False, department__isnull=True)
                | Q(town__isnull=True, department__isnull=False),
                name="veto_names_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.town or self.department}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return accident_scope_q(grants, write=False, prefix="accident__") if not write else NOTHING
