"""Notifications reach the inbox at once and the configured channels after commit."""

import logging

import pytest
from django.core import mail

from anjian.celery import app
from anjian.core import services
from anjian.core.models import Notification
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_the_inbox_alone_by_default(django_capture_on_commit_callbacks):
    user = make_user("u", ("town", "370481001000"))
    with django_capture_on_commit_callbacks() as callbacks:
        services.notify(user, "隐患整改即将到期")
    assert callbacks == []
    assert Notification.objects.filter(recipient=user, title="隐患整改即将到期").exists()


def test_email_is_sent_after_commit(settings, eager, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_CHANNELS = ["email"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = make_user("u", ("town", "370481001000"))
    user.email = "zhang@example.cn"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user, "重大隐患挂牌督办", body="请于30日内完成整改", link="/dangers/1/")
    assert [m.subject for m in mail.outbox] == ["重大隐患挂牌督办"]
    assert "/dangers/1/" in mail.outbox[0].body and mail.outbox[0].to == ["zhang@example.cn"]


def test_sms_goes_to_the_logging_backend_without_a_gateway(
    settings, eager, django_capture_on_commit_callbacks, caplog
):
    settings.NOTIFICATION_CHANNELS = ["sms"]
    user = make_user("u", ("town", "370481001000"))
    user.phone = "13800000000"
    user.save()
    with (
        caplog.at_level(logging.INFO, logger="anjian.notifications"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.notify(user, "报警")
    record = next(r for r in caplog.records if r.name == "anjian.notifications")
    assert (record.channel, record.to) == ("sms", "13800000000")
    assert "【安监】报警" in record.text


def test_a_rolled_back_change_sends_nothing(settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATION_CHANNELS = ["email"]
    user = make_user("u", ("town", "370481001000"))
    with django_capture_on_commit_callbacks() as callbacks:
        services.notify(user, "x")
    assert len(callbacks) == 1  # queued for commit only; nothing runs if the commit never comes
