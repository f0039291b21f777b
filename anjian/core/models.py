"""Platform records shared by every module: background jobs and the notification inbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anjian.core.choices import JobState
from anjian.core.scoping import NOTHING, ScopedQuerySet

if TYPE_CHECKING:
    from anjian.accounts.access import Grants


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
        from anjian.accounts.choices import Role

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
