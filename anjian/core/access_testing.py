"""The machinery of the access test (``anjian/core/tests/test_access.py``).

It enumerates every URL pattern (from the resolver) and every API operation (from the OpenAPI
document), builds a world of two sides, A and B (two towns, two grids, two departments, two
enterprises), signs in as one persona per role on side A, and proves for each scoped object that
side B owns:

- **not listed, not counted**: every parameterless GET page and API operation answers exactly
  the same before and after the object is created (lists, counts, exports, maps, dashboards),
  both plainly and when searching (``?q=秘密``) for the marker side-B names carry;
- **not readable, not writable**: every route that names the object (URL kwargs / path
  parameters) answers the same as for an object that does not exist (404), for GET and POST
  (and the API operation's own method), and the object is unchanged afterwards;
- **the model agrees**: ``Model.objects.visible_to(persona)`` excludes it for the roles the case
  says it is hidden from.

Every route with parameters must be claimed by a case or listed as exempt with a reason, so a
new endpoint joins automatically and an unscoped one fails.

How an app joins: create ``anjian/<app>/tests/access_cases.py`` with

``setup(world)`` (optional)
    called before the personas are made; e.g. create the side-A and side-B enterprises and set
    ``world.enterprise_a`` / ``world.enterprise_b`` to their credit codes.
``cases(world) -> list[AccessCase]``
    one case per scoped model: ``make`` creates a fresh side-B object, ``routes`` maps each route
    key that names such an object to a function giving its URL kwargs (route keys are URL names,
    ``"orgs:grid_detail"``, or API operations, ``"GET /api/v1/grids/{code}"``), ``hidden_from``
    lists the side-A roles that must not see it.
``EXEMPT`` (optional)
    ``{route key: reason}`` for routes that need no scoping (e.g. a public form).
``VOLATILE`` (optional)
    ``{route key: roles}``: routes whose answer legitimately changes during the sweep for those
    roles (e.g. the audit log for the auditor, which records the sweep itself).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from anjian.core.discovery import app_modules
from anjian.core.roles import ROLE_JURISDICTION, Role

# Routes that need no scoping, each with its reason.
EXEMPT: dict[str, str] = {
    "healthz": "health check: no data",
    "set_language": "language switch: no data",
    "accounts:login": "the sign-in page: no data before authentication",
    "accounts:logout": "ends the caller's own session",
    "api:openapi-json": "the API description: no data",
    "api:openapi-view": "the API documentation page: no data",
    "POST /api/v1/auth/token": "exchanges the caller's own password for a token",
}

# Routes whose answer changes during the sweep for the given roles, for a reason of their own.
VOLATILE: dict[str, frozenset[str]] = {
    # The auditor's log records the sweep itself (exports, token creation, …).
    "core:audit_list": frozenset({Role.AUDITOR}),
    "core:audit_export": frozenset({Role.AUDITOR}),
    "GET /api/v1/audit": frozenset({Role.AUDITOR}),
}

# Every list is also asked with a search for the marker that side-B objects carry in their names
# ("B秘密…"), so that search boxes and filters are proven scoped too.
SEARCH = "?q=%E7%A7%98%E5%AF%86&search=%E7%A7%98%E5%AF%86"

_CSRF = [
    (re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+'), rb"\1-"),
    (re.compile(rb'("X-CSRFToken": ")[^"]+'), rb"\1-"),
    (re.compile(rb"(csrfToken|csrf_token)([\"']?\s*[:=]\s*[\"'])[^\"']+"), rb"\1\2-"),
]


@dataclass
class World:
    """Two sides of the city: side A holds the personas, side B the objects they must not see."""

    town_a: Any
    town_b: Any
    grid_a: Any
    grid_b: Any
    department_a: Any
    department_b: Any
    enterprise_a: str = "91370481MA3A00000A"
    enterprise_b: str = "91370481MA3B00000B"
    personas: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    _serial: int = 0

    def serial(self) -> int:
        """A fresh number for unique codes and names."""
        self._serial += 1
        return self._serial

    def owner_b(self) -> Any:
        """A side-B user made with the world (before the sweeps): owner of side-B records, so
        that making a job or a notification does not also add a user to the lists."""
        return self.extra["owner_b"]

    def user_b(self, role: str = Role.TOWN, code: str = "") -> Any:
        """A fresh user holding a side-B role (by default the town B role)."""
        from anjian.accounts.models import RoleAssignment, User

        number = self.serial()
        user = User.objects.create_user(
            username=f"side_b_{number}", password=None, display_name=f"B秘密用户{number}"
        )
        RoleAssignment.objects.create(
            user=user,
            role=role,
            jurisdiction_kind=ROLE_JURISDICTION[role],
            jurisdiction_code=code or self.side_b_code(role),
        )
        return user

    def side_a_code(self, role: str) -> str:
        return self._code(role, side="a")

    def side_b_code(self, role: str) -> str:
        return self._code(role, side="b")

    def _code(self, role: str, *, side: str) -> str:
        from anjian.orgs.models import CITY_CODE

        kind = ROLE_JURISDICTION[role]
        return {
            "city": CITY_CODE,
            "town": getattr(self, f"town_{side}").code,
            "grid": getattr(self, f"grid_{side}").code,
            "department": getattr(self, f"department_{side}").code,
            "enterprise": getattr(self, f"enterprise_{side}"),
        }[kind]


@dataclass
class AccessCase:
    """A scoped model's side-B object and the routes that name such an object."""

    name: str
    make: Callable[[World], models.Model]
    routes: dict[str, Callable[[Any], dict[str, Any]]] = field(default_factory=dict)
    hidden_from: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Route:
    key: str  # URL name or "METHOD /path"
    params: tuple[str, ...]
    methods: tuple[str, ...]
    api_path: str = ""  # for API operations: the path template

    def url(self, kwargs: dict[str, Any] | None = None) -> str:
        if self.api_path:
            path = self.api_path
            for name, value in (kwargs or {}).items():
                path = path.replace("{" + name + "}", str(value))
            return path
        return reverse(self.key, kwargs=kwargs or None)


# --- enumeration --------------------------------------------------------------------------------


def _walk(
    patterns: list[Any], namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, full_ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            key = f"{namespace}:{name}" if namespace and name else name
            yield key, prefix + str(entry.pattern), entry


def url_routes() -> tuple[list[Route], list[str]]:
    """The site's URL patterns outside the API, and the problems found (unnamed patterns)."""
    routes, problems = [], []
    for key, pattern, entry in _walk(get_resolver().url_patterns):
        if key.startswith("api:"):
            continue
        if not entry.name:
            problems.append(
                f"unnamed URL pattern {pattern!r}: name it so the access test can reach it"
            )
            continue
        params = tuple(entry.pattern.regex.groupindex)
        routes.append(Route(key=key, params=params, methods=("GET", "POST")))
    return routes, problems


def api_routes() -> list[Route]:
    """Every operation of the OpenAPI document (as the site serves it: core does not import
    the API's wiring, which sits above every app)."""
    schema = Client().get(reverse("api:openapi-json")).json()
    prefix = reverse("api:api-root").rstrip("/")
    routes = []
    for path, operations in schema["paths"].items():
        full = path if path.startswith(prefix) else prefix + path
        params = tuple(re.findall(r"{(\w+)}", full))
        for method in operations:
            if method.upper() not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                continue
            key = f"{method.upper()} {full}"
            routes.append(Route(key=key, params=params, methods=(method.upper(),), api_path=full))
    return routes


# --- the world ----------------------------------------------------------------------------------


def _access_modules() -> list[Any]:
    return app_modules("tests.access_cases")


def build_world() -> tuple[World, list[AccessCase], dict[str, str], dict[str, frozenset[str]]]:
    """Side A and side B, the personas (one per role on side A) and every app's cases."""
    from anjian.accounts.models import RoleAssignment, User
    from anjian.orgs.models import Department, Grid, Town

    towns = list(Town.objects.order_by("code")[:2])
    departments = list(Department.objects.order_by("order", "code")[:2])
    grids = [Grid.objects.filter(town=town).order_by("code").first() for town in towns]
    world = World(towns[0], towns[1], grids[0], grids[1], departments[0], departments[1])
    modules = _access_modules()
    for module in modules:
        if hasattr(module, "setup"):
            module.setup(world)
    today = timezone.localdate()
    for role in Role.values:
        user = User.objects.create_user(username=f"persona_{role}", password=None)
        RoleAssignment.objects.create(
            user=user,
            role=role,
            jurisdiction_kind=ROLE_JURISDICTION[role],
            jurisdiction_code=world.side_a_code(role),
            valid_from=today - timedelta(days=1) if role == Role.EXPERT else None,
            valid_until=today + timedelta(days=30) if role == Role.EXPERT else None,
        )
        world.personas[role] = user
    world.extra["owner_b"] = world.user_b()
    cases: list[AccessCase] = []
    exempt = dict(EXEMPT)
    volatile = dict(VOLATILE)
    for module in modules:
        cases.extend(module.cases(world))
        exempt.update(getattr(module, "EXEMPT", {}))
        volatile.update(getattr(module, "VOLATILE", {}))
    return world, cases, exempt, volatile


# --- the checks ---------------------------------------------------------------------------------


def _normalised(response: Any) -> tuple[int, bytes]:
    if 300 <= response.status_code < 400:
        return response.status_code, response.get("Location", "").encode()
    content_type = response.get("Content-Type", "")
    body = b"".join(response) if getattr(response, "streaming", False) else response.content
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        cells = [repr(list(s.iter_rows(values_only=True))) for s in book.worksheets]
        return response.status_code, "\n".join(cells).encode()
    for pattern, replacement in _CSRF:
        body = pattern.sub(replacement, body)
    return response.status_code, body


def _missing(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: 987654321 if isinstance(v, int) else f"missing-{k}-0" for k, v in kwargs.items()}


class Sweeper:
    """Requests as the personas, keeping each persona signed in."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients: dict[str, Client] = {}

    def client(self, role: str) -> Client:
        client = self.clients.get(role)
        if client is None or "_auth_user_id" not in client.session:
            client = Client(REMOTE_ADDR="10.250.0.1")
            client.force_login(self.world.personas[role])
            self.clients[role] = client
        return client

    def request(self, role: str, method: str, url: str) -> Any:
        client = self.client(role)
        if method == "GET":
            return client.get(url)
        if method in {"POST", "PUT", "PATCH", "DELETE"}:
            return client.generic(method, url, "{}", content_type="application/json")
        raise ValueError(method)


@dataclass
class Report:
    findings: list[str] = field(default_factory=list)
    requests: int = 0

    def fail(self, message: str) -> None:
        self.findings.append(message)


def _plan(cases: list[AccessCase], roles: list[str]) -> dict[int, set[str]]:
    """At which states (0 = nothing made, k = after case k) each role must be swept."""
    needed: dict[int, set[str]] = {}
    for role in roles:
        hidden = [role in case.hidden_from for case in cases]
        k = 0
        while k < len(cases):
            if hidden[k]:
                start = k
                while k < len(cases) and hidden[k]:
                    k += 1
                needed.setdefault(start, set()).add(role)
                needed.setdefault(k, set()).add(role)
            else:
                k += 1
    return needed


def check_access(
    world: World,
    cases: list[AccessCase],
    exempt: dict[str, str],
    volatile: dict[str, frozenset[str]],
) -> Report:
    """Run every check; the report lists each leak found (empty: nothing leaks)."""
    from anjian.core.audit import snapshot

    report = Report()
    routes, problems = url_routes()
    for problem in problems:
        report.fail(problem)
    routes += api_routes()
    keys = {route.key for route in routes}
    claimed: dict[str, list[tuple[AccessCase, Callable[[Any], dict[str, Any]]]]] = {}
    for case in cases:
        for key, kwargs in case.routes.items():
            if key not in keys:
                report.fail(f"{case.name}: claims unknown route {key!r}")
            claimed.setdefault(key, []).append((case, kwargs))
    for route in routes:
        if route.params and route.key not in claimed and route.key not in exempt:
            report.fail(
                f"{route.key}: names an object ({', '.join(route.params)}) but no access case "
                "claims it; add it to an access case or to EXEMPT with a reason"
            )
    listing = [r for r in routes if not r.params and r.key not in exempt and "GET" in r.methods]
    sweeper = Sweeper(world)
    roles = list(world.personas)
    cases = sorted(cases, key=lambda c: -len(c.hidden_from))
    plan = _plan(cases, roles)
    last: dict[str, dict[str, tuple[int, bytes]]] = {}
    made: list[tuple[AccessCase, models.Model, dict[str, Any]]] = []

    def sweep(state: int) -> None:
        for role in sorted(plan.get(state, ())):
            current = {}
            for route in listing:
                for suffix in ("", SEARCH):
                    response = sweeper.request(role, "GET", route.url() + suffix)
                    report.requests += 1
                    current[route.key + suffix] = _normalised(response)
            previous = last.get(role)
            if previous is not None and state > 0 and role in cases[state - 1].hidden_from:
                names = ", ".join(c.name for c in cases[:state] if role in c.hidden_from)
                for key, answer in current.items():
                    if role in volatile.get(key.removesuffix(SEARCH), frozenset()):
                        continue
                    if answer != previous[key]:
                        report.fail(
                            f"{key}: the answer to {role} changes when side B gains "
                            f"objects it must not see ({names}): listed or counted"
                        )
            last[role] = current

    sweep(0)
    for index, case in enumerate(cases, start=1):
        obj = case.make(world)
        made.append((case, obj, snapshot(obj)))
        for role in sorted(case.hidden_from):
            persona = world.personas[role]
            manager = type(obj)._default_manager
            if manager.visible_to(persona).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
                report.fail(f"{case.name}: visible_to({role}) includes a side-B object")
        sweep(index)
    # Detail routes: the side-B object answers as a missing one does, and stays unchanged.
    by_key = {route.key: route for route in routes}
    for key, claims in claimed.items():
        target = by_key.get(key)
        if target is None:
            continue
        for case, kwargs_for in claims:
            obj = next(o for c, o, _s in made if c is case)
            url_kwargs = kwargs_for(obj)
            for role in sorted(case.hidden_from):
                for method in target.methods:
                    answer = sweeper.request(role, method, target.url(url_kwargs))
                    missing = sweeper.request(role, method, target.url(_missing(url_kwargs)))
                    report.requests += 2
                    if answer.status_code != missing.status_code or answer.status_code < 400:
                        report.fail(
                            f"{key} {method} as {role}: a side-B {case.name} answers "
                            f"{answer.status_code}, a missing one {missing.status_code} "
                            "(must be the same refusal, normally 404)"
                        )
    for case, obj, before in made:
        current = type(obj)._default_manager.filter(pk=obj.pk).first()
        if current is None:
            report.fail(f"{case.name}: the side-B object was deleted by a persona")
        elif snapshot(current) != before:
            report.fail(f"{case.name}: the side-B object was changed by a persona")
    return report
