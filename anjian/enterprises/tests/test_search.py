"""Search: any part of the name, of its pinyin initials, or (from four characters) of the code."""

from __future__ import annotations

import pytest
from django.db import connection

from anjian.enterprises.models import Enterprise
from anjian.enterprises.tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def smelter(towns):
    return make_enterprise(towns[0], "滕州市丰振炼铁厂", industry="3110")


@pytest.fixture
def others(towns):
    return [
        make_enterprise(towns[0], "滕州市鑫源化工有限公司"),
        make_enterprise(towns[1], "滕州市恒泰机械有限公司", industry="3411"),
    ]


def _names(text: str) -> set[str]:
    return set(Enterprise.objects.search(text).values_list("name", flat=True))


@pytest.mark.parametrize("text", ["fzlt", "FZLTC", "tzsfz", "zlt", "zl", "丰振", "炼铁厂", "铁"])
def test_initials_or_name_of_any_part_find_the_enterprise(smelter, others, text):
    assert _names(text) == {"滕州市丰振炼铁厂"}


def test_any_four_characters_of_the_credit_code_find_it(smelter, others):
    code = smelter.credit_code
    assert _names(code[8:14]) == {smelter.name}
    assert _names(code[-4:].lower()) == {smelter.name}
    assert _names(code) == {smelter.name}


def test_fewer_than_four_characters_of_a_code_match_from_its_start_only(smelter, others):
    assert _names("913") == {smelter.name, *(e.name for e in others)}
    assert _names("370") == set()  # in every code (91 370481 …), never at its start


def test_the_list_page_and_the_api_search_alike(client, city, smelter, others):
    client.force_login(city)
    page = client.get("/enterprises/", {"q": "fzlt"}).content.decode()
    assert smelter.name in page and others[0].name not in page
    items = client.get("/api/v1/enterprises", {"q": smelter.credit_code[6:12]}).json()
    assert [item["name"] for item in items["items"]] == [smelter.name] and items["count"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes: PostgreSQL only")
def test_on_postgresql_each_contains_lookup_can_read_a_trigram_index(smelter):
    queryset = Enterprise.objects.search("FZLT")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: force the
        cursor.execute("SET LOCAL enable_indexscan = off")  # plan a large table would get
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in (
        "enterprise_name_trgm",
        "enterprise_name_initials_trgm",
        "enterprise_credit_code_trgm",
    ):
        assert index in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm indexes: PostgreSQL only")
def test_on_postgresql_a_text_shorter_than_a_trigram_never_reads_the_trigram_indexes(smelter):
    """Such a text gives the index nothing to look up: reading all of it would be slower
    than a plain scan, and a generic plan could not tell the two apart."""
    sql, params = Enterprise.objects.search("ZL").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "_trgm" not in plan, plan
