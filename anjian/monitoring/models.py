"""Major hazard installations (重大危险源), their sensors, readings and alarms.

An installation is one production or storage unit of an enterprise in the sense of GB 18218-2018
(§3.4, §3.5): it holds inventories of dangerous chemicals (design maximum quantities), and its
S, R and level are recomputed through :mod:`anjian.standards.gb18218` whenever an inventory or
the number of people within 500 m changes (:func:`anjian.monitoring.services.regrade`); the
calculation is kept line by line in ``calculation``.

Readings are written in batches by the ingest (:mod:`anjian.monitoring.ingest`); their primary
key is (sensor, time), so a duplicate is stored once. On PostgreSQL the table is partitioned by
month (migration 0002). Alarms follow a declared workflow and escalate through the core
deadline engine.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from anjian.core.deadlines import DeadlinePolicies, DeadlinePolicy, Step
from anjian.core.roles import Grants, Role
from anjian.core.scoping import NOTHING, ScopedQuerySet
from anjian.core.workflow import Action, StateField, Workflow, WorkflowQuerySet
from anjian.enterprises.models import Enterprise
from anjian.monitoring.choices import (
    AlarmLevel,
    AlarmState,
    RejectReason,
    SensorKind,
    SetPointBasis,
    UnitKind,
)
from anjian.orgs.models import CITY_CODE


def enterprise_scope(grants: Grants, *, write: bool, path: str = "enterprise") -> Q:
    """Rows seen and changed with their enterprise (``Enterprise.scope_q`` as a subquery)."""
    if grants.city_wide:
        return Q()
    enterprises = Enterprise.objects.filter(Enterprise.scope_q(grants, write=write))
    return Q(**{f"{path}__in": enterprises.values("pk")})


class Installation(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="installations", verbose_name=_("企业")
    )
    code = models.CharField(_("编号"), max_length=40)
    name = models.CharField(_("名称"), max_length=100)
    unit_kind = models.CharField(_("单元类型"), max_length=12, choices=UnitKind.choices)
    exposed_people = models.PositiveIntegerField(
        _("500米范围内常住人口"),
        default=0,
        help_text=_("厂区边界向外扩展500米范围内常住人口数（GB 18218-2018 表5）"),
    )
    # Filing (备案) with the emergency management bureau.
    filing_number = models.CharField(_("备案编号"), max_length=60, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    # The three responsible persons of the safety guarantee system (包保责任人).
    principal_person = models.CharField(_("主要负责人"), max_length=40, blank=True)
    technical_person = models.CharField(_("技术负责人"), max_length=40, blank=True)
    operation_person = models.CharField(_("操作负责人"), max_length=40, blank=True)
    # The result of the last assessment (services.regrade), never typed in.
    s = models.DecimalField("S", max_digits=20, decimal_places=6, default=0, editable=False)
    r = models.DecimalField(
        "R", max_digits=20, decimal_places=6, null=True, blank=True, editable=False
    )
    is_major = models.BooleanField(_("构成重大危险源"), default=False, editable=False)
    level = models.PositiveSmallIntegerField(
        _("重大危险源等级"), null=True, blank=True, editable=False
    )
    calculation = models.JSONField(_("计算过程"), default=dict, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("重大危险源")
        verbose_name_plural = _("重大危险源")
        ordering = ["enterprise_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "code"], name="monitoring_installation_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:installation_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """An installation is seen and changed with its enterprise."""
        return enterprise_scope(grants, write=write)


class Inventory(models.Model):
    """One dangerous chemical of an installation and its design maximum quantity (t)."""

    installation = models.ForeignKey(
        Installation, models.CASCADE, related_name="inventories", verbose_name=_("重大危险源")
    )
    name = models.CharField(_("危险化学品名称"), max_length=100, blank=True)
    cas = models.CharField(_("CAS号"), max_length=20, blank=True)
    category = models.CharField(
        _("危险性类别"), max_length=40, blank=True, help_text=_("表2类别代码，如 W5.1、J1")
    )
    max_quantity_t = models.DecimalField(_("最大存在量（吨）"), max_digits=14, decimal_places=4)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("危险化学品存量")
        verbose_name_plural = _("危险化学品存量")
        ordering = ["installation_id", "pk"]

    def __str__(self) -> str:
        return self.name or self.cas or self.category

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return enterprise_scope(grants, write=write, path="installation__enterprise")


class Sensor(models.Model):
    installation = models.ForeignKey(
        Installation, models.CASCADE, related_name="sensors", verbose_name=_("重大危险源")
    )
    code = models.CharField(
        _("传感器编码"), max_length=64, unique=True, help_text=_("MQTT主题和接口中使用的编码")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=24, choices=SensorKind.choices)
    unit = models.CharField(_("单位"), max_length=16)
    range_min = models.DecimalField(_("量程下限"), max_digits=14, decimal_places=4)
    range_max = models.DecimalField(_("量程上限"), max_digits=14, decimal_places=4)
    ll = models.DecimalField(_("低低限"), null=True, blank=True, max_digits=14, decimal_places=4)
    l = models.DecimalField(_("低限"), null=True, blank=True, max_digits=14, decimal_places=4)  # noqa: E741
    h = models.DecimalField(_("高限"), null=True, blank=True, max_digits=14, decimal_places=4)
    hh = models.DecimalField(_("高高限"), null=True, blank=True, max_digits=14, decimal_places=4)
    sampling_interval_s = models.PositiveIntegerField(_("采样周期（秒）"), default=10)
    # Gas detectors: the basis of a toxic detector's set points and the values it needs
    # (GB/T 50493-2019). Level 1 and 2 are H and HH (for oxygen: H over-oxygen, L deficiency).
    basis = models.CharField(
        _("报警设定依据"), max_length=8, choices=SetPointBasis.choices, blank=True
    )
    oel = models.DecimalField(
        _("职业接触限值"), null=True, blank=True, max_digits=14, decimal_places=4
    )
    idlh = models.DecimalField(_("IDLH"), null=True, blank=True, max_digits=14, decimal_places=4)
    # Last time a reading arrived (written by the ingest at most once a sampling interval).
    last_seen_at = models.DateTimeField(_("最近数据时间"), null=True, blank=True, editable=False)
    online = models.BooleanField(_("在线"), default=False, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("传感器")
        verbose_name_plural = _("传感器")
        ordering = ["installation_id", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def limits(self) -> tuple[Decimal | None, ...]:
        """LL, L, H, HH (None where not set)."""
        return (self.ll, self.l, self.h, self.hh)

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return enterprise_scope(grants, write=write, path="installation__enterprise")


class Reading(models.Model):
    """One value of one sensor at one time; (sensor, ts) is the key, so duplicates are one."""

    pk = models.CompositePrimaryKey("sensor", "ts")
    sensor = models.ForeignKey(
        Sensor, models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    ts = models.DateTimeField()
    value = models.FloatField()

    audit_safety_net = False  # measurements, not records anyone edits

    class Meta:
        verbose_name = _("监测数据")
        verbose_name_plural = _("监测数据")

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.ts:%Y-%m-%d %H:%M:%S} {self.value}"


class Aggregate(models.Model):
    """Minute and hour aggregates of readings, built in the background and kept longer."""

    class Resolution(models.TextChoices):
        MINUTE = "minute", _("分钟")
        HOUR = "hour", _("小时")

    pk = models.CompositePrimaryKey("sensor", "resolution", "start")
    sensor = models.ForeignKey(Sensor, models.CASCADE, related_name="+")
    resolution = models.CharField(max_length=6, choices=Resolution.choices)
    start = models.DateTimeField()
    count = models.PositiveIntegerField()
    minimum = models.FloatField()
    maximum = models.FloatField()
    total = models.FloatField()

    audit_safety_net = False

    class Meta:
        verbose_name = _("监测数据汇总")
        verbose_name_plural = _("监测数据汇总")

    def __str__(self) -> str:
        return f"{self.sensor_id} {self.resolution} {self.start:%Y-%m-%d %H:%M}"


class Rejection(models.Model):
    """Bad readings counted per enterprise, day and reason (``enterprise`` None: the sensor
    code is unknown, so no enterprise can be named)."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    reason = models.CharField(max_length=16, choices=RejectReason.choices)
    count = models.PositiveIntegerField(default=0)
    last_example = models.CharField(max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    audit_safety_net = False

    class Meta:
        verbose_name = _("被拒绝的数据")
        verbose_name_plural = _("被拒绝的数据")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "day", "reason"],
                name="monitoring_rejection_unique",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.reason} {self.count}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return enterprise_scope(grants, write=write)


# --- alarms: the workflow and its escalation


def the_enterprise(grants: Grants) -> Q:
    """The enterprise's own safety managers."""
    if not grants.has(Role.ENTERPRISE):
        return NOTHING
    return Q(enterprise__credit_code__in=grants.own_enterprises)


def the_officials(grants: Grants) -> Q:
    """The enterprise itself, its town, or the city office."""
    if grants.city_wide:
        return Q()
    condition = the_enterprise(grants)
    if grants.has(Role.TOWN):
        condition |= Q(enterprise__town_id__in=grants.town_ids)
    return condition


def _users(role: str, code_of: Any) -> Any:
    def recipients(alarm: Alarm) -> Any:
        from anjian.accounts.models import User

        return User.objects.filter(
            role_assignments__role=role, role_assignments__jurisdiction_code=code_of(alarm)
        ).distinct()

    return recipients


to_enterprise = _users(Role.ENTERPRISE, lambda a: a.enterprise.credit_code)
to_town = _users(Role.TOWN, lambda a: a.enterprise.town.code)
to_city = _users(Role.CITY, lambda a: CITY_CODE)


def _close_deadline(alarm: Alarm, record: Any, *, actor: Any, data: dict[str, Any]) -> None:
    from anjian.core import deadlines

    deadlines.close_deadline(alarm, "acknowledge", actor=actor)


S = AlarmState


class AlarmQuerySet(WorkflowQuerySet):
    def open(self) -> AlarmQuerySet:
        return self.exclude(state=AlarmState.CLOSED)


class Alarm(models.Model):
    sensor = models.ForeignKey(
        Sensor, models.CASCADE, related_name="alarms", verbose_name=_("传感器")
    )
    installation = models.ForeignKey(
        Installation, models.CASCADE, related_name="alarms", verbose_name=_("重大危险源")
    )
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="+", verbose_name=_("企业")
    )
    level = models.CharField(_("报警级别"), max_length=8, choices=AlarmLevel.choices)
    value = models.FloatField(_("报警值"), null=True, blank=True)
    limit = models.FloatField(_("限值"), null=True, blank=True)
    raised_at = models.DateTimeField(_("报警时间"), db_index=True)
    # When the value came back (past the hysteresis band) or the sensor spoke again; while
    # null the condition holds, and no second alarm of that level is raised for the sensor.
    cleared_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    state = StateField(_("状态"), choices=AlarmState.choices, default=AlarmState.RAISED)

    workflow = Workflow(
        states=AlarmState,
        title=_("报警"),
        actions=[
            Action(
                "acknowledge",
                _("确认"),
                [S.RAISED],
                S.ACKNOWLEDGED,
                the_officials,
                effect=_close_deadline,
            ),
            Action(
                "handle",
                _("处置"),
                [S.ACKNOWLEDGED],
                S.HANDLED,
                the_officials,
                comment_required=True,
            ),
            Action("close", _("关闭"), [S.HANDLED], S.CLOSED, the_officials),
        ],
    )
    deadlines = DeadlinePolicies(
        DeadlinePolicy(
            "acknowledge",
            _("报警确认期限"),
            steps=[
                Step("escalate-town", timedelta(0), _("报警未及时确认，已上报镇街"), to_town),
                Step(
                    "escalate-city",
                    timedelta(minutes=15),
                    _("报警长时间未确认，已上报市安委办"),
                    to_city,
                ),
            ],
        )
    )

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        # No default ordering: "awaiting my action" unions every workflow's rows, and SQLite
        # refuses ORDER BY inside a compound statement; lists order explicitly.
        constraints = [
            models.UniqueConstraint(
                fields=["sensor", "level"],
                condition=Q(cleared_at__isnull=True),
                name="monitoring_alarm_one_active_per_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sensor.code} {self.get_level_display()}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:installation_detail", args=[self.installation_id])

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        return enterprise_scope(grants, write=write)
