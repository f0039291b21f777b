"""The enterprise registry (一企一档): enterprises, their licences, identity change requests,
and the per-town tally the list counts from."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Lookup, Q, Sum, Value
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce, StrIndex
from django.db.models.lookups import GreaterThan, In
from django.db.models.sql import Query
from django.db.models.sql.where import WhereNode
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from anjian.core.scoping import NOTHING, ScopedQuerySet
from anjian.enterprises import validation
from anjian.enterprises.choices import (
    ChangeRequestState,
    EnterpriseRiskLevel,
    EnterpriseStatus,
    ReminderKind,
    StandardisationGrade,
)
from anjian.orgs.models import Town

if TYPE_CHECKING:
    from anjian.accounts.access import Grants

# A credit code matches anywhere from this many characters on (search).
CODE_SEARCH_MIN = 4
# pg_trgm's unit: shorter search texts cannot use a trigram index.
TRIGRAM = 3


@functools.lru_cache(maxsize=20000)
def _initial(char: str) -> str:
    if char.isascii():
        return char.upper() if char.isalnum() else ""
    letters = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
    return letters[0][:1].upper() if letters else ""


def name_initials(name: str) -> str:
    """Pinyin initials of a name, upper case (滕州市鑫源化工有限公司 → TZSXYHGYXGS).

    Character by character with each character's common reading, cached: an import of 10,000
    names costs milliseconds instead of the second that phrase segmentation takes.
    """
    return "".join(map(_initial, name))[:60]


def expiry_window() -> tuple[date, date]:
    """Today and the last day of the warning window (``LICENCE_EXPIRY_WARNING_DAYS``)."""
    today = timezone.localdate()
    return today, today + timedelta(days=settings.LICENCE_EXPIRY_WARNING_DAYS)


def expiry_state(until: date | None) -> str:
    """``expired``, ``expiring`` (within the warning window) or ``valid`` (also: no end date)."""
    if until is None:
        return "valid"
    today, horizon = expiry_window()
    if until < today:
        return "expired"
    return "expiring" if until <= horizon else "valid"


class EnterpriseQuerySet(ScopedQuerySet["Enterprise"]):
    def count(self) -> int:
        """Exact, summed from the town tally when every condition allows it (``tally_rows``):
        the registry page's paginator and the API list count a city-wide list in microseconds
        instead of walking every enterprise."""
        rows = self.tally_rows() if self._result_cache is None else None
        if rows is None:
            return super().count()
        return int(rows.aggregate(n=Coalesce(Sum("enterprises"), 0))["n"])

    def tally_rows(self) -> models.QuerySet[EnterpriseTally, Any] | None:
        """The tally rows whose sum is this queryset's count, when every condition of its query
        (scope and filters) is on the enterprise's own town or status, with plain values or a
        query of towns; ``None`` otherwise.

        The tally groups enterprises by exactly those two columns under the same column names,
        so any combination of such conditions selects exactly the groups of the enterprises
        it selects.
        """
        query = self.query
        if query.is_sliced or query.distinct or query.combinator or query.group_by:
            return None
        base = query.get_initial_alias()
        if any(alias != base and query.alias_refcount[alias] for alias in query.alias_map):
            return None
        if not _on_town_or_status(query.where, base):
            return None
        rows = EnterpriseTally.objects.values("enterprises")
        rows.query.where = query.where.relabeled_clone({base: rows.query.get_initial_alias()})
        return rows

    def search(self, text: str) -> EnterpriseQuerySet:
        """By any part of the name, of its pinyin initials, or of the credit code.

        Initials match anywhere in the initials of the whole name (``FZLT`` finds
        滕州市丰振炼铁厂, ``TZSFZLTC``): what a reader types, with or without the 滕州市
        prefix, is a substring of those. The credit code matches anywhere from four
        characters on (fewer: from its start only, or nearly every code would match "91").
        Text that is not plain letters and digits can only be part of a name. On PostgreSQL
        the contains lookups read trigram indexes (migration 0006), fast at 100,000
        enterprises; SQLite scans.
        """
        text = text.strip()
        if not text:
            return self
        condition = _contains("name", text)
        if text.isascii() and text.isalnum():
            upper = text.upper()
            condition |= _contains("name_initials", upper)
            if len(upper) >= CODE_SEARCH_MIN:
                condition |= _contains("credit_code", upper)
            else:
                condition |= Q(credit_code__startswith=upper)
        return self.filter(condition)


def _contains(field: str, text: str) -> Q:
    """``field`` contains ``text``. Shorter than a trigram, the text gives the trigram index
    nothing to look up, and scanning the whole GIN index costs several times a plain scan of
    the table; the prepared statement's generic plan cannot tell (it does not see the text),
    so short texts are asked as ``strpos``, which no index serves: a plain scan."""
    if len(text) >= TRIGRAM:
        return Q(**{f"{field}__contains": text})
    return Q(GreaterThan(StrIndex(field, Value(text)), 0))


def _on_town_or_status(node: Any, alias: str) -> bool:
    if isinstance(node, WhereNode):
        return all(_on_town_or_status(child, alias) for child in node.children)
    if not isinstance(node, Lookup) or not isinstance(node.lhs, Col):
        return False
    if isinstance(node, In) and isinstance(node.rhs, list | tuple) and not node.rhs:
        return True  # e.g. no enterprise of one's own: the compiler leaves it out of the SQL
    if node.lhs.alias != alias or node.lhs.target.column not in ("town_id", "status"):
        return False
    values = node.rhs if isinstance(node.rhs, list | tuple | set | frozenset) else [node.rhs]
    return all(
        isinstance(value, Query) and value.model is Town or not hasattr(value, "resolve_expression")
        for value in values
    )


class Enterprise(models.Model):
    """A production and business unit (生产经营单位) under supervision."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(
        _("企业名称"), max_length=200, db_index=True, validators=[validation.Rule(validation.name)]
    )
    name_initials = models.CharField(_("拼音首字母"), max_length=60, db_index=True, editable=False)
    former_names = models.JSONField(_("曾用名"), default=list, blank=True)
    address = models.CharField(
        _("地址"), max_length=300, blank=True, validators=[validation.Rule(validation.plain_text)]
    )
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    # No index of their own: the (town, …) and (industry, name) indexes below lead with them,
    # and every index is written on each of an import's inserts (bench.import_10k).
    town = models.ForeignKey(
        "orgs.Town",
        models.PROTECT,
        related_name="enterprises",
        verbose_name=_("镇街"),
        db_index=False,
    )
    grid = models.ForeignKey(
        "orgs.Grid",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("网格"),
    )
    industry = models.ForeignKey(
        "orgs.Industry",
        models.PROTECT,
        related_name="enterprises",
        verbose_name=_("行业（小类）"),
        db_index=False,
    )
    departments = models.ManyToManyField(
        "orgs.Department", blank=True, related_name="enterprises", verbose_name=_("监管部门")
    )
    departments_overridden = models.BooleanField(
        _("监管部门已手工指定"),
        default=False,
        help_text=_("否：监管部门按行业自动确定"),
    )
    employees = models.PositiveIntegerField(
        _("从业人数"), null=True, blank=True, validators=[validation.Rule(validation.employees)]
    )
    annual_revenue = models.DecimalField(
        _("年营业收入（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validation.Rule(validation.revenue)],
    )
    above_designated_size = models.BooleanField(_("规模以上"), default=False)
    legal_representative = models.CharField(
        _("法定代表人"),
        max_length=50,
        blank=True,
        validators=[validation.Rule(validation.plain_text)],
    )
    principal = models.CharField(
        _("主要负责人"),
        max_length=50,
        blank=True,
        validators=[validation.Rule(validation.plain_text)],
    )
    principal_phone = models.CharField(
        _("主要负责人电话"),
        max_length=20,
        blank=True,
        validators=[validation.Rule(validation.phone)],
    )
    safety_manager = models.CharField(
        _("安全管理人员"),
        max_length=50,
        blank=True,
        validators=[validation.Rule(validation.plain_text)],
    )
    safety_manager_phone = models.CharField(
        _("安全管理人员电话"),
        max_length=20,
        blank=True,
        validators=[validation.Rule(validation.phone)],
    )
    status = models.CharField(
        _("经营状态"),
        max_length=20,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
        db_index=True,
    )
    categories = models.ManyToManyField(
        "orgs.SupervisionCategory",
        blank=True,
        related_name="enterprises",
        verbose_name=_("监管类别"),
    )
    standardisation_grade = models.CharField(
        _("标准化等级"),
        max_length=1,
        choices=StandardisationGrade.choices,
        default=StandardisationGrade.NONE,
        blank=True,
    )
    standardisation_expires = models.DateField(
        _("标准化有效期至"), null=True, blank=True, validators=[validation.Rule(validation.a_date)]
    )
    insurance_insurer = models.CharField(
        _("安责险承保机构"),
        max_length=100,
        blank=True,
        validators=[validation.Rule(validation.plain_text)],
    )
    insurance_expires = models.DateField(
        _("安责险有效期至"), null=True, blank=True, validators=[validation.Rule(validation.a_date)]
    )
    # Derived and written by the risks module's service alone (its history is kept there).
    risk_level = models.CharField(
        _("安全风险等级"),
        max_length=12,
        choices=EnterpriseRiskLevel.choices,
        default=EnterpriseRiskLevel.UNASSESSED,
        db_default=EnterpriseRiskLevel.UNASSESSED,  # the importer's bulk insert names no level
        db_index=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["town", "name"]),
            # A town's list filtered by status, and its count, from the index alone.
            models.Index(fields=["town", "status", "name"], name="enterprise_town_status_name"),
            # The list's count: B-tree deduplication keeps this one a fraction of the size of
            # the one above, and an index-only count over it takes half the time.
            models.Index(fields=["town", "status"], name="enterprise_town_status"),
            # A town's enterprises as a subquery (the scope of every record kept per
            # enterprise), read from the index alone.
            models.Index(fields=["town", "id"], name="enterprise_town_id"),
            models.Index(fields=["industry", "name"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_initials = name_initials(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_initials"}
        super().save(*args, **kwargs)

    @property
    def standardisation_expiry(self) -> str:
        return expiry_state(self.standardisation_expires) if self.standardisation_grade else ""

    @property
    def insurance_expiry(self) -> str:
        return expiry_state(self.insurance_expires)

    @property
    def location(self) -> dict[str, float] | None:
        if self.longitude is None or self.latitude is None:
            return None
        return {"lng": self.longitude, "lat": self.latitude}

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Which enterprises a user's roles cover (DESIGN.md, "Who uses it").

        Read: the city office all; a department or enforcement officer those its departments
        supervise (a subquery, so the M2M join never duplicates rows); a town its territory
        (属地); a grid inspector its grids; an enterprise user or an expert their credit codes
        (an expert only while assigned: ``grants_for`` applies the period). Write: the city
        office, a town in its territory, an enterprise user its own enterprise. The auditor
        and the administrator see none (三权分立).

        Branch only on the roles and on which sets are empty, never on the codes themselves:
        the API list keeps its SQL text per such shape (:mod:`anjian.enterprises.listing`,
        checked by ``test_listing.py``).
        """
        if grants.city_wide:
            return Q()
        condition = NOTHING
        if grants.towns:
            # By id (``grants.town_ids``, the same towns): the planner then reads a town's
            # page straight from the (town, status, name) index.
            condition |= Q(town_id__in=grants.town_ids)
        if write:
            # Only the enterprise role's own enterprise, never an expert's assigned ones.
            if grants.own_enterprises:
                condition |= Q(credit_code__in=grants.own_enterprises)
            return condition
        if grants.departments:
            supervised = Enterprise.departments.through.objects.filter(
                department__code__in=grants.departments
            ).values("enterprise_id")
            condition |= Q(pk__in=supervised)
        if grants.grids:
            condition |= Q(grid__code__in=grants.grids)
        if grants.enterprises:
            condition |= Q(credit_code__in=grants.enterprises)
        return condition


class EnterpriseTally(models.Model):
    """How many enterprises each town has in each status, kept by database triggers on every
    insert, delete and change of town or status (migration 0004), bulk writes included.

    It shares its column names with :class:`Enterprise`, so a count whose scope and filters
    speak of town and status alone is the sum of the same condition over at most 21 × 3 rows
    (:meth:`EnterpriseQuerySet.tally_rows`) instead of a walk over the index: a city-wide count
    would otherwise read every enterprise. Never written by the application.

    On SQLite, a migration that remakes the enterprise table (most field changes) drops its
    triggers with it: such a migration must create them again (``test_tally`` fails if not).
    """

    town = models.ForeignKey("orgs.Town", models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=EnterpriseStatus.choices)
    enterprises = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("企业数统计")
        verbose_name_plural = _("企业数统计")
        constraints = [
            models.UniqueConstraint(fields=["town", "status"], name="unique_tally_town_status")
        ]

    def __str__(self) -> str:
        return f"{self.town_id} {self.status}: {self.enterprises}"


class LicenceQuerySet(ScopedQuerySet["Licence"]):
    def expired(self) -> LicenceQuerySet:
        today, _horizon = expiry_window()
        return self.filter(expires_on__lt=today)

    def expiring(self) -> LicenceQuerySet:
        """Not yet expired, but within the warning window."""
        today, horizon = expiry_window()
        return self.filter(expires_on__gte=today, expires_on__lte=horizon)


class Licence(models.Model):
    """A licence or certificate of an enterprise (安全生产许可证, 危险化学品经营许可证, …)."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="licences", verbose_name=_("企业")
    )
    kind = models.CharField(
        _("证照类型"), max_length=100, validators=[validation.Rule(validation.plain_text)]
    )
    number = models.CharField(
        _("证照编号"), max_length=100, validators=[validation.Rule(validation.plain_text)]
    )
    issuer = models.CharField(
        _("发证机关"),
        max_length=100,
        blank=True,
        validators=[validation.Rule(validation.plain_text)],
    )
    issued_on = models.DateField(
        _("发证日期"), null=True, blank=True, validators=[validation.Rule(validation.a_date)]
    )
    expires_on = models.DateField(
        _("有效期至"), null=True, blank=True, validators=[validation.Rule(validation.a_date)]
    )

    objects = LicenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["expires_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="unique_licence_number")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"

    @property
    def expiry(self) -> str:
        """``expired``, ``expiring`` or ``valid`` (see :func:`expiry_state`)."""
        return expiry_state(self.expires_on)

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """A licence is seen and changed with its enterprise."""
        return Q(enterprise__in=Enterprise.objects.filter(Enterprise.scope_q(grants, write=write)))


class LicenceReminder(models.Model):
    """That one reminder of one licence's expiry was sent: the claim that keeps the daily task
    (and two workers running it at once) from sending it twice.

    One row per licence, kind and expiry date: a renewed licence (a new ``expires_on``) is
    reminded again. Written by ``tasks.send_licence_reminders`` only, with a conditional insert
    (the unique constraint decides who sends). Self-contained until the deadline engine in
    core can carry licence expiry (docs/enterprises.md, "Notifications").
    """

    licence = models.ForeignKey(
        Licence, models.CASCADE, related_name="reminders", verbose_name=_("证照")
    )
    kind = models.CharField(_("提醒"), max_length=10, choices=ReminderKind.choices)
    expires_on = models.DateField(_("有效期至"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    audit_safety_net = False  # a technical claim; the notifications are the record users see

    class Meta:
        verbose_name = _("证照到期提醒")
        verbose_name_plural = _("证照到期提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["licence", "kind", "expires_on"], name="unique_licence_reminder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.licence_id} {self.kind} {self.expires_on}"


class ChangeRequestQuerySet(ScopedQuerySet["ChangeRequest"]):
    pass


class ChangeRequest(models.Model):
    """An enterprise user's proposed change to identity fields, decided by the town."""

    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, related_name="change_requests", verbose_name=_("企业")
    )
    changes = models.JSONField(_("申请变更"))
    # The values the request would replace, as they stood when it was made (same keys).
    previous = models.JSONField(_("变更前"), default=dict, blank=True)
    reason = models.TextField(_("变更理由"), blank=True)
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=ChangeRequestState.choices,
        default=ChangeRequestState.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业信息变更申请")
        verbose_name_plural = _("企业信息变更申请")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.get_state_display()}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Read with the enterprise; decided (written) by the city office or the enterprise's
        town, never by the enterprise itself."""
        if write:
            if grants.city_wide:
                return Q()
            return Q(enterprise__town__code__in=grants.towns) if grants.towns else NOTHING
        return Q(enterprise__in=Enterprise.objects.filter(Enterprise.scope_q(grants, write=False)))
