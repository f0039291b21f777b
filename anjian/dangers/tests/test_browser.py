"""At phone width: open a task, fail an item with a photo, the danger appears for the town;
then it is assessed, rectified with the after photo, verified and closed out."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from anjian.core.roles import Role
from anjian.dangers import checklists, services
from anjian.dangers.models import Checklist, HiddenDanger, InspectionTask
from anjian.dangers.tests.conftest import photo
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import Town
from conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMAGES = Path(__file__).resolve().parents[3] / "docs" / "images"


def _sign_in(page, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url}]
    )


def _jpeg() -> dict:
    return {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo().read()}


def _act(page, label: str, *, file: bool = False) -> None:
    if file:
        page.set_input_files("#transition-file", _jpeg())
    with page.expect_navigation():
        page.click(f"button[name=action]:has-text('{label}')")


def test_a_failed_item_becomes_a_danger_that_is_closed_out(browser_page, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 812})
    checklists.install()
    town = Town.objects.order_by("code").first()
    works = make_enterprise(town, "滕州市浏览器化工有限公司")
    manager = make_user("works_browser", (Role.ENTERPRISE, works.credit_code))
    officer = make_user("town_browser", (Role.TOWN, town.code))
    services.create_inspection_plan(
        works,
        {"checklist": Checklist.objects.get(key="confined_space"), "name": "有限空间日检",
         "frequency": "daily", "post": "污水池"},
        actor=manager,
    )  # fmt: skip
    services.generate_tasks()
    task = InspectionTask.objects.get()
    items = list(task.checklist.items.all())

    _sign_in(page, manager)
    page.goto(f"{page.base_url}/dangers/tasks/")
    with page.expect_navigation():
        page.click("[data-testid=tasks-todo] a")
    for item in items:
        page.click(f"label[for={'fail' if item == items[0] else 'pass'}-{item.pk}]")
    page.set_input_files(f"#photo-{items[0].pk}", _jpeg())
    page.screenshot(path=IMAGES / "dangers-task-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('提交排查结果')")
    assert "发现隐患 1 项" in page.content()
    danger = HiddenDanger.objects.get()

    _sign_in(page, officer)
    page.goto(f"{page.base_url}/dangers/?status=open")
    assert items[0].text[:10] in page.locator("[data-testid=danger-table]").inner_text()
    page.screenshot(path=IMAGES / "dangers-list-375.png", full_page=True)
    page.goto(f"{page.base_url}/dangers/{danger.pk}/")
    _act(page, "评估定级")

    _sign_in(page, manager)
    page.goto(f"{page.base_url}/dangers/{danger.pk}/")
    _act(page, "开始整改")
    _act(page, "提交验收")  # without the after photo: refused
    assert page.locator("[data-testid=danger-state]").get_attribute("data-state") == "rectifying"
    _act(page, "提交验收", file=True)

    _sign_in(page, officer)
    page.goto(f"{page.base_url}/dangers/{danger.pk}/")
    _act(page, "验收销号")
    state = page.locator("[data-testid=danger-state]").get_attribute("data-state")
    assert state == "closed_out"
    page.screenshot(path=IMAGES / "dangers-detail-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{page.base_url}/dangers/figures/")
    page.screenshot(path=IMAGES / "dangers-figures-1920.png", full_page=True)
