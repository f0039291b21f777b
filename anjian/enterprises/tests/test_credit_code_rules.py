"""GB 32100-2015 pinned: the character set and weights of clause 4.3, the check character's
wrap-around to "0", which positions must be digits, and is_valid on every kind of error."""

from __future__ import annotations

import pytest

from anjian.enterprises import credit_code
from anjian.enterprises.credit_code import CreditCodeError, check_character, is_valid, normalize

PREFIX = "91370481MA3C0000"  # 16 characters; the 17th decides the check character below


def test_the_character_set_and_weights_of_the_standard() -> None:
    assert credit_code.ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert len(credit_code.ALPHABET) == 31
    assert credit_code._WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize(
    ("seventeenth", "check"),
    [
        ("J", "0"),  # sum ≡ 0 (mod 31): 31 - 0 = 31 is written "0"
        ("W", "Y"),  # the largest value, 30
        ("8", "1"),
        ("0", "8"),
        ("Y", "5"),
    ],
)
def test_check_character_including_the_wrap_around(seventeenth: str, check: str) -> None:
    assert check_character(PREFIX + seventeenth) == check
    assert normalize(PREFIX + seventeenth + check) == PREFIX + seventeenth + check
    assert is_valid(PREFIX + seventeenth + check)


@pytest.mark.parametrize("first", ["", "1" * 16, "1" * 18])
def test_check_character_needs_exactly_seventeen(first: str) -> None:
    with pytest.raises(CreditCodeError, match="^计算校验码需要前17位$"):
        check_character(first)


def test_check_character_names_a_character_outside_the_set() -> None:
    with pytest.raises(CreditCodeError) as refused:
        check_character(PREFIX + "I")
    assert str(refused.value) == "含有编码规则不允许的字符“I”"
    assert refused.value.params == {"characters": "I"}


@pytest.mark.parametrize(
    "code",
    [
        "9M370481MA3C0000J0",  # the kind code (2nd) may be a letter
        "91370481AA3C0000J0",  # the organisation code (9th on) may be letters
    ],
)
def test_letters_outside_the_division_code_are_allowed(code: str) -> None:
    code = code[:17] + check_character(code[:17])
    assert normalize(code) == code


@pytest.mark.parametrize("position", [2, 3, 7])
def test_the_division_code_third_to_eighth_must_be_digits(position: int) -> None:
    first = PREFIX[:position] + "A" + PREFIX[position + 1 :] + "J"
    with pytest.raises(CreditCodeError, match="^第3-8位（登记管理机关行政区划码）应为数字$"):
        normalize(first + check_character(first))


def test_every_bad_character_is_named_once_in_order() -> None:
    with pytest.raises(CreditCodeError) as refused:
        normalize("91370481OIOA3C0000")
    assert refused.value.params == {"characters": "IO"}
    assert "“IO”" in str(refused.value)


@pytest.mark.parametrize(
    ("value", "reason", "params"),
    [
        (None, "统一社会信用代码不能为空", {}),
        ("   ", "统一社会信用代码不能为空", {}),
        (12345, "统一社会信用代码应为18位，实际为5位", {"length": 5}),
        (PREFIX + "J1", "校验码错误：第18位应为“0”，实际为“1”", {"expected": "0", "actual": "1"}),
    ],
)
def test_reasons_and_their_parameters(value: object, reason: str, params: dict) -> None:
    with pytest.raises(CreditCodeError) as refused:
        normalize(value)
    assert str(refused.value) == reason
    assert refused.value.params == params
    assert refused.value.translate(lambda message: message) == reason


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        12345,
        PREFIX + "J1",
        PREFIX + "J",
        "91370481I00000000X",
        PREFIX.lower() + "j0",
    ],
)
def test_is_valid_is_false_for_every_error_and_non_canonical_form(value: object) -> None:
    assert is_valid(value) is False


def test_is_valid_is_true_only_for_the_canonical_form() -> None:
    assert is_valid(PREFIX + "J0") is True
    assert is_valid(f" {PREFIX}J0") is False
