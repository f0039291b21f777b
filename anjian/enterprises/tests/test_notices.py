"""The registry's notifications: change requests, their decisions, licence expiry reminders."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from anjian.accounts.choices import Role
from anjian.core.models import Notification
from anjian.core.tests.test_jobs import _wait_until_finished, worker  # noqa: F401 (fixture)
from anjian.enterprises import notices, services
from anjian.enterprises.choices import EnterpriseStatus
from anjian.enterprises.models import Licence, LicenceReminder
from anjian.enterprises.tasks import send_licence_reminders
from anjian.enterprises.tests.conftest import make_enterprise
from conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reference_data(transactional_db, settings):
    """A transactional test starts from a flushed database: load the reference data again."""
    from anjian.orgs.models import Town
    from anjian.orgs.services import build_demo_grids, load_reference

    if not Town.objects.exists():
        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids(per_town=2)


def _inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


@pytest.fixture
def requester(pair):
    return make_user("ent_a", (Role.ENTERPRISE, pair[0].credit_code))


def _request_rename(enterprise, requester):
    return services.update_enterprise(
        enterprise, {"name": "滕州市鑫源新材料有限公司"}, actor=requester, reason="更名"
    )


def test_a_change_request_reaches_the_towns_officials_with_old_and_new_values(
    pair, requester, town_a, town_b, city
):
    change_request = _request_rename(pair[0], requester)
    assert change_request is not None
    [note] = _inbox(town_a)
    assert note.title == "企业信息变更待审核：滕州市鑫源化工有限公司"
    assert "企业名称：滕州市鑫源化工有限公司 → 滕州市鑫源新材料有限公司" in note.body
    assert "理由：更名" in note.body and note.link == "/enterprises/changes/"
    assert _inbox(town_b) == [] and _inbox(requester) == []


@pytest.mark.parametrize(
    ("approve", "title"),
    [
        (True, "变更申请已批准：滕州市鑫源新材料有限公司"),
        (False, "变更申请已驳回：滕州市鑫源化工有限公司"),
    ],
)
def test_the_decision_reaches_the_requester_with_the_approvers_comment(
    pair, requester, town_a, approve, title
):
    change_request = _request_rename(pair[0], requester)
    services.decide_change_request(
        change_request, actor=town_a, approve=approve, comment="与营业执照核对一致"
    )
    [note] = _inbox(requester)
    assert note.title == title
    assert "审核意见：与营业执照核对一致" in note.body and "town_a" in note.body
    assert note.link == f"/enterprises/{pair[0].pk}/"


def test_a_request_that_fails_notifies_nobody(pair, requester, town_a, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(services.audit, "record", refuse)
    with pytest.raises(RuntimeError):
        _request_rename(pair[0], requester)
    assert _inbox(town_a) == []


def test_the_bell_counts_unread_and_marking_read_updates_it_in_place(
    client, pair, requester, town_a
):
    _request_rename(pair[0], requester)
    client.force_login(town_a)
    page = client.get("/enterprises/").content.decode()
    assert 'id="inbox-bell"' in page and 'data-unread="1"' in page
    [note] = _inbox(town_a)
    response = client.post(f"/inbox/{note.pk}/read/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="true"' in response and 'data-unread="0"' in response
    assert "badge" not in response.split('id="inbox-bell"')[1]


def test_the_change_requests_page_shows_labels_and_both_values(client, pair, requester, town_a):
    services.update_enterprise(pair[0], {"town": pair[1].town}, actor=requester)
    client.force_login(town_a)
    page = client.get("/enterprises/changes/").content.decode()
    assert f'镇街：<del class="text-muted">{pair[0].town.name}</del>' in page
    assert f"<strong>{pair[1].town.name}</strong>" in page
    assert "town →" not in page and pair[1].town.code not in page


def test_the_history_shows_translated_actions(client, city, pair):
    from django.utils import translation

    services.update_enterprise(pair[0], {"address": "荆河路1号"}, actor=city)
    client.force_login(city)
    page = client.get(f"/enterprises/{pair[0].pk}/").content.decode()
    history = page.split('data-panel="history"')[1]
    assert " 修改 " in history and " update " not in history
    client.cookies["django_language"] = "en"
    with translation.override("zh-hans"):  # the request activates English in this thread
        history = client.get(f"/enterprises/{pair[0].pk}/").content.decode()
    assert " Updated " in history.split('data-panel="history"')[1]


# --- licence expiry reminders ------------------------------------------------------------------


def _licence(enterprise, days: int) -> Licence:
    return Licence.objects.create(
        enterprise=enterprise,
        kind="危险化学品经营许可证",
        number=f"鲁滕危化经字〔2024〕{enterprise.pk:04d}",
        expires_on=timezone.localdate() + timedelta(days=days),
    )


def test_a_licence_is_reminded_once_before_and_once_after_it_expires(
    pair, requester, town_a, town_b
):
    licence = _licence(pair[0], 10)
    assert send_licence_reminders() == 1
    [note] = _inbox(requester)
    assert note.title == "证照即将到期：滕州市鑫源化工有限公司 危险化学品经营许可证"
    assert str(licence.expires_on) in note.body
    assert _inbox(town_a) == []  # the town hears only of expired licences
    assert send_licence_reminders() == 0 and len(_inbox(requester)) == 1

    Licence.objects.filter(pk=licence.pk).update(expires_on=timezone.localdate() - timedelta(1))
    assert send_licence_reminders() == 1
    assert [n.title for n in _inbox(requester)][1].startswith("证照已过期：")
    assert [n.title for n in _inbox(town_a)] == [
        "证照已过期：滕州市鑫源化工有限公司 危险化学品经营许可证"
    ]
    assert _inbox(town_b) == []
    assert send_licence_reminders() == 0

    # Renewed, and later close to its new end: reminded again.
    Licence.objects.filter(pk=licence.pk).update(expires_on=timezone.localdate() + timedelta(3))
    assert send_licence_reminders() == 1 and len(_inbox(requester)) == 3


def test_outside_the_window_or_closed_or_already_expired_gets_no_expiring_reminder(
    pair, requester, town_a
):
    _licence(pair[0], 200)
    closed = make_enterprise(pair[0].town, "滕州市关闭煤矿", status=EnterpriseStatus.CLOSED)
    _licence(closed, 5)
    assert send_licence_reminders() == 0
    expired = _licence(pair[1], -30)
    assert send_licence_reminders() == 1
    assert list(LicenceReminder.objects.values_list("licence", "kind")) == [(expired.pk, "expired")]


def test_the_daily_beat_runs_the_reminders(settings):
    from celery.schedules import crontab

    from anjian.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["licence-reminders"]
    assert entry["task"] == send_licence_reminders.name and entry["task"] in app.tasks
    assert isinstance(entry["schedule"], crontab)


@pytest.mark.django_db(transaction=True)
def test_the_reminder_task_runs_on_a_real_worker(reference_data, worker, pair, requester):  # noqa: F811
    from anjian.core import jobs

    _licence(pair[0], 10)
    with transaction.atomic():
        job = jobs.enqueue(send_licence_reminders, name="licence reminders")
    _wait_until_finished(job)
    assert (job.state, job.result) == ("succeeded", 1)
    assert [n.title[:7] for n in _inbox(requester)] == ["证照即将到期："]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks of a real server")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(reference_data, pair, requester, monkeypatch):
    """Both read the licence as due, both try to claim it: the unique row lets one through
    (the other's insert waits for the first commit, then fails)."""
    _licence(pair[0], 10)
    both_read = threading.Barrier(2, timeout=10)
    manager = type(LicenceReminder.objects)
    create = manager.create

    def create_after_both_read(self, **kwargs):
        if self.model is LicenceReminder:  # the manager class is shared with other models
            both_read.wait()
        return create(self, **kwargs)

    remind = notices.licence_reminder

    def slow_reminder(*args):
        sent = remind(*args)
        time.sleep(0.5)  # keep the claim uncommitted while the other worker tries
        return sent

    monkeypatch.setattr(manager, "create", create_after_both_read)
    monkeypatch.setattr(notices, "licence_reminder", slow_reminder)
    results: list[int] = []

    def run() -> None:
        try:
            results.append(send_licence_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [0, 1]
    assert len(_inbox(requester)) == 1 and LicenceReminder.objects.count() == 1
