"""State changes of the platform's own records (notifications)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anjian.core.models import Notification


def notify(recipient: Any, title: str, *, body: str = "", link: str = "") -> Notification:
    """Put a message in the recipient's inbox and send it through the configured channels.

    The external deliveries are queued when the surrounding transaction commits, so a rolled
    back change sends nothing.
    """
    from anjian.core.tasks import deliver_notification

    notification = Notification.objects.create(
        recipient=recipient, title=title, body=body, link=link
    )
    for channel in settings.NOTIFICATION_CHANNELS:
        transaction.on_commit(partial(deliver_notification.delay, notification.pk, channel))
    return notification


@transaction.atomic
def mark_read(notification: Notification, *, actor: Any) -> None:
    """Mark one of the actor's notifications read."""
    if notification.recipient_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


@transaction.atomic
def mark_all_read(*, actor: Any) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())
