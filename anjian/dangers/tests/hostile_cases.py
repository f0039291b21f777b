"""Hidden dangers in the hostile-text test (:mod:`anjian.core.hostile_testing`): the report
through its form, the API and the ledger import; the comments of every transition (assess,
rectify, submit, reject, close out, cancel; an extension's refusal; a listing's lifting); the
five implementations through the API and their form; the extension request and the progress
report of a listed danger, each through the API and its form; the self-inspection plan's form
and a task's results through the API and the phone page. Read back on the danger page, the
ledger export, the rectification notice and the closing-out record, and the task page.

The checklists (templates and their items) are built-in reference data
(:mod:`anjian.dangers.checklists`): no user writes them, so no path here."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from anjian.accounts.choices import Role
from anjian.core.hostile_testing import Reading, World, WritePath, Written
from anjian.core.lifecycle_models import Transition
from anjian.core.sheets import write_book
from anjian.core.workflow import apply_transition
from anjian.dangers import importing, services
from anjian.dangers.models import (
    Checklist,
    ExtensionRequest,
    HiddenDanger,
    InspectionPlan,
    InspectionTask,
    ListedSupervision,
    ProgressReport,
    RectificationPlan,
)
from anjian.dangers.tests.conftest import photo
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user

PLAIN = {
    "owner": "张三",
    "measures": "更换阀门",
    "funds": Decimal("10"),
    "contingency_plan": "预案",
}


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def setup(world: World) -> None:
    town = Town.objects.order_by("code").first()
    assert town is not None
    works = make_enterprise(town, "滕州市隐患敌意测试化工有限公司")
    world.danger_works = works
    world.danger_town = make_user("hostile-danger-town", (Role.TOWN, town.code))
    world.danger_city = make_user("hostile-danger-city", (Role.CITY, CITY_CODE))
    world.danger_owner = make_user("hostile-danger-works", (Role.ENTERPRISE, works.credit_code))


def _deadline(days: int = 7) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _written(response: Any, obj: Any) -> Written:
    """A page's answer: shown again with its form's errors, or redirected once saved."""
    context = (response.context or {}) if response.status_code == 200 else {}
    form = context.get("form")
    errors = bool(form is not None and form.errors) or bool(context.get("errors"))
    return Written(response.status_code, obj, errors)


def _post(user: Any, url: str, body: dict[str, Any]) -> int:
    response = _client(user).post(url, body, content_type="application/json")
    return int(response.status_code)


def _danger(world: World, *, major: bool = False) -> HiddenDanger:
    return services.create_danger(
        world.danger_works,
        {"source": "grid_patrol", "place": f"罐区{world.serial()}", "description": "阀门泄漏",
         "deadline": timezone.localdate() + timedelta(days=7), "is_major": major},
        actor=world.danger_town,
    )  # fmt: skip


def _new(model: Any, before: set[int]) -> Any:
    return model.objects.exclude(pk__in=before).first()


def _pks(model: Any) -> set[int]:
    return set(model.objects.values_list("pk", flat=True))


# The report: its form, the API, the ledger import.


def _form(world: World, text: str) -> Written:
    before = _pks(HiddenDanger)
    response = _client(world.danger_town).post(
        "/dangers/new/",
        {"enterprise": world.danger_works.pk, "source": "grid_patrol", "place": text,
         "description": text, "category": "other", "deadline": _deadline()},
    )  # fmt: skip
    return _written(response, _new(HiddenDanger, before))


def _api(world: World, text: str, **texts: str) -> Written:
    before = _pks(HiddenDanger)
    body = {"enterprise": world.danger_works.pk, "source": "grid_patrol", "place": "罐区",
            "description": text, "deadline": _deadline(), **texts}  # fmt: skip
    status = _post(world.danger_town, "/api/v1/hidden-dangers", body)
    return Written(status, _new(HiddenDanger, before))


def _people(world: World, text: str) -> Written:
    return _api(world, "阀门泄漏", finder=text, responsible_person=text)


def _import(world: World, text: str) -> Written:
    row = {"credit_code": world.danger_works.credit_code, "source": "网格巡查", "place": text,
           "description": text, "finder": text, "responsible_person": text,
           "deadline": _deadline()}  # fmt: skip
    data = write_book([(importing.SHEET, [[row.get(c.key) for c in importing.SHEET.columns]])])
    before = _pks(HiddenDanger)
    upload = _file("台账.xlsx", data)
    response = _client(world.danger_town).post("/dangers/import/", {"file": upload})
    return _written(response, _new(HiddenDanger, before))


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# The transitions, through the API.


def _upload(world: World, owner: str, pk: int) -> int:
    response = _client(world.danger_owner).post(
        f"/api/v1/attachments/{owner}/{pk}", {"file": photo()}
    )
    return int(response.json()["id"])


def _act(user: Any, route: str, obj: Any, action: str, comment: str, files: Any = ()) -> int:
    """The transition through the API (``files``: ids of attachments uploaded first)."""
    body = {"action": action, "comment": comment, "attachments": list(files)}
    return _post(user, f"/api/v1/{route}/{obj.pk}/transitions", body)


def _step(world: World, danger: HiddenDanger, action: str, comment: str) -> int:
    actor = world.danger_owner if action in ("start_rectification", "submit") else world.danger_town
    files = [_upload(world, "dangers.hiddendanger", danger.pk)] if action == "submit" else []
    return _act(actor, "hidden-dangers", danger, action, comment, files)


def _steps(world: World, danger: HiddenDanger, actions: list[str], comment: str) -> int:
    """The actions in turn, each with ``comment``; the answer of the last, or the first refusal."""
    status = 200
    for action in actions:
        status = _step(world, danger, action, comment)
        if status >= 400:
            break
    return status


FULL_CIRCLE = ["assess", "start_rectification", "submit", "reject", "submit", "close_out"]


def _workflow(world: World, text: str) -> Written:
    danger = _danger(world)
    return Written(_steps(world, danger, FULL_CIRCLE, text), danger)


def _cancel(world: World, text: str) -> Written:
    danger = _danger(world)
    return Written(_steps(world, danger, ["assess", "cancel"], text), danger)


def _comments(obj: Any) -> list[str]:
    return [t.comment for t in Transition.objects.of(obj)]


def _refusal(world: World, text: str) -> Written:
    extension = _extension(world)
    return Written(
        _act(world.danger_town, "danger-extensions", extension, "refuse", text), extension
    )


def _lift(world: World, text: str) -> Written:
    danger = _danger(world, major=True)
    listing = services.create_listing(
        danger, actor=world.danger_city, deadline=timezone.localdate() + timedelta(days=30)
    )
    _close_out(world, danger)
    return Written(_act(world.danger_city, "danger-listings", listing, "lift", text), listing)


def _close_out(world: World, danger: HiddenDanger) -> None:
    """A major danger given its five implementations, rectified and closed out."""
    services.add_rectification_plan(
        danger, {**PLAIN, "deadline": timezone.localdate()}, actor=world.danger_town
    )
    apply_transition(danger, "assess", actor=world.danger_town)
    apply_transition(danger, "start_rectification", actor=world.danger_owner)
    apply_transition(danger, "submit", actor=world.danger_owner, attachments=[photo()])
    apply_transition(danger, "close_out", actor=world.danger_town)


# The five implementations, the extension request, the progress report.


def _plan_api(world: World, text: str, **texts: str) -> Written:
    danger = _danger(world, major=True)
    body = {"owner": text, "measures": text, "contingency_plan": text, "funds": "10",
            "deadline": _deadline(), **texts}  # fmt: skip
    status = _post(world.danger_town, f"/api/v1/hidden-dangers/{danger.pk}/plan", body)
    plan = RectificationPlan.objects.filter(danger=danger).first()
    if plan is not None:
        _steps(world, danger, ["assess", "start_rectification", "submit", "close_out"], "审核")
    return Written(status, plan)


def _plan_form(world: World, text: str) -> Written:
    danger = _danger(world, major=True)
    response = _client(world.danger_town).post(
        f"/dangers/{danger.pk}/plan/",
        {"owner": text, "measures": text, "funds": "10", "deadline": _deadline(),
         "contingency_plan": text},
    )  # fmt: skip
    return _written(response, RectificationPlan.objects.filter(danger=danger).first())


def _assessed(world: World) -> HiddenDanger:
    danger = _danger(world)
    apply_transition(danger, "assess", actor=world.danger_town)
    return danger


def _extension(world: World) -> ExtensionRequest:
    return services.create_extension_request(
        _assessed(world),
        timezone.localdate() + timedelta(days=20),
        "材料未到货",
        actor=world.danger_owner,
    )


def _extension_api(world: World, text: str) -> Written:
    danger = _assessed(world)
    status = _post(
        world.danger_owner,
        f"/api/v1/hidden-dangers/{danger.pk}/extensions",
        {"deadline": _deadline(20), "reason": text},
    )
    return Written(status, ExtensionRequest.objects.filter(danger=danger).first())


def _extension_form(world: World, text: str) -> Written:
    danger = _assessed(world)
    response = _client(world.danger_owner).post(
        f"/dangers/{danger.pk}/extension/", {"deadline": _deadline(20), "reason": text}
    )
    return _written(response, ExtensionRequest.objects.filter(danger=danger).first())


def _listing(world: World) -> ListedSupervision:
    return services.create_listing(
        _danger(world, major=True),
        actor=world.danger_city,
        deadline=timezone.localdate() + timedelta(days=30),
    )


def _report_api(world: World, text: str) -> Written:
    listing = _listing(world)
    status = _post(world.danger_owner, f"/api/v1/danger-listings/{listing.pk}/reports",
                   {"text": text})  # fmt: skip
    return Written(status, ProgressReport.objects.filter(listing=listing).first())


def _report_form(world: World, text: str) -> Written:
    listing = _listing(world)
    response = _client(world.danger_owner).post(
        f"/dangers/listings/{listing.pk}/report/", {"text": text}
    )
    return _written(response, ProgressReport.objects.filter(listing=listing).first())


# Self-inspection: the plan's form, a task's results.


def _checklist() -> Checklist:
    return Checklist.objects.get(key="confined_space")


def _inspection_form(world: World, text: str) -> Written:
    before = _pks(InspectionPlan)
    response = _client(world.danger_owner).post(
        "/dangers/tasks/plans/new/",
        {"enterprise": world.danger_works.pk, "checklist": _checklist().pk, "name": text,
         "frequency": "daily", "post": text},
    )  # fmt: skip
    return _written(response, _new(InspectionPlan, before))


def _task(world: World) -> InspectionTask:
    plan = services.create_inspection_plan(
        world.danger_works,
        {"checklist": _checklist(), "name": f"日检{world.serial()}", "frequency": "daily"},
        actor=world.danger_owner,
    )
    services.generate_tasks()
    return InspectionTask.objects.get(plan=plan)


def _results_api(world: World, text: str) -> Written:
    task = _task(world)
    items = list(task.checklist.items.all())
    failed = {"item": items[0].pk, "passed": False, "note": text, "place": text,
              "attachments": [_upload(world, "dangers.inspectiontask", task.pk)]}  # fmt: skip
    passed = [{"item": i.pk, "passed": True, "note": text} for i in items[1:]]
    status = _post(world.danger_owner, f"/api/v1/inspection-tasks/{task.pk}/complete",
                   {"results": [failed, *passed]})  # fmt: skip
    return Written(status, task if task.results.exists() else None)


def _results_page(world: World, text: str) -> Written:
    task = _task(world)
    items = list(task.checklist.items.all())
    data: dict[str, Any] = {f"item-{i.pk}": "pass" for i in items}
    data |= {f"note-{i.pk}": text for i in items}
    data |= {f"item-{items[0].pk}": "fail", f"photo-{items[0].pk}": photo()}
    response = _client(world.danger_owner).post(f"/dangers/tasks/{task.pk}/", data)
    return _written(response, task if task.results.exists() else None)


def _task_texts(task: InspectionTask) -> list[str]:
    return [r.note for r in task.results.all()] + [d.place for d in task.dangers.all()]


def paths(world: World) -> list[WritePath]:
    report_readers = ("danger page", "danger ledger export", "danger notice PDF")
    return [
        WritePath("danger report form", 200, lambda t: _form(world, t),
                  lambda d: [d.place, d.description], report_readers),
        WritePath("danger report API", 2000, lambda t: _api(world, t),
                  lambda d: [d.description], (*report_readers, "danger enterprise dossier PDF"),
                  one_line=False),
        WritePath("danger report API people", 50, lambda t: _people(world, t),
                  lambda d: [d.finder, d.responsible_person], report_readers),
        WritePath("danger ledger import", 50, lambda t: _import(world, t),
                  lambda d: [d.place, d.description, d.finder, d.responsible_person],
                  ("danger page", "danger ledger export")),
        WritePath("danger workflow comments", 2000, lambda t: _workflow(world, t), _comments,
                  ("danger page", "danger closing PDF"), one_line=False),
        WritePath("danger cancel reason", 2000, lambda t: _cancel(world, t), _comments,
                  ("danger page",), one_line=False),
        WritePath("danger extension refusal", 2000, lambda t: _refusal(world, t), _comments,
                  ("danger page",), one_line=False),
        WritePath("danger listing lifting", 2000, lambda t: _lift(world, t), _comments,
                  ("danger page",), one_line=False),
        WritePath("danger five implementations API", 50, lambda t: _plan_api(world, t),
                  lambda p: [p.owner, p.measures, p.contingency_plan],
                  ("danger page", "danger closing PDF")),
        WritePath("danger five implementations API measures", 2000,
                  lambda t: _plan_api(world, t, owner="张三"),
                  lambda p: [p.measures, p.contingency_plan],
                  ("danger page", "danger closing PDF"), one_line=False),
        WritePath("danger five implementations form", 50, lambda t: _plan_form(world, t),
                  lambda p: [p.owner, p.measures, p.contingency_plan], ("danger page",)),
        WritePath("danger extension request API", 1000, lambda t: _extension_api(world, t),
                  lambda x: [x.reason], ("danger page",), one_line=False),
        WritePath("danger extension request form", 1000, lambda t: _extension_form(world, t),
                  lambda x: [x.reason], ("danger page",), one_line=False),
        WritePath("danger progress report API", 2000, lambda t: _report_api(world, t),
                  lambda r: [r.text], ("danger page",), one_line=False),
        WritePath("danger progress report form", 2000, lambda t: _report_form(world, t),
                  lambda r: [r.text], ("danger page",), one_line=False),
        WritePath("danger inspection plan form", 50, lambda t: _inspection_form(world, t),
                  lambda p: [p.name, p.post], ("inspection task page",)),
        WritePath("danger task results API", 200, lambda t: _results_api(world, t),
                  _task_texts, ("inspection task page", "danger page")),
        WritePath("danger task results page", 300, lambda t: _results_page(world, t),
                  lambda task: [r.note for r in task.results.all()],
                  ("inspection task page", "danger page")),
    ]  # fmt: skip


def _danger_of(obj: Any) -> HiddenDanger:
    if isinstance(obj, HiddenDanger):
        return obj
    if isinstance(obj, ProgressReport):
        return obj.listing.danger
    if isinstance(obj, InspectionTask):
        return obj.dangers.get()
    return obj.danger


def _task_of(obj: Any) -> InspectionTask:
    return obj if isinstance(obj, InspectionTask) else InspectionTask.objects.get(plan=obj)


def _get(user: Any, url: str, kind: Any) -> Reading:
    response = _client(user).get(url)
    return Reading(kind, response.content, response.status_code)


READERS = {
    "danger page": lambda w, o: _get(w.danger_city, _danger_of(o).get_absolute_url(), "html"),
    "danger ledger export": lambda w, o: _get(w.danger_city, "/dangers/export.xlsx", "xlsx"),
    "danger notice PDF": lambda w, o: _get(
        w.danger_city, f"/dangers/{_danger_of(o).pk}/notice.pdf", "pdf"
    ),
    "danger closing PDF": lambda w, o: _get(
        w.danger_city, f"/dangers/{_danger_of(o).pk}/closing.pdf", "pdf"
    ),
    "danger enterprise dossier PDF": lambda w, o: _get(
        w.danger_city, f"/enterprises/{_danger_of(o).enterprise_id}/dossier.pdf", "pdf"
    ),
    "inspection task page": lambda w, o: _get(
        w.danger_owner, _task_of(o).get_absolute_url(), "html"
    ),
}
