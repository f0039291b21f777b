"""Platform records shared by every module: background jobs and the notification inbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import JobState
from anjian.core.roles import Grants, Role
from anjian.core.scoping import NOTHING, ScopedQuerySet


class JobQuerySet(ScopedQuerySet["Job"]):
    pass


class Job(models.Model):
    """The record a background task leaves: state, progress, log and error, for an operator."""

    task_id = models.CharField(_("任务编号"), max_length=64, unique=True)
    name = models.CharField(_("任务"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=20, choices=JobState.choices, default=JobState.QUEUED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("发起人"),
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    log = models.TextField(_("日志"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()
    audit_safety_net = False  # technical progress records, written many times per task

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_state_display()})"

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """Operators (system administrators) see every job; others see the jobs they started."""
        if grants.has(Role.ADMIN) and not write:
            return Q()
        return Q(owner_id=grants.user_id) if not write else NOTHING


class NotificationQuerySet(ScopedQuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message in a user's in-app inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()
    audit_safety_net = False  # a user's own inbox; the change that caused it is audited

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """A notification belongs to its recipient alone."""
        return Q(recipient_id=grants.user_id)


class AuditLogQuerySet(ScopedQuerySet["AuditLog"]):
    """Append-only: rows are never updated or deleted through the ORM (only purged by age)."""

    def update(self, **kwargs: object) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditLog(models.Model):
    """One audit record, hash-chained to the one before it (see :mod:`anjian.core.audit`).

    The actor is kept as plain id and name, not a foreign key, so that deleting or renaming a
    user never rewrites history (a cascading ``SET NULL`` would break the chain).
    """

    seq = models.PositiveBigIntegerField(_("序号"), db_index=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    detail = models.TextField(_("说明"), blank=True)
    client_address = models.CharField(_("客户端地址"), max_length=64, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一记录摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")

    @classmethod
    def scope_q(cls, grants: Grants, *, write: bool) -> Q:
        """The auditor reads everything; nobody writes (三权分立: not even the administrator)."""
        if not write and grants.has(Role.AUDITOR):
            return Q()
        return NOTHING


class AuditChainHead(models.Model):
    """The single row at the head of the audit chain.

    Appends lock it (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions
    serialise writers anyway), so two web nodes never fork the chain. After a purge it also
    holds the anchor: the sequence number and hash of the last purged record.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.PositiveBigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"audit chain head #{self.last_seq}"


from anjian.core.lifecycle_models import (  # noqa: E402  (models of the lifecycle mechanisms)
    Attachment,
    CalendarAmendment,
    Deadline,
    DeadlineNotice,
    Transition,
)

__all__ = [
    "Attachment",
    "AuditChainHead",
    "AuditLog",
    "CalendarAmendment",
    "Deadline",
    "DeadlineNotice",
    "Job",
    "Notification",
    "Transition",
]
