"""Day-one defects of the registry pages (issue #10): each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from anjian.accounts.choices import Role
from anjian.enterprises.models import Licence
from conftest import make_user

pytestmark = pytest.mark.django_db


def _date_values(html: str) -> dict[str, str]:
    values = {}
    for tag in re.findall(r"<input[^>]*>", html):
        if 'type="date"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            values[name] = value.group(1) if value else ""
    return values


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_inputs_carry_iso_values_in_every_language(client, city, pair, language):
    enterprise = pair[0]
    enterprise.standardisation_expires = dt.date(2026, 3, 27)
    enterprise.insurance_expires = dt.date(2027, 1, 5)
    enterprise.save()
    licence = Licence.objects.create(
        enterprise=enterprise,
        kind="安全生产许可证",
        number="（鲁）WH安许证字〔2023〕040001",
        issuer="枣庄市应急管理局",
        issued_on=dt.date(2023, 4, 1),
        expires_on=dt.date(2026, 3, 31),
    )
    client.force_login(city)
    client.cookies["django_language"] = language
    with translation.override(language):
        edit = client.get(f"/enterprises/{enterprise.pk}/edit/").content.decode()
        licence_page = client.get(f"/enterprises/licences/{licence.pk}/edit/").content.decode()
    assert _date_values(edit) == {
        "standardisation_expires": "2026-03-27",
        "insurance_expires": "2027-01-05",
    }
    assert _date_values(licence_page) == {"issued_on": "2023-04-01", "expires_on": "2026-03-31"}


def test_partial_and_whole_answers_are_never_confused_by_a_cache(client, city, pair):
    client.force_login(city)
    whole = client.get("/enterprises/", {"town": pair[0].town.code})
    partial = client.get("/enterprises/", {"town": pair[0].town.code}, HTTP_HX_REQUEST="true")
    for response in (whole, partial):
        assert "HX-Request" in response["Vary"]
    assert "no-store" in partial["Cache-Control"]


def test_pages_a_role_may_not_use_answer_404(client, pair):
    manager = make_user("manager", (Role.ENTERPRISE, pair[0].credit_code))
    client.force_login(manager)
    for url in ("/orgs/towns/", "/audit/", "/orgs/grids/", "/enterprises/map/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/inbox/").status_code == 200


def test_a_town_sees_only_its_own_row_on_the_towns_page(client, towns):
    client.force_login(make_user("t", (Role.TOWN, towns[0].code)))
    html = client.get("/orgs/towns/").content.decode()
    assert html.count("<code>370481") == 1 and towns[0].name in html


def test_edit_and_new_pages_carry_no_industry_list_but_a_search(client, city, pair):
    client.force_login(city)
    for url in (f"/enterprises/{pair[0].pk}/edit/", "/enterprises/new/"):
        html = client.get(url).content.decode()
        assert len(html.encode()) < 40_000, (url, len(html.encode()))
        assert 'name="industry"' in html and "/orgs/industries/search/" in html
    edit = client.get(f"/enterprises/{pair[0].pk}/edit/").content.decode()
    assert f'value="{pair[0].industry.pk}"' in edit and str(pair[0].industry) in edit
    found = client.get("/orgs/industries/search/", {"q": "有机化学"}).content.decode()
    assert "2614 有机化学原料制造" in found
    assert found.count("data-picker-option") <= 12
    assert (
        "data-picker-option" in client.get("/orgs/industries/search/", {"q": "26"}).content.decode()
    )


def test_the_list_offers_the_dossier_zip_for_its_filters(client, city, pair):
    client.force_login(city)
    html = client.get("/enterprises/", {"status": "operating"}).content.decode()
    form = re.search(r'<form[^>]*id="dossier-zip".*?</form>', html, re.S).group(0)
    assert 'action="/enterprises/dossiers/"' in form
    assert 'name="status" value="operating"' in form


def test_every_page_links_a_favicon_that_exists(client):
    from django.contrib.staticfiles import finders

    html = client.get("/accounts/login/").content.decode()
    href = re.search(r'<link rel="icon" href="/static/([^"]+)"', html).group(1)
    assert finders.find(href)
