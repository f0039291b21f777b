"""Accounts in the hostile-text test (:mod:`anjian.core.hostile_testing`): a user created
through the form and through the user import, read back on the user pages; and the auditor's
readers of the audit log (its page and its export), which the other apps' paths name."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client

from anjian.accounts import importing
from anjian.accounts.choices import Role
from anjian.accounts.models import User
from anjian.core.hostile_testing import Reading, World, WritePath, Written
from anjian.core.sheets import write_book
from anjian.orgs.models import CITY_CODE, Town
from conftest import make_user


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def setup(world: World) -> None:
    world.admin = make_user("hostile-admin", (Role.ADMIN, CITY_CODE))
    world.auditor = make_user("hostile-auditor", (Role.AUDITOR, CITY_CODE))


def _create_user(world: World, text: str) -> Written:
    username = f"hostile{world.serial()}"
    town = Town.objects.order_by("code").first()
    assert town is not None
    data = {
        "username": username,
        "display_name": text,
        "phone": "",
        "role": Role.TOWN,
        "jurisdiction_code": town.code,
    }
    response = _client(world.admin).post("/accounts/users/new/", data)
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    written = User.objects.filter(username=username).first()
    return Written(response.status_code, written, bool(form is not None and form.errors))


def _import_user(world: World, text: str) -> Written:
    """The user workbook of one row (the text its display name) imported by the admin."""
    username = f"hostileimport{world.serial()}"
    town = Town.objects.order_by("code").first()
    assert town is not None
    row = [username, text, "", "town", town.code, None, None]
    workbook = write_book([(importing.SHEET, [row])])
    try:
        importing.import_users(io.BytesIO(workbook), actor=world.admin)
    except importing.ImportRejected:
        return Written(400)
    return Written(200, User.objects.filter(username=username).first())


def paths(world: World) -> list[WritePath]:
    return [
        WritePath(
            "user form: create",
            50,
            lambda text: _create_user(world, text),
            lambda user: [user.display_name],
            ("user list", "user detail"),
            one_line=False,  # a display name keeps what was typed; the registry's fields do not
        ),
        WritePath(
            "user import",
            50,
            lambda text: _import_user(world, text),
            lambda user: [user.display_name],
            ("user list", "user detail"),
            one_line=False,
        ),
    ]


def _get(user: Any, url: str, kind: Any, **params: Any) -> Reading:
    response = _client(user).get(url, params)
    return Reading(kind, response.content, response.status_code)


READERS = {
    "user list": lambda w, o: _get(w.admin, "/accounts/users/", "html", q=o.username),
    "user detail": lambda w, o: _get(w.admin, f"/accounts/users/{o.pk}/", "html"),
    # The records of the object's type, newest first: the one just written leads.
    "audit log": lambda w, o: _get(w.auditor, "/audit/", "html", object=o._meta.label_lower),
    "audit export": lambda w, o: _get(
        w.auditor, "/audit/export/", "xlsx", object=o._meta.label_lower, q=str(o)[:50]
    ),
}
