"""The pages: list, detail with actions, create form, the task done on a phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from anjian.core.hostile_testing import CORPUS
from anjian.dangers import services
from anjian.dangers.models import Checklist, HiddenDanger, InspectionTask
from anjian.dangers.tests.conftest import photo, report
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=TEST_PASSWORD)
    return c


def test_pages_answer_for_every_persona(danger, people):
    for who, user in people.items():
        c = client(user)
        for url in ("/dangers/", "/dangers/tasks/", "/dangers/checklists/"):
            assert c.get(url).status_code in (200, 404), (who, url)
        detail = c.get(f"/dangers/{danger.pk}/").status_code
        assert detail == (200 if who in ("city", "town", "department", "enterprise") else 404), who


def test_create_form_reports_a_danger_with_a_photo(works, people):
    c = client(people["town"])
    assert c.get("/dangers/new/").status_code == 200
    response = c.post(
        "/dangers/new/",
        {"enterprise": works.pk, "source": "grid_patrol", "place": "配电室",
         "description": "电缆沟积水", "category": "electrical",
         "deadline": (timezone.localdate() + timedelta(days=3)).isoformat(), "photo": photo()},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    danger = HiddenDanger.objects.get()
    detail = c.get(response["Location"]).content.decode()
    assert "评估定级" in detail and danger.place in detail


def test_hostile_text_is_inert_on_the_pages(works, people):
    text = next(t for t in CORPUS.values() if "<script" in t)
    report(works, people["town"], description=text, place=text[:200])
    page = client(people["town"]).get("/dangers/").content.decode()
    assert "<script>alert" not in page


def test_a_task_done_on_the_phone(works, people):
    services.create_inspection_plan(
        works, {"checklist": Checklist.objects.get(key="confined_space"), "name": "有限空间日检",
                "frequency": "daily"}, actor=people["enterprise"],
    )  # fmt: skip
    services.generate_tasks()
    task = InspectionTask.objects.get()
    items = list(task.checklist.items.all())
    c = client(people["enterprise"])
    assert c.get(f"/dangers/tasks/{task.pk}/").status_code == 200
    data = {f"item-{i.pk}": "pass" for i in items}
    data[f"item-{items[0].pk}"] = "fail"
    refused = c.post(f"/dangers/tasks/{task.pk}/", data)
    assert "须拍照" in refused.content.decode()
    data[f"photo-{items[0].pk}"] = photo()
    done = c.post(f"/dangers/tasks/{task.pk}/", data)
    assert done.status_code == 302
    danger = HiddenDanger.objects.get()
    assert client(people["town"]).get(f"/dangers/{danger.pk}/").status_code == 200


def test_notice_and_closing_record_pdfs_keep_user_text_inert(works, people):
    from anjian.core.workflow import apply_transition

    hostile = '<img src="/etc/hostname"/><a href="http://x">x</a>'
    danger = report(works, people["town"], description=hostile)
    c = client(people["town"])
    notice = c.get(f"/dangers/{danger.pk}/notice.pdf")
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF")
    assert b"/Subtype /Image" not in notice.content and b"/URI" not in notice.content
    assert c.get(f"/dangers/{danger.pk}/closing.pdf").status_code == 404  # not closed out yet
    apply_transition(danger, "assess", actor=people["town"])
    apply_transition(danger, "start_rectification", actor=people["enterprise"])
    apply_transition(danger, "submit", actor=people["enterprise"], attachments=[photo()])
    apply_transition(danger, "close_out", actor=people["town"], comment=hostile)
    closing = c.get(f"/dangers/{danger.pk}/closing.pdf")
    assert closing.status_code == 200 and b"/URI" not in closing.content
    assert client(people["town_b"]).get(f"/dangers/{danger.pk}/notice.pdf").status_code == 404
    dossier = c.get(f"/enterprises/{works.pk}/dossier.pdf")
    assert dossier.status_code == 200
