"""The pages: quick report form, list, detail (grade, chain, supplementary reports, actions),
quotas, statistics with its export, and the public page (closed, published, no personal data)."""

from __future__ import annotations

import io

import pytest
import time_machine
from openpyxl import load_workbook

from anjian.accidents import services
from anjian.accidents.models import Accident
from anjian.accidents.tests.conftest import at, report
from anjian.core.workflow import apply_transition

NOW = at(2026, 12, 1, 10, 0)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_quick_report_form_grades_and_shows_the_deadlines(client, cast):
    services.set_quota(
        {"year": 2026, "kind": "town", "town": cast["towns"][0].code, "deaths_allowed": 3},
        actor=cast["city"],
    )
    client.force_login(cast["town_a"])
    page = client.get("/accidents/new/")
    assert page.status_code == 200
    towns = [c[0].value for c in page.context["form"].fields["town"].choices if c[0]]
    assert towns == [cast["towns"][0].code]  # a town reports for its own territory
    response = client.post(
        "/accidents/new/",
        {
            "occurred_at": "2026-12-01T08:00",
            "town": cast["towns"][0].code,
            "type": "WSA10012",
            "deaths": "3",
            "missing": "0",
            "serious_injuries": "1",
            "direct_loss_yuan": "500000",
            "summary": "基坑坍塌",
        },
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-grade="relatively_serious"' in body and "较大事故" in body
    assert 'data-level="province"' in body
    assert "2027-01-30" in body  # the investigation report's due day
    client.force_login(cast["city"])
    home = client.get("/").content.decode()
    assert 'data-level="over"' in home  # the town's quota reached


def test_bad_form_input_shows_errors_and_writes_nothing(client, cast):
    client.force_login(cast["city"])
    response = client.post(
        "/accidents/new/",
        {
            "occurred_at": "2026-06-01T08:00",
            "town": cast["towns"][0].code,
            "type": "WSA10012",
            "deaths": "1",
            "missing": "0",
            "serious_injuries": "0",
            "direct_loss_yuan": "0",
            "summary": "x",
        },
    )
    assert response.status_code == 200
    assert "GB/T 6441-1986" in response.content.decode()  # the edition in force that day
    assert not Accident.objects.exists()


def test_list_detail_and_supplementary_outside_the_window_says_why(client, cast):
    with time_machine.travel(at(2026, 10, 1, 9, 0), tick=False):
        accident = report(
            cast["city"], cast["towns"][0], deaths=1, occurred_at=at(2026, 10, 1, 8, 0)
        )
    client.force_login(cast["town_a"])
    assert accident.place in client.get("/accidents/?year=2026").content.decode()
    response = client.post(
        f"/accidents/{accident.pk}/supplementary/",
        {
            "deaths": "4",
            "missing": "0",
            "serious_injuries": "0",
            "direct_loss_yuan": "0",
            "note": "迟到的补报",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "超过补报期限，等级未变更" in body
    accident.refresh_from_db()
    assert (accident.deaths, accident.grade) == (4, "ordinary")
    client.force_login(cast["town_b"])
    assert client.get(f"/accidents/{accident.pk}/").status_code == 404


def test_investigation_actions_from_the_detail_page(client, cast):
    accident = report(cast["city"], cast["towns"][0], deaths=1)
    client.force_login(cast["city"])
    body = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert 'data-action="start_investigation"' in body
    client.post(
        f"/workflow/accidents.accident/{accident.pk}/transition/",
        {"action": "start_investigation", "data_team": "调查组"},
    )
    accident.refresh_from_db()
    assert accident.state == "investigating"


def _closed(cast, **fields) -> Accident:
    accident = report(cast["city"], cast["towns"][0], deaths=1, **fields)
    for action, data in [
        ("start_investigation", {"team": "组长：张三 13800000000"}),
        ("submit_report", {"findings": "责任人李四", "penalties": "p", "recommendations": "r"}),
        ("approve", {}),
        ("close", {"closing_summary": "某企业起重伤害事故已结案，企业被罚款。"}),
    ]:
        apply_transition(accident, action, actor=cast["city"], data=data)
    return accident


def test_public_page_shows_only_closed_published_summaries_without_personal_data(client, cast):
    published = _closed(cast, enterprise=cast["enterprise_a_obj"].credit_code)
    unpublished = _closed(cast)
    report(cast["city"], cast["towns"][0], deaths=2, summary="未结案的秘密经过")
    client.force_login(cast["city"])
    client.post(f"/accidents/{published.pk}/publish/")
    client.logout()
    response = client.get("/accidents/public/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("data-public-accident") == 1
    assert "某企业起重伤害事故已结案" in body
    for private in (
        "张三",
        "13800000000",
        "李四",
        "未结案的秘密经过",
        "起重作业时吊物坠落",
        cast["enterprise_a_obj"].name,
        cast["enterprise_a_obj"].credit_code,
    ):
        assert private not in body
    assert unpublished.published_at is None


def test_only_the_city_office_publishes(client, cast):
    accident = _closed(cast)
    client.force_login(cast["town_a"])
    client.post(f"/accidents/{accident.pk}/publish/")
    accident.refresh_from_db()
    assert accident.published_at is None


def test_quota_page_and_statistics_with_export(client, cast):
    with time_machine.travel(at(2025, 12, 1, 9, 0), tick=False):
        last_year = at(2025, 11, 3, 9, 0)
        report(cast["city"], cast["towns"][0], occurred_at=last_year, type="2", deaths=1)
    report(cast["city"], cast["towns"][0], deaths=1, type="WSA10002")
    client.force_login(cast["city"])
    quota = client.post(
        "/accidents/quotas/",
        {"year": "2026", "kind": "town", "town": cast["towns"][0].code, "deaths_allowed": "1"},
        follow=True,
    )
    assert 'data-level="over"' in quota.content.decode()
    stats = client.get("/accidents/statistics/?year=2026")
    assert stats.status_code == 200
    assert stats.context["stats"]["totals"]["accidents"] == 1
    assert stats.context["stats"]["previous"]["accidents"] == 1
    export = client.get("/accidents/statistics.xlsx?year=2026")
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames[:2] == ["月报", "按镇街"]
    months = book["月报"]
    assert months.cell(row=14, column=2).value == 1  # December this year
    assert months.cell(row=13, column=4).value == 1  # November last year
    # the type list changed between the years: a span of both editions says so
    cross = client.get("/accidents/statistics/?year=2026")
    assert not cross.context["stats"]["mixed_editions"]


def test_statistics_across_the_type_change_say_so(client, cast):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        report(cast["city"], cast["towns"][0], occurred_at=at(2026, 3, 3, 9, 0), type="2")
        report(cast["city"], cast["towns"][0], occurred_at=at(2026, 9, 3, 9, 0), type="WSA10002")
    client.force_login(cast["city"])
    page = client.get("/accidents/statistics/?year=2026")
    assert page.context["stats"]["mixed_editions"]
    assert 'id="mixed-editions"' in page.content.decode()
