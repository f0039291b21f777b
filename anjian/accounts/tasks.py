"""Housekeeping of login records, run by Celery beat."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from anjian.accounts.models import Lockout, LoginAttempt


@shared_task(name="anjian.accounts.tasks.purge_login_attempts")
def purge_login_attempts() -> int:
    """Delete login attempts and ended lockouts older than ``LOGIN_ATTEMPT_RETENTION_DAYS``.

    They only feed the lockout counters; the audit log keeps every login and failure.
    """
    cutoff = timezone.now() - timedelta(days=settings.LOGIN_ATTEMPT_RETENTION_DAYS)
    attempts, _ = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    lockouts, _ = Lockout.objects.filter(until__lt=cutoff).delete()
    return attempts + lockouts
