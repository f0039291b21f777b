"""The demo registry: valid, inside the city, categories following industries, idempotent."""

from __future__ import annotations

import pytest

from anjian.core.democity import DemoContext
from anjian.enterprises import demo
from anjian.enterprises.credit_code import is_valid
from anjian.enterprises.geo import city_shape
from anjian.enterprises.models import Enterprise
from anjian.orgs.models import KEY_LIST, Town

pytestmark = pytest.mark.django_db


def test_demo_enterprises_are_valid_and_idempotent():
    context = DemoContext(seed=7, options={"enterprises": 60})
    assert demo.build(context).startswith("60 ")
    assert demo.build(context).startswith("0 ")
    shape = city_shape()
    enterprises = list(Enterprise.objects.select_related("industry"))
    assert len(enterprises) == 60
    assert all(is_valid(e.credit_code) for e in enterprises)
    assert all(shape.contains(e.longitude, e.latitude) for e in enterprises)
    assert {e.town_id for e in enterprises} == set(Town.objects.values_list("pk", flat=True))
    assert len({e.industry.section for e in enterprises}) == 20
    chemical = [e for e in enterprises if e.industry.code.startswith("26")]
    for enterprise in chemical:
        assert "whp_production" in set(enterprise.categories.values_list("key", flat=True))
    # Every demo category comes from the city's key list, never from the regulators' lists.
    assert not Enterprise.categories.through.objects.exclude(
        supervisioncategory__list_id=KEY_LIST
    ).exists()
    codes = demo.demo_codes(context, 2)
    assert list(
        Enterprise.objects.filter(credit_code__in=codes)
        .values_list("town__code", flat=True)
        .order_by("town__code")
    ) == list(Town.objects.order_by("code").values_list("code", flat=True)[:2])


def test_demo_names_take_whole_words_from_the_industry():
    """A trade word ends where a word of the industry's name ends (not 服务平有限公司)."""
    from anjian.orgs.choices import IndustryLevel
    from anjian.orgs.models import Industry

    boundary = ("", "、", "，", ",", "（", "(", "和", "及", "与", "制造", "服务", "业", "活动")
    for name in Industry.objects.filter(level=IndustryLevel.CLASS).values_list("name", flat=True):
        word = demo._industry_word(name)
        rest = name.removeprefix("其他").removeprefix(word) if word in name else None
        assert rest is not None, (name, word)
        assert any(rest.startswith(b) for b in boundary if b) or rest == "", (name, word)


def test_demo_enterprises_lie_around_their_own_towns_seat():
    import math

    demo.build(DemoContext(seed=11, options={"enterprises": 120}))
    seats = demo.town_seats()
    shape = city_shape()
    assert set(seats) == set(Town.objects.values_list("code", flat=True))
    assert all(shape.contains(*seat) for seat in seats.values())
    for enterprise in Enterprise.objects.select_related("town"):
        lng, lat = seats[enterprise.town.code]
        km = math.hypot(
            (enterprise.longitude - lng) * 111.32 * math.cos(math.radians(lat)),
            (enterprise.latitude - lat) * 111.32,
        )
        assert km <= demo.SEAT_RADIUS_KM + 0.01, (enterprise.town.name, km)
