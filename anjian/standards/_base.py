"""Shared helpers for the standards package: exact numbers, input checks, check status.

Nothing here encodes a rule. The helpers exist so that every rule parses its input the same
way: a number is turned into a :class:`~decimal.Decimal` from its written (string) form, so that
``0.1`` means one tenth and not the nearest binary fraction, and a bad value raises
:class:`ValueError` with a message in English and Chinese.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Iterator
from decimal import ROUND_FLOOR, Context, Decimal, InvalidOperation
from fractions import Fraction
from importlib import resources

__all__ = [
    "Number",
    "Status",
    "fraction_to_decimal",
    "read_csv",
    "to_decimal",
    "to_int",
]

Number = Decimal | int | float | str
"""What a caller may pass where a quantity is expected."""

_DISPLAY_CONTEXT = Context(prec=28, rounding=ROUND_FLOOR)


class Status(enum.Enum):
    """How far a fact was checked against a published text (see ``shared/STANDARDS-FACTS.md``).

    核对状态：✅ 已核对 / 🟡 部分核对 / ❌ 未核对。An unchecked fact is still used, but it is
    configurable and the documentation and code say "unchecked / 未核对" beside it.
    """

    CHECKED = "checked"
    PARTLY = "partly"
    UNCHECKED = "unchecked"

    @property
    def label_zh(self) -> str:
        """Chinese label: 已核对 / 部分核对 / 未核对."""
        return {"checked": "已核对", "partly": "部分核对", "unchecked": "未核对"}[self.value]

    @property
    def label_en(self) -> str:
        """English label."""
        return {"checked": "checked", "partly": "partly checked", "unchecked": "unchecked"}[
            self.value
        ]


def to_decimal(value: object, what: str, *, allow_negative: bool = False) -> Decimal:
    """Return ``value`` as an exact, finite Decimal taken from its written form.

    Floats are converted through ``str`` (``Decimal(str(0.1)) == Decimal("0.1")``) so that a
    quantity typed as ``0.1`` is one tenth. Booleans, NaN, infinities and unparsable strings
    raise ValueError; so do negative numbers unless ``allow_negative``.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValueError(f"{what}: expected a number, got {value!r} / {what}：应为数值")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{what}: not a number: {value!r} / {what}：不是数值") from None
    if not number.is_finite():
        raise ValueError(f"{what}: must be finite, got {value!r} / {what}：必须为有限数值")
    if number < 0 and not allow_negative:
        raise ValueError(f"{what}: must not be negative, got {value!r} / {what}：不得为负数")
    return number


def to_int(value: object, what: str, *, minimum: int = 0) -> int:
    """Return ``value`` as an int not below ``minimum``.

    Accepts ints, integral Decimals and strings of digits; rejects booleans, fractions and floats
    with a fractional part, so that "2.5 deaths" is an error and not silently 2.
    """
    if isinstance(value, bool):
        raise ValueError(f"{what}: expected an integer, got {value!r} / {what}：应为整数")
    if isinstance(value, int):
        number = value
    else:
        decimal = to_decimal(value, what, allow_negative=True)
        if decimal != decimal.to_integral_value():
            raise ValueError(f"{what}: expected an integer, got {value!r} / {what}：应为整数")
        number = int(decimal)
    if number < minimum:
        raise ValueError(
            f"{what}: must be at least {minimum}, got {value!r} / {what}：不得小于 {minimum}"
        )
    return number


def fraction_to_decimal(value: Fraction) -> Decimal:
    """Show an exact rational as a Decimal of 28 significant digits, rounded toward -∞.

    Rounding down keeps every comparison with a threshold that a Decimal can represent (1, 10,
    50, 100) the same as for the exact value: a sum just below 100 never displays as 100.
    """
    numerator = Decimal(value.numerator)
    denominator = Decimal(value.denominator)
    return _DISPLAY_CONTEXT.divide(numerator, denominator)


def read_csv(name: str) -> Iterator[dict[str, str]]:
    """Yield the rows of ``anjian/standards/data/<name>`` as dicts of stripped strings."""
    text = (
        resources.files("anjian.standards")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    for row in csv.DictReader(text.splitlines()):
        yield {key: (cell or "").strip() for key, cell in row.items()}
