"""Records of the lifecycle mechanisms: transitions, attachments, deadlines, calendar amendments.

They live in the core app (imported by :mod:`anjian.core.models`); the mechanisms that write
them are :mod:`anjian.core.workflow`, :mod:`anjian.core.attachments`, :mod:`anjian.core.deadlines`
and :mod:`anjian.core.calendar`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.owners import owned_scope_q
from anjian.core.scoping import NOTHING, ScopedQuerySet

if TYPE_CHECKING:
    from anjian.core.roles import Grants


class OwnedQuerySet(ScopedQuerySet[Any]):
    """Visible where the owning object is visible (:func:`anjian.core.owners.owned_scope_q`)."""

    def of(self, obj: models.Model) -> Self:
        """The rows that belong to ``obj``."""
        content_type = ContentType.objects.get_for_model(type(obj))
        return self.filter(content_type=content_type, object_id=obj.pk)


class Transition(models.Model):
    """One step of a declared workflow: who took which action, when, from and to which state."""

    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    obj = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField(_("流程"), max_length=100)
    action = models.CharField(_("操作"), max_length=50)
    source = models.CharField(_("原状态"), max_length=50)
    target = models.CharField(_("新状态"), max_length=50)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), db_index=True)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = OwnedQuerySet.as_manager()
    audit_safety_net = False  # apply_transition writes its own "transition" audit record

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.action}: {self.source} → {self.target}"

    def _labels(self) -> tuple[str, str, str]:
        from anjian.core.workflow.declaration import workflow_by_name

        workflow = workflow_by_name(self.workflow)
        if workflow is None:
            return self.action, self.source, self.target
        action = workflow.actions.get(self.action)
        return (
            str(action.label) if action else self.action,
            workflow.label_of(self.source),
            workflow.label_of(self.target),
        )

    @property
    def action_label(self) -> str:
        return self._labels()[0]

    @property
    def source_label(self) -> str:
        return self._labels()[1]

    @property
    def target_label(self) -> str:
        return self._labels()[2]

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Readable with the object; written only by the workflow service."""
        return owned_scope_q(grants, write=False) if not write else NOTHING


class Attachment(models.Model):
    """A photo or document attached to an object (and possibly to one of its transitions)."""

    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    obj = GenericForeignKey("content_type", "object_id")
    transition = models.ForeignKey(
        Transition,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("流转记录"),
    )
    file = models.FileField(_("文件"), max_length=300)
    # Built in the background: a thumbnail, and for photos a copy without EXIF (location,
    # camera) that is what anyone but the uploader downloads.
    thumbnail = models.FileField(_("缩略图"), max_length=300, blank=True)
    clean_file = models.FileField(_("去除元数据的文件"), max_length=300, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255)
    mime_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("摘要"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    taken_at = models.DateTimeField(_("拍摄时间"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Visible where the object is; added by whoever may change the object."""
        return owned_scope_q(grants, write=write)


class DeadlineQuerySet(OwnedQuerySet):
    def open(self) -> DeadlineQuerySet:
        """Deadlines still running (not met, not replaced by an extension)."""
        return self.filter(closed_at__isnull=True)


class Deadline(models.Model):
    """A due time of an object, with the reminders and escalations its policy declares.

    A due time is never edited: an extension closes this row (reason ``extended``) and opens a
    new one that names it in ``replaces``, so the history of every time limit stays readable.
    """

    class Closed(models.TextChoices):
        MET = "met", _("已完成")
        EXTENDED = "extended", _("已延期")
        CANCELLED = "cancelled", _("已撤销")

    content_type = models.ForeignKey(ContentType, models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    obj = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("期限类型"), max_length=50)
    due_at = models.DateTimeField(_("期限"), db_index=True)
    replaces = models.OneToOneField(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("延期前期限"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设定人"),
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_reason = models.CharField(
        _("结束原因"), max_length=20, choices=Closed.choices, blank=True
    )

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["content_type", "kind", "closed_at", "due_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(closed_at__isnull=True),
                name="core_one_open_deadline_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Readable with the object; set and extended only through the services."""
        return owned_scope_q(grants, write=False) if not write else NOTHING


class DeadlineNotice(models.Model):
    """That one reminder or escalation step of a deadline was sent: the claim that makes it once.

    The unique (deadline, step) pair is the claim: the worker that inserts it sends the
    notifications in the same transaction; another worker (or a restart) finds it taken.
    """

    deadline = models.ForeignKey(Deadline, models.CASCADE, related_name="notices")
    step = models.CharField(_("环节"), max_length=50)
    sent_at = models.DateTimeField(_("发送时间"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)

    audit_safety_net = False  # technical claim records; the notifications are the effect

    class Meta:
        verbose_name = _("期限提醒记录")
        verbose_name_plural = _("期限提醒记录")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "step"], name="core_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}:{self.step}"


class CalendarAmendmentQuerySet(ScopedQuerySet["CalendarAmendment"]):
    pass


class CalendarAmendment(models.Model):
    """A day whose status the city office sets, winning over the ``chinesecalendar`` package:
    the days of a newly published State Council holiday notice, or a local correction."""

    day = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("工作日"))
    notice = models.CharField(_("依据文件"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = CalendarAmendmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Everyone signed in reads the calendar; the city office amends it."""
        if not write:
            return Q()
        return Q() if grants.city_wide else NOTHING
