"""Platform tasks: housekeeping run by Celery beat, and notification delivery."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from anjian.core.channels import deliver
from anjian.core.models import Job, Notification


@shared_task(name="anjian.core.tasks.purge_old_jobs")
def purge_old_jobs() -> int:
    """Delete job records older than ``JOB_RETENTION_DAYS``; returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS)
    deleted, _ = Job.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(name="anjian.core.tasks.ping")
def ping(message: str = "pong") -> str:
    """Echo ``message``: proves a worker is consuming the queue."""
    return message


@shared_task(name="anjian.core.tasks.purge_old_audit")
def purge_old_audit() -> int:
    """Purge audit records older than ``AUDIT_RETENTION_DAYS``, keeping the chain verifiable."""
    from anjian.core import audit

    return audit.purge()


@shared_task(name="anjian.core.tasks.deliver_notification")
def deliver_notification(notification_id: int, channel: str) -> bool:
    """Send an inbox notification through an external channel (e-mail, SMS, WeCom)."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    return deliver(
        channel, notification.recipient, notification.title, notification.body, notification.link
    )


@shared_task(name="anjian.core.tasks.send_deadline_notices")
def send_deadline_notices() -> int:
    """Send the reminders and escalations that are due (Celery beat, every minute)."""
    from anjian.core.deadlines import run_due

    return run_due()


@shared_task(name="anjian.core.tasks.build_attachment_derivatives")
def build_attachment_derivatives(attachment_id: int) -> bool:
    """Build a photo's thumbnail and its copy without EXIF."""
    from anjian.core.attachments import build_derivatives

    return build_derivatives(attachment_id)
