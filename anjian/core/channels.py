"""Delivery channels beyond the in-app inbox: e-mail, and SMS / WeCom adapters.

``NOTIFICATION_CHANNELS`` names the channels in force (``email``, ``sms``, ``wecom``). The SMS and
WeCom channels send through a backend class named in ``SMS_BACKEND`` / ``WECOM_BACKEND``; the
default backend writes the message to the log, so a deployment without a gateway loses nothing
and a gateway adapter is one class with a ``send(address, text)`` method.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("anjian.notifications")


class TextBackend(Protocol):
    def send(self, address: str, text: str) -> None: ...


class LoggingBackend:
    """Writes the message to the log instead of sending it (the default for SMS and WeCom)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, address: str, text: str) -> None:
        logger.info("notification", extra={"channel": self.channel, "to": address, "text": text})


def _text_backend(channel: str) -> TextBackend:
    path = getattr(settings, f"{channel.upper()}_BACKEND", "")
    if not path:
        return LoggingBackend(channel)
    backend: TextBackend = import_string(path)()
    return backend


def deliver(channel: str, recipient: Any, title: str, body: str, link: str) -> bool:
    """Send one notification through ``channel``; False when the recipient has no address."""
    if channel == "email":
        if not recipient.email:
            return False
        text = "\n\n".join(part for part in (body, link) if part)
        send_mail(title, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
        return True
    if channel in {"sms", "wecom"}:
        address = recipient.phone if channel == "sms" else recipient.username
        if not address:
            return False
        _text_backend(channel).send(address, f"【安监】{title} {body}".strip())
        return True
    raise ValueError(f"unknown notification channel {channel!r}")
