"""Through a running server over real HTTP: two towns, each with a personal token, see nothing
of each other's grids, users or enterprises in any list, detail, export or count."""

import io
import json
import urllib.error
import urllib.request

import openpyxl
import pytest

from anjian.accounts.choices import Role
from anjian.enterprises.tests.conftest import make_enterprise
from anjian.orgs.models import Grid, Town
from conftest import TEST_PASSWORD, make_user

pytestmark = pytest.mark.django_db(transaction=True)


class Http:
    """A minimal HTTP client for the live server, carrying a bearer token or a session cookie."""

    def __init__(self, base: str, headers: dict[str, str]) -> None:
        self.base, self.headers = base, headers

    def get(self, path: str) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=self.headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def json(self, path: str) -> dict:
        status, body = self.get(path)
        assert status == 200, (path, status, body[:200])
        return json.loads(body)


def _token(base: str, username: str) -> str:
    body = json.dumps({"username": username, "password": TEST_PASSWORD}).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{base}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())["token"]


def test_two_towns_see_nothing_of_each_other_through_the_running_server(live_server, client):
    from anjian.orgs.services import build_demo_grids, load_reference

    if not Town.objects.exists():
        from django.conf import settings

        load_reference(settings.SHARED_DATA_DIR)
        build_demo_grids(per_town=2)
    towns = list(Town.objects.order_by("code")[:2])
    users = [make_user(f"live_{t.code}", (Role.TOWN, t.code)) for t in towns]
    enterprises = [make_enterprise(t, name=f"{t.name}测试化工有限公司") for t in towns]
    grids = [Grid.objects.filter(town=t).first() for t in towns]

    for me, other in ((0, 1), (1, 0)):
        api = Http(
            live_server.url,
            {"Authorization": f"Bearer {_token(live_server.url, users[me].username)}"},
        )
        # lists and counts
        listed = api.json("/api/v1/enterprises?page_size=200")
        assert {e["id"] for e in listed["items"]} == {enterprises[me].pk}
        assert listed["count"] == 1
        grid_codes = {g["code"] for g in api.json("/api/v1/grids?page_size=200")["items"]}
        assert grids[me].code in grid_codes and grids[other].code not in grid_codes
        usernames = {u["username"] for u in api.json("/api/v1/users?page_size=200")["items"]}
        assert users[other].username not in usernames
        # details answer as if the object did not exist
        for path in (
            f"/api/v1/enterprises/{enterprises[other].pk}",
            f"/api/v1/grids/{grids[other].code}",
            f"/api/v1/users/{users[other].pk}",
        ):
            status, body = api.get(path)
            assert (status, json.loads(body)["code"]) == (404, "not_found"), path
        # the export, with a session of the same user
        client.force_login(users[me])
        browser = Http(
            live_server.url, {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
        )
        status, workbook = browser.get("/enterprises/export.xlsx")
        assert status == 200
        cells = {
            str(value)
            for row in openpyxl.load_workbook(io.BytesIO(workbook)).active.iter_rows(
                values_only=True
            )
            for value in row
        }
        assert enterprises[me].credit_code in cells
        assert enterprises[other].credit_code not in cells
