"""GB 32100-2015 check character."""

from __future__ import annotations

import pytest

from anjian.enterprises.credit_code import CreditCodeError, check_character, is_valid, normalize

# Codes of registered enterprises, published on their licences.
REAL_CODES = ["9144030071526726XG", "914403001922038216", "91330100716105852F"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_have_valid_check_character(code: str) -> None:
    assert check_character(code[:17]) == code[17]
    assert is_valid(code)
    assert normalize(code) == code


def test_wrong_check_character_is_rejected_with_the_expected_one() -> None:
    with pytest.raises(CreditCodeError, match="第18位应为“G”"):
        normalize("9144030071526726XH")


def test_lowercase_is_normalised_to_upper_case() -> None:
    assert normalize(" 9144030071526726xg ") == "9144030071526726XG"
    assert not is_valid("9144030071526726xg")


@pytest.mark.parametrize("code", ["9144030071526726X", "9144030071526726XGA", ""])
def test_wrong_length_is_rejected(code: str) -> None:
    with pytest.raises(CreditCodeError):
        normalize(code)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_letters_excluded_by_the_standard_are_rejected(letter: str) -> None:
    with pytest.raises(CreditCodeError, match="不允许的字符"):
        normalize(f"91370481{letter}000000000")


def test_division_part_must_be_digits() -> None:
    code = "91A70481MA3C00000"
    with pytest.raises(CreditCodeError, match="第3-8位"):
        normalize(code + check_character(code))
