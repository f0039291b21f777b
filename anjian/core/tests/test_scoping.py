"""The scoping helpers: 404 for what is out of scope, and the re-check after a write."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from anjian.accounts.choices import Role
from anjian.core.scoping import ensure_editable, get_editable_or_404, get_visible_or_404
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
    with pytest.raises(PermissionDenied, match="out of scope"):
        ensure_editable(town, reader)


def test_grants_come_only_from_the_registered_provider(monkeypatch):
    from anjian.core import scoping

    user = make_user("provided", (Role.CITY, "370481000000"))
    monkeypatch.setattr(scoping, "_grants_provider", None)
    with pytest.raises(RuntimeError, match="no grants provider registered"):
        scoping.grants_of(user)
    seen = []
    scoping.register_grants_provider(lambda who: seen.append(who) or "grants")
    assert scoping.grants_of(user) == "grants"
    assert seen == [user]
