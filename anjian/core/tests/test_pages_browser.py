"""The generic browser suite (issue #10): every page every demo role can reach, every edit form,
every list's actions. A new page joins without being named here: the pages come from the
navigation registry (:func:`navigation_urls`), each list's first detail page and the edit and new
forms are found by following the pages' own links.

For each page, as every demo account, in Chinese and in English, at 1920 and 375 px wide:

- no console error, no uncaught exception, no Content-Security-Policy violation;
- no request to any host but the server's own;
- no horizontal overflow;
- no raw code where a label belongs (``snake_case`` tokens, ``kind:code`` strings) and, on the
  English pages, no Chinese in a label. Only labels are read (navigation, headings, table
  headers, form labels, buttons): data values are Chinese in every language, and a heading that
  names an object marks the name ``translate="no"`` (the HTML attribute for text that is not to be
  translated), which the check skips;
- a screenshot under ``test-artifacts/pages/``.
"""

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import Client

from anjian.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A small demo city: every page has rows to show, and the suite stays quick.
DEMO_ENTERPRISES = 40
LANGUAGES = ("zh-hans", "en")
WIDTHS = (1920, 375)
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:[A-Za-z0-9_-]+")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Links that download or act rather than show a page.
NOT_A_PAGE = re.compile(r"\.(xlsx|pdf|zip|json)$|/logout/|/export")
FORM_LINK = re.compile(r"/(edit|new)/$")
# Records that a page view writes by design (sessions, sign-in records, the audit of reads).
VOLATILE_MODELS = {
    "sessions.session",
    "core.auditlog",
    "core.auditchainhead",
    "accounts.loginattempt",
    "core.job",
}
VOLATILE_FIELDS = {"updated_at", "modified_at", "last_login", "last_seen_at"}

LABELS_JS = """() => {
  const selector = "nav a, h1, h2, h3, h4, h5, h6, th, label, button, legend, .btn, .card-header";
  const texts = [];
  for (const element of document.querySelectorAll(selector)) {
    if (element.closest("[translate=no], [hidden], .d-none") || !element.offsetParent) continue;
    const clone = element.cloneNode(true);
    clone.querySelectorAll("[translate=no], code, select, option, input, textarea, .badge")
      .forEach((node) => node.remove());
    const text = clone.textContent.replace(/\\s+/g, " ").trim();
    if (text) texts.push(text);
  }
  return texts;
}"""

CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (event) => {
  (window.__cspViolations = window.__cspViolations || []).push(
    event.violatedDirective + " " + event.blockedURI);
});"""


def navigation_urls(user: Any) -> list[str]:
    """The pages of the navigation for ``user``: the one place that knows where the navigation
    registry lives (adapt it when the registry moves)."""
    from anjian.core.navigation import menu_for

    return [entry["url"] for entry in menu_for(user)]


def demo_accounts() -> list[dict[str, Any]]:
    """One demo account per role, as ``manage.py demo_accounts --json`` lists them (two town
    accounts see the same pages of different data: one of them is enough here)."""
    out = io.StringIO()
    with redirect_stdout(out):
        call_command("demo_accounts", "--json", stdout=out)
    by_roles: dict[frozenset[str], dict[str, Any]] = {}
    for account in json.loads(out.getvalue()):
        by_roles.setdefault(frozenset(r["role"] for r in account["roles"]), account)
    return list(by_roles.values())


@pytest.fixture
def demo_city(browser_page: Any, monkeypatch: Any) -> Iterator[Any]:
    """The demo city (small) on the live server, and the browser page."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    call_command("load_demo", seed=2018, enterprises=DEMO_ENTERPRISES, stdout=io.StringIO())
    yield browser_page


class Watch:
    """What a page did wrong while it loaded: console errors, foreign requests."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.host = urlsplit(page.base_url).netloc
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"exception: {error}"))
        page.on("request", self._request)
        page.context.add_init_script(CSP_LISTENER)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text}")

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https") and parts.netloc != self.host:
            self.problems.append(f"foreign request: {request.url}")

    def take(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems


def sign_in(page: Any, user: User, language: str) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": page.base_url},
            {"name": "django_language", "value": language, "url": page.base_url},
        ]
    )


def links(page: Any, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "(nodes) => nodes.map((a) => a.href)")
    host = urlsplit(page.base_url).netloc
    return [h for h in hrefs if urlsplit(h).netloc == host and not NOT_A_PAGE.search(h)]


def label_problems(page: Any, language: str) -> list[str]:
    problems = []
    for text in page.evaluate(LABELS_JS):
        if RAW_CODE.search(text):
            problems.append(f"raw code in a label: {text!r}")
        if language == "en" and CHINESE.search(text):
            problems.append(f"Chinese in an English label: {text!r}")
    return problems


def overflow(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


# Layout faults that do not overflow: a navbar wrapped to two rows, a table column squeezed until
# its words stand one character per line.
LAYOUT_JS = """() => {
  const faults = [];
  const bar = document.querySelector("nav.navbar");
  if (bar && bar.getBoundingClientRect().height > 72) faults.push("the navbar wraps");
  for (const cell of document.querySelectorAll("main td, main th")) {
    const text = cell.innerText.replace(/\\s+/g, "");
    if (text.length < 2 || !cell.offsetParent) continue;
    // Lines: the distinct tops of the cell's text fragments (element boxes do not count).
    const tops = new Set();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.width) tops.add(Math.round(rect.top));
    }
    const lines = tops.size;
    if (lines > 1 && text.length / lines < 2) {
      faults.push("a squeezed column: " + text.slice(0, 20));
      break;
    }
  }
  return faults;
}"""


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def check_page(
    page: Any, watch: Watch, path: str, name: str, language: str, shots: Path
) -> list[str]:
    """Load ``path`` at each width and return what is wrong with it."""
    problems: list[str] = []
    page.set_viewport_size({"width": WIDTHS[0], "height": 1080})
    response = page.goto(page.base_url + path)
    if response is None or response.status != 200:
        return [f"status {response.status if response else 'none'}"]
    problems += label_problems(page, language)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1080 if width > 600 else 812})
        if (extra := overflow(page)) > 0:
            problems.append(f"overflows by {extra} px at {width} px")
        problems += [f"{fault} at {width} px" for fault in page.evaluate(LAYOUT_JS)]
        # A generous timeout: a loaded CI machine takes long for a full-page capture.
        shot = shots / f"{name}-{language}-{width}-{slug(path)}.png"
        page.screenshot(path=shot, full_page=True, timeout=90_000)
    problems += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations || []")]
    problems += watch.take()
    return problems


def pages_of(page: Any, user: User, details: int = 1) -> list[str]:
    """The navigation's pages, each list's first ``details`` detail pages, and the forms they
    link to."""
    host = page.base_url
    paths = list(navigation_urls(user))
    found: list[str] = []
    for path in list(paths):
        page.goto(host + path)
        rows = list(dict.fromkeys(urlsplit(h).path for h in links(page, "main table a[href]")))
        found += rows[:details]
        found += [urlsplit(h).path for h in links(page, "main a[href]") if FORM_LINK.search(h)]
    for path in list(found):
        if not FORM_LINK.search(path):
            page.goto(host + path)
            found += [urlsplit(h).path for h in links(page, "main a[href]") if FORM_LINK.search(h)]
    return list(dict.fromkeys(paths + found))


def test_every_page_for_every_role_language_and_width(demo_city, artifacts):
    page = demo_city
    shots = artifacts / "pages"
    shots.mkdir(exist_ok=True)
    watch = Watch(page)
    failures: dict[str, list[str]] = {}
    started, loads = time.monotonic(), 0
    for account in demo_accounts():
        user = User.objects.get(username=account["username"])
        sign_in(page, user, "zh-hans")
        paths = pages_of(page, user)
        watch.take()
        for language in LANGUAGES:
            sign_in(page, user, language)
            for path in paths:
                loads += 1
                problems = check_page(page, watch, path, user.username, language, shots)
                if problems:
                    failures[f"{user.username} {language} {path}"] = problems
    print(f"\n{loads} page loads × {len(WIDTHS)} widths in {time.monotonic() - started:.0f} s")
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every Anjian model (what an unchanged save must leave as it was)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("anjian.") or label in VOLATILE_MODELS:
            continue
        rows[label] = [
            {k: v for k, v in model_to_dict(obj).items() if k not in VOLATILE_FIELDS}
            for obj in model.objects.order_by("pk")
        ]
    return rows


def changed(before: dict[str, list[dict[str, Any]]], after: dict[str, Any]) -> dict[str, Any]:
    differences = {}
    for label, rows in before.items():
        if rows != after[label]:
            old = {row["id"]: row for row in rows}
            new = {row["id"]: row for row in after[label]}
            differences[label] = {
                pk: {
                    k: (old.get(pk, {}).get(k), v)
                    for k, v in row.items()
                    if old.get(pk, {}).get(k) != v
                }
                for pk, row in new.items()
                if old.get(pk) != row
            }
    return differences


def test_every_edit_form_saved_unchanged_changes_nothing(demo_city):
    """Open each edit form (found from the detail pages' links) as the city office, in each
    language, submit it as it comes, and compare every row before and after."""
    page = demo_city
    watch = Watch(page)
    failures: dict[str, Any] = {}
    forms_seen, kinds = 0, set()
    for account in demo_accounts():
        user = User.objects.get(username=account["username"])
        sign_in(page, user, "zh-hans")
        # A few rows of each list: an edit form of a row's part (a licence) shows only on the
        # detail pages of rows that have one.
        edit_forms = [p for p in pages_of(page, user, details=6) if p.endswith("/edit/")]
        kinds.update(re.sub(r"\d+", "<id>", p) for p in edit_forms)
        for language in LANGUAGES:
            sign_in(page, user, language)
            for path in edit_forms:
                forms_seen += 1
                page.goto(page.base_url + path)
                before = snapshot()
                with page.expect_navigation():
                    page.click("main form[method=post] button[type=submit]")
                difference = changed(before, snapshot())
                if difference:
                    failures[f"{user.username} {language} {path}"] = difference
        watch.take()
    print(f"\n{forms_seen} edit forms saved; kinds: {sorted(kinds)}")
    assert forms_seen, "no edit form found"
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1, default=str)


def _filter_form_pages(page: Any, user: User) -> list[str]:
    """The navigation's pages with an htmx filter form that pushes its address."""
    found = []
    for path in navigation_urls(user):
        page.goto(page.base_url + path)
        if page.locator("main form[hx-get][hx-push-url] select").count():
            found.append(path)
    return found


def test_list_actions_follow_the_filters_and_history_shows_whole_pages(demo_city):
    """On every list with a filter form: set a filter through the page, then every action on the
    current list (a link that carried the page's query when it loaded, or a form marked
    ``data-follows-query``) carries the new filter; Back and Forward after leaving the list show
    a whole page, never the htmx fragment."""
    page = demo_city
    city = next(
        User.objects.get(username=a["username"])
        for a in demo_accounts()
        if any(r["role"] == "city" for r in a["roles"])
    )
    sign_in(page, city, "zh-hans")
    lists = _filter_form_pages(page, city)
    assert lists, "no list with a filter form"
    checked = 0  # actions found on the lists (a list may have none)
    for path in lists:
        page.goto(page.base_url + path)
        select = page.locator("main form[hx-get][hx-push-url] select").first
        name = select.get_attribute("name")
        values = [
            v for v in select.locator("option").evaluate_all("(o) => o.map((x) => x.value)") if v
        ]
        first, second = values[0], values[1]
        page.goto(f"{page.base_url}{path}?{name}={first}")
        marker = f"{name}={first}"
        actions = page.eval_on_selector_all(
            "main a[href]",
            "(nodes, marker) => nodes.filter((a) => a.getAttribute('href').includes(marker))"
            ".map((a) => a.id || a.getAttribute('href'))",
            marker,
        )
        checked += len(actions)
        with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
            page.locator("main form[hx-get][hx-push-url] select").first.select_option(second)
        page.wait_for_url(re.compile(re.escape(f"{name}={second}")))
        hrefs = page.eval_on_selector_all(
            "main a[href][data-follows-query], main a[id]",
            "(nodes) => nodes.map((a) => a.getAttribute('href'))",
        )
        stale = [h for h in hrefs if marker in h]
        assert not stale, f"{path}: actions still on the old filter: {stale}"
        for href in page.eval_on_selector_all(
            "main a[data-follows-query]", "(nodes) => nodes.map((a) => a.getAttribute('href'))"
        ):
            assert parse_qs(urlsplit(href).query).get(name) == [second], (path, href)
        for form in page.locator("main form[data-follows-query]").all():
            assert form.locator(f"input[name={name}]").get_attribute("value") == second, path

        filtered = page.url
        detail = page.locator("main table a[href]").first
        with page.expect_navigation():
            detail.click()
        page.go_back(wait_until="networkidle")
        assert page.url == filtered
        assert page.locator("nav.navbar").count() == 1, f"{path}: Back showed a bare fragment"
        assert page.locator(f"main form select[name={name}]").input_value() == second
        page.go_forward(wait_until="networkidle")
        page.go_back(wait_until="networkidle")
        assert page.locator("nav.navbar").count() == 1, f"{path}: Back/Forward showed a fragment"
    assert checked, "no list action was found to check"
