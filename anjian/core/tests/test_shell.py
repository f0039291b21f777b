"""Pages of the UI shell: navigation by role, inbox, job records, language."""

from datetime import date

import pytest

from anjian.core import services
from anjian.core.models import Job, Notification
from anjian.core.navigation import menu_for
from conftest import make_user

pytestmark = pytest.mark.django_db


def _labels(user):
    return {str(item["label"]) for item in menu_for(user)}


def test_navigation_follows_the_roles():
    city = make_user("c", ("city", "370481000000"))
    auditor = make_user("a", ("auditor", "370481000000"))
    town = make_user("t", ("town", "370481001000"))
    assert {"镇街", "网格", "部门与专委会"} <= _labels(city)
    assert "网格" not in _labels(auditor) and "镇街" not in _labels(auditor)
    assert "网格" in _labels(town)


def test_signed_out_visitors_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_inbox_lists_only_the_users_own_notifications(client):
    me = make_user("me", ("town", "370481001000"))
    other = make_user("other", ("town", "370481002000"))
    services.notify(me, "隐患整改到期提醒", body="请于3日内完成整改")
    services.notify(other, "别人的通知")
    client.force_login(me)
    html = client.get("/inbox/").content.decode()
    assert "隐患整改到期提醒" in html and "别人的通知" not in html
    assert 'badge rounded-pill bg-danger">1<' in client.get("/").content.decode()


def test_marking_a_notification_read_through_htmx(client):
    me = make_user("me", ("town", "370481001000"))
    note = services.notify(me, "新任务")
    client.force_login(me)
    response = client.post(f"/inbox/{note.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "标为已读" not in response.content.decode()
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_another_users_notification_is_404(client):
    me = make_user("me", ("town", "370481001000"))
    theirs = services.notify(make_user("other", ("town", "370481002000")), "x")
    client.force_login(me)
    assert client.post(f"/inbox/{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read(client):
    me = make_user("me", ("town", "370481001000"))
    services.notify(me, "一")
    services.notify(me, "二")
    client.force_login(me)
    client.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()


def test_job_pages_show_own_jobs_and_hide_others(client):
    me = make_user("me", ("town", "370481001000"))
    other = make_user("other", ("town", "370481002000"))
    mine = Job.objects.create(task_id="a", name="导出企业名录", owner=me, log="10:00 开始\n")
    theirs = Job.objects.create(task_id="b", name="别人的任务", owner=other)
    client.force_login(me)
    listing = client.get("/jobs/").content.decode()
    assert "导出企业名录" in listing and "别人的任务" not in listing
    assert "10:00 开始" in client.get(f"/jobs/{mine.pk}/").content.decode()
    assert client.get(f"/jobs/{theirs.pk}/").status_code == 404
    partial = client.get(f"/jobs/{mine.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="job-status"')
    assert 'hx-trigger="every 2s"' in partial


def test_a_system_administrator_sees_every_job(client):
    owner = make_user("owner", ("town", "370481001000"))
    Job.objects.create(task_id="a", name="导出企业名录", owner=owner)
    client.force_login(make_user("root", ("admin", "370481000000")))
    assert "导出企业名录" in client.get("/jobs/").content.decode()


def test_english_is_a_complete_switch(client):
    client.force_login(make_user("c", ("city", "370481000000")))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Dashboard" in html and "My roles and jurisdictions" in html


def test_chinese_even_for_an_english_browser_until_the_user_switches(client):
    client.force_login(make_user("c", ("city", "370481000000")))
    assert "工作台" in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Dashboard" in client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()


def test_the_end_of_a_role_is_dated_in_the_users_language(client):
    user = make_user("c", ("city", "370481000000"))
    user.role_assignments.update(valid_until=date(2027, 3, 1))
    client.force_login(user)
    assert "2027年3月1日" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "March 1, 2027" in html and "年" not in html.split("My roles")[1].split("</ul>")[0]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_switch_names_each_language_in_itself(client, language):
    from django.utils import translation

    client.cookies["django_language"] = language
    with translation.override("zh-hans"):  # the request activates its language in this thread
        html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    switch = html[html.index('data-testid="language-switch"') :]
    switch = switch[: switch.index("</select>")]
    assert ">简体中文</option>" in switch and ">English</option>" in switch
    assert "英语" not in switch and "Simplified Chinese" not in switch
