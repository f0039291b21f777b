"""The scoping helpers: 404 for what is out of scope, and the re-check after a write."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from anjian.accounts.choices import Role
from anjian.core.scoping import (
    ensure_editable,
    get_editable_or_404,
    get_visible_or_404,
    grants_of,
    resolve_all_in_scope,
    resolve_in_scope,
)
from anjian.orgs.models import Grid, Town
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_out_of_scope_objects_answer_404():
    town_a, town_b = Town.objects.order_by("code")[:2]
    user = make_user("scoped", (Role.TOWN, town_a.code))
    mine = Grid.objects.filter(town=town_a).first()
    theirs = Grid.objects.filter(town=town_b).first()
    assert get_visible_or_404(Grid.objects, user, pk=mine.pk) == mine
    with pytest.raises(Http404):
        get_visible_or_404(Grid.objects, user, pk=theirs.pk)
    with pytest.raises(Http404):
        get_editable_or_404(Grid.objects, user, pk=theirs.pk)


def test_moving_an_object_out_of_scope_is_refused_and_rolled_back():
    town_a, town_b = Town.objects.order_by("code")[:2]
    user = make_user("mover", (Role.TOWN, town_a.code))
    grid = Grid.objects.filter(town=town_a).first()
    with pytest.raises(PermissionDenied), transaction.atomic():
        grid.town = town_b
        grid.save()
        ensure_editable(grid, user)
    assert Grid.objects.get(pk=grid.pk).town == town_a


def test_inactive_or_anonymous_users_see_nothing():
    from django.contrib.auth.models import AnonymousUser

    town = Town.objects.order_by("code").first()
    user = make_user("gone", (Role.CITY, "370481000000"))
    assert Grid.objects.visible_to(user).exists()
    user.is_active = False
    assert not Grid.objects.visible_to(user).exists()
    assert not Grid.objects.visible_to(AnonymousUser()).exists()
    assert not Grid.objects.visible_to(None).exists()
    assert town


def test_reading_and_writing_are_scoped_apart():
    """Reference data: every user reads a town, only the city office and the administrator
    change one (``scope_q`` is asked with ``write`` as the method says)."""
    town = Town.objects.order_by("code").first()
    reader = make_user("reader", (Role.TOWN, town.code))
    writer = make_user("writer", (Role.CITY, "370481000000"))
    assert get_visible_or_404(Town.objects, reader, pk=town.pk) == town
    with pytest.raises(Http404):
        get_editable_or_404(Town.objects, reader, pk=town.pk)
    assert not Town.objects.editable_by(reader).exists()
    assert get_editable_or_404(Town.objects, writer, pk=town.pk) == town
    assert Town.objects.editable_by(writer).count() == Town.objects.count()
    ensure_editable(town, writer)  # in scope: no exception
    with pytest.raises(PermissionDenied, match="^out of scope$"):
        ensure_editable(town, reader)


def test_grants_come_only_from_the_registered_provider(monkeypatch):
    from anjian.core import scoping

    user = make_user("provided", (Role.CITY, "370481000000"))
    monkeypatch.setattr(scoping, "_grants_provider", None)
    with pytest.raises(RuntimeError) as missing:
        scoping.grants_of(user)
    assert str(missing.value) == "no grants provider registered (is anjian.accounts installed?)"
    seen = []
    scoping.register_grants_provider(lambda who: seen.append(who) or "grants")
    assert scoping.grants_of(user) == "grants"
    assert seen == [user]


def _unknown(error: ValidationError) -> str:
    assert error.code == "unknown_reference"
    return error.messages[0]


def test_a_written_reference_resolves_within_the_scope_only():
    town_a, town_b = Town.objects.order_by("code")[:2]
    user = make_user("resolver", (Role.TOWN, town_a.code))
    mine = Grid.objects.filter(town=town_a).order_by("code").first()
    theirs = Grid.objects.filter(town=town_b).order_by("code").first()
    assert resolve_in_scope(Grid.objects, user, code=mine.code) == mine
    assert resolve_in_scope(Grid.objects, user, write=True, code=mine.code) == mine
    with pytest.raises(ValidationError) as refused:
        resolve_in_scope(Grid.objects, user, code=theirs.code)
    assert _unknown(refused.value) == f"网格“{theirs.code}”不存在或不在您的管辖范围内"
    with pytest.raises(ValidationError) as missing:
        resolve_in_scope(Grid.objects, user, code="no-such-grid")
    assert _unknown(missing.value) == "网格“no-such-grid”不存在或不在您的管辖范围内"


def test_a_reference_resolves_for_writing_only_within_the_write_scope():
    town = Town.objects.order_by("code").first()
    grid = Grid.objects.filter(town=town).order_by("code").first()
    inspector = make_user("inspector", (Role.GRID, grid.code))
    assert resolve_in_scope(Grid.objects, inspector, code=grid.code) == grid
    with pytest.raises(ValidationError, match="不存在或不在您的管辖范围内"):
        resolve_in_scope(Grid.objects, inspector, write=True, code=grid.code)
    assert resolve_all_in_scope(Grid.objects, inspector, "code", [grid.code]) == [grid]
    with pytest.raises(ValidationError):
        resolve_all_in_scope(Grid.objects, inspector, "code", [grid.code], write=True)


def test_an_ambiguous_or_malformed_reference_is_refused_not_dropped():
    town = Town.objects.order_by("code").first()
    user = make_user("ambiguous", (Role.TOWN, town.code))
    assert Grid.objects.filter(town=town).count() > 1
    with pytest.raises(ValidationError) as several:
        resolve_in_scope(Grid.objects, user, town=town)
    assert _unknown(several.value) == f"网格“{town}”不存在或不在您的管辖范围内"
    with pytest.raises(ValidationError) as malformed:
        resolve_in_scope(Grid.objects, user, pk="abc")
    assert _unknown(malformed.value) == "网格“abc”不存在或不在您的管辖范围内"
    first = Grid.objects.filter(town=town).order_by("code").first()
    with pytest.raises(ValidationError) as both:
        resolve_in_scope(Grid.objects, user, code=first.code, name="no such name")
    assert _unknown(both.value) == f"网格“{first.code}、no such name”不存在或不在您的管辖范围内"


def test_several_references_resolve_in_one_query_and_name_the_unknown(
    django_assert_num_queries,
):
    town_a, town_b = Town.objects.order_by("code")[:2]
    user = make_user("several", (Role.TOWN, town_a.code))
    mine = list(Grid.objects.filter(town=town_a).order_by("code")[:2])
    theirs = Grid.objects.filter(town=town_b).order_by("code").first()
    codes = [mine[1].code, mine[0].code, mine[1].code]
    grants_of(user)  # the grants are read once per user object, before
    with django_assert_num_queries(1):
        found = resolve_all_in_scope(Grid.objects, user, "code", codes)
    assert sorted(g.code for g in found) == sorted({mine[0].code, mine[1].code})
    assert resolve_all_in_scope(Grid.objects, user, "code", []) == []
    with pytest.raises(ValidationError) as refused:
        resolve_all_in_scope(
            Grid.objects, user, "code", ["zz-1", mine[0].code, theirs.code, "zz-1"]
        )
    assert _unknown(refused.value) == (
        f"网格“zz-1、{theirs.code}”不存在或不在您的管辖范围内"
    )  # in the order given, each once, the known one left out


def test_a_scope_of_nothing_is_an_empty_queryset_without_a_query(django_assert_num_queries):
    town = Town.objects.order_by("code").first()
    reader = make_user("nothing", (Role.TOWN, town.code))
    grants_of(reader)
    with django_assert_num_queries(0):
        assert list(Town.objects.editable_by(reader)) == []
    nobody = make_user("gridless")
    grants_of(nobody)
    with django_assert_num_queries(0):
        assert list(Grid.objects.visible_to(nobody)) == []
