"""Property tests: monotonicity of S, R and the accident grade; R grows with α."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from anjian.standards import accident, gb18218, risk
from anjian.standards.gb18218 import Item

SETTINGS = settings(max_examples=60, deadline=None)

quantities = st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False)
keys = st.sampled_from(
    [("name", row.name) for row in gb18218.TABLE1 if row.name not in {"硝酸铵"}]
    + [("category", code) for code in gb18218.TABLE2]
)


def _item(quantity: Decimal, key: tuple[str, str]) -> Item:
    return Item(quantity, **{key[0]: key[1]})


items = st.lists(st.builds(_item, quantities, keys), max_size=6)
people = st.integers(min_value=0, max_value=10_000)


@SETTINGS
@given(items, st.builds(_item, quantities, keys), people)
def test_adding_a_substance_never_lowers_s_or_r(
    base: list[Item], extra: Item, exposed: int
) -> None:
    before = gb18218.assess(base, exposed)
    after = gb18218.assess([*base, extra], exposed)
    assert after.s_exact >= before.s_exact
    assert not before.is_major or after.is_major
    if before.r_exact is not None:
        assert after.r_exact is not None and after.r_exact >= before.r_exact
        assert after.level is not None and before.level is not None
        assert after.level <= before.level  # level 1 is the gravest


@SETTINGS
@given(items, people, people)
def test_r_grows_with_alpha(unit: list[Item], a: int, b: int) -> None:
    fewer, more = sorted((a, b))
    low = gb18218.assess(unit, fewer)
    high = gb18218.assess(unit, more)
    assert gb18218.alpha(more) >= gb18218.alpha(fewer)
    assert low.is_major == high.is_major
    if low.r_exact is not None and high.r_exact is not None:
        assert high.r_exact >= low.r_exact
        assert high.r_exact * Fraction(low.alpha) == low.r_exact * Fraction(high.alpha)


@SETTINGS
@given(items, people)
def test_shown_values_never_cross_a_threshold(unit: list[Item], exposed: int) -> None:
    result = gb18218.assess(unit, exposed)
    assert (result.s >= 1) == result.is_major
    if result.r is not None:
        assert gb18218.level_for(result.r) == result.level


counts = st.integers(min_value=0, max_value=200)
losses = st.decimals(min_value=0, max_value=300_000_000, places=2, allow_nan=False)


@SETTINGS
@given(counts, counts, losses, counts, counts, losses)
def test_more_deaths_injuries_or_loss_never_lower_the_grade(
    d: int, i: int, x: Decimal, dd: int, di: int, dx: Decimal
) -> None:
    before = accident.grade(d, i, x)
    after = accident.grade(d + dd, i + di, x + dx)
    assert after.severity >= before.severity


lec_values = st.tuples(
    st.sampled_from(list(risk.L_VALUES)),
    st.sampled_from(list(risk.E_VALUES)),
    st.sampled_from(list(risk.C_VALUES)),
)


@SETTINGS
@given(lec_values, lec_values)
def test_lec_level_follows_the_score(a: tuple[Decimal, ...], b: tuple[Decimal, ...]) -> None:
    first, second = risk.lec(*a), risk.lec(*b)
    if first.score <= second.score:
        assert first.level.severity <= second.level.severity


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_ls_level_follows_the_score(l1: int, s1: int, l2: int, s2: int) -> None:
    first, second = risk.ls(l1, s1), risk.ls(l2, s2)
    if first.score <= second.score:
        assert first.level.severity <= second.level.severity
