"""The calendar page: the city office enters a notice's days; the warning for a missing year."""

from datetime import date

import pytest
import time_machine
from django.test import Client

from anjian.accounts.choices import Role
from anjian.core.lifecycle_models import CalendarAmendment
from anjian.core.models import AuditLog
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_city_office_enters_an_amendment_and_it_is_audited():
    city = _client(make_user("cal_city", (Role.CITY, CITY_CODE)))
    answer = city.post(
        "/calendar/",
        {"day": "2027-01-01", "is_working_day": "", "notice": "国办发明电〔2026〕X号"},
    )
    assert answer.status_code == 302
    amendment = CalendarAmendment.objects.get()
    assert amendment.day == date(2027, 1, 1) and not amendment.is_working_day
    assert AuditLog.objects.filter(action="create", object_type="core.calendaramendment").exists()
    assert city.post(f"/calendar/{amendment.pk}/delete/").status_code == 302
    assert not CalendarAmendment.objects.exists()


def test_others_read_the_calendar_but_cannot_amend_it():
    town = Town.objects.order_by("code").first()
    amendment = CalendarAmendment.objects.create(
        day=date(2027, 1, 1), is_working_day=False, notice="x"
    )
    client = _client(make_user("cal_town", (Role.TOWN, town.code)))
    assert client.get("/calendar/").status_code == 200
    assert client.post("/calendar/", {"day": "2027-01-02", "notice": "x"}).status_code == 403
    assert client.post(f"/calendar/{amendment.pk}/delete/").status_code == 404
    assert CalendarAmendment.objects.count() == 1


@time_machine.travel("2027-03-01 10:00 +0800", tick=False)
def test_a_year_without_a_notice_is_shown_to_the_city_office_and_the_administrator():
    warning = "尚无 2027 年国务院办公厅节假日安排通知"
    city = _client(make_user("cal_city2", (Role.CITY, CITY_CODE)))
    admin = _client(make_user("cal_admin", (Role.ADMIN, CITY_CODE)))
    town = _client(make_user("cal_town2", (Role.TOWN, Town.objects.order_by("code").first().code)))
    assert warning in city.get("/calendar/").content.decode()
    assert warning in admin.get("/calendar/").content.decode()
    assert warning not in town.get("/calendar/").content.decode()
    CalendarAmendment.objects.create(day=date(2027, 1, 1), is_working_day=False, notice="x")
    assert warning not in city.get("/calendar/").content.decode()
