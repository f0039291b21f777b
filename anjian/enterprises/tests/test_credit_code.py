"""GB 32100-2015 check character."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from anjian.enterprises.credit_code import CreditCodeError, check_character, is_valid, normalize

ROOT = Path(__file__).resolve().parents[3]

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


def test_the_check_runs_without_django() -> None:
    """The module needs no settings: it imports and checks a code with Django unimportable."""
    script = (
        "import sys; sys.modules['django'] = None\n"
        "from anjian.enterprises.credit_code import CreditCodeError, is_valid, normalize\n"
        "assert is_valid('9144030071526726XG')\n"
        "try:\n    normalize('9144030071526726XH')\n"
        "except CreditCodeError as error:\n    print(error)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "校验码错误：第18位应为“G”，实际为“H”"


@pytest.mark.parametrize(
    ("code", "chinese", "english"),
    [
        ("9144030071526726XH", "第18位应为“G”，实际为“H”", "should be “G”, not “H”"),
        ("9144030071526726X", "应为18位，实际为17位", "must have 18 characters, not 17"),
        ("91370481I000000000", "不允许的字符“I”", "do not allow: “I”"),
        ("", "不能为空", "is required"),
    ],
)
def test_reasons_come_out_in_the_active_language(code: str, chinese: str, english: str) -> None:
    with pytest.raises(CreditCodeError) as raised:
        normalize(code)
    assert chinese in str(raised.value)
    with translation.override("en"):
        assert english in raised.value.translate(gettext)
    with translation.override("zh-hans"):
        assert raised.value.translate(gettext) == str(raised.value)
