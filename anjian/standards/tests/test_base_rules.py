"""The shared helpers of the standards package at their edges: the check status labels, number
parsing (zero, negatives, booleans, fractions), the display rounding and the data reader."""

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from anjian.standards import _base
from anjian.standards._base import Status, fraction_to_decimal, read_csv, to_decimal, to_int


def test_the_status_values_and_labels() -> None:
    assert [(s.value, s.label_zh, s.label_en) for s in Status] == [
        ("checked", "已核对", "checked"),
        ("partly", "部分核对", "partly checked"),
        ("unchecked", "未核对", "unchecked"),
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, Decimal(0)),
        ("0", Decimal(0)),
        (0.1, Decimal("0.1")),  # through its written form, not the binary fraction
        ("0.5", Decimal("0.5")),
        (" 12.5 ", Decimal("12.5")),
        (Decimal("1E+2"), Decimal(100)),
        (7, Decimal(7)),
    ],
)
def test_numbers_are_read_exactly(value: object, expected: Decimal) -> None:
    number = to_decimal(value, "qty")
    assert number == expected and type(number) is Decimal


def test_a_decimal_is_taken_as_it_is() -> None:
    given = Decimal("1.50")
    assert to_decimal(given, "qty") is given


def test_negatives_are_refused_unless_allowed() -> None:
    with pytest.raises(ValueError) as refused:
        to_decimal("-0.001", "qty")
    assert str(refused.value) == "qty: must not be negative, got '-0.001' / qty：不得为负数"
    with pytest.raises(ValueError, match="must not be negative"):
        to_decimal(-1, "qty")
    assert to_decimal("-0.001", "qty", allow_negative=True) == Decimal("-0.001")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "qty: expected a number, got True / qty：应为数值"),
        (False, "qty: expected a number, got False / qty：应为数值"),
        (None, "qty: expected a number, got None / qty：应为数值"),
        ([1], "qty: expected a number, got [1] / qty：应为数值"),
        ("abc", "qty: not a number: 'abc' / qty：不是数值"),
        ("", "qty: not a number: '' / qty：不是数值"),
        ("NaN", "qty: must be finite, got 'NaN' / qty：必须为有限数值"),
        (float("inf"), "qty: must be finite, got inf / qty：必须为有限数值"),
        ("-Infinity", "qty: must be finite, got '-Infinity' / qty：必须为有限数值"),
    ],
)
def test_what_is_not_a_finite_number_is_refused(value: object, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        to_decimal(value, "qty", allow_negative=True)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (3, 3), ("3", 3), (Decimal("3.0"), 3), (3.0, 3), ("12", 12)],
)
def test_integers_are_read_from_integral_values(value: object, expected: int) -> None:
    number = to_int(value, "n")
    assert number == expected and type(number) is int


@pytest.mark.parametrize("value", ["2.5", Decimal("0.1"), 2.5])
def test_a_fractional_count_is_refused(value: object) -> None:
    with pytest.raises(ValueError) as refused:
        to_int(value, "n")
    assert str(refused.value) == f"n: expected an integer, got {value!r} / n：应为整数"


def test_a_boolean_is_not_a_count() -> None:
    for value in (True, False):
        with pytest.raises(ValueError) as refused:
            to_int(value, "n")
        assert str(refused.value) == f"n: expected an integer, got {value!r} / n：应为整数"


def test_the_minimum_of_a_count_is_inclusive() -> None:
    assert to_int(0, "n") == 0  # the default minimum is 0
    with pytest.raises(ValueError) as refused:
        to_int(-1, "n")
    assert str(refused.value) == "n: must be at least 0, got -1 / n：不得小于 0"
    with pytest.raises(ValueError, match="must be at least 0, got '-1'"):
        to_int("-1", "n")  # a negative string reaches the minimum check, not the sign check
    assert to_int(2, "n", minimum=2) == 2
    assert to_int("2", "n", minimum=2) == 2
    with pytest.raises(ValueError, match="must be at least 2, got 1 / n：不得小于 2"):
        to_int(1, "n", minimum=2)
    assert to_int(-3, "n", minimum=-3) == -3


def test_the_display_of_a_fraction_rounds_toward_minus_infinity_at_28_digits() -> None:
    assert fraction_to_decimal(Fraction(1, 8)) == Decimal("0.125")
    shown = fraction_to_decimal(Fraction(2, 3))
    assert str(shown) == "0.6666666666666666666666666666"  # 28 digits, rounded down
    assert str(fraction_to_decimal(Fraction(-2, 3))) == "-0.6666666666666666666666666667"
    assert str(fraction_to_decimal(Fraction(200, 3))) == "66.66666666666666666666666666"
    just_below = Fraction(10**30 - 1, 10**28)  # 99.99…: never shown as 100
    assert fraction_to_decimal(just_below) < 100


def test_the_data_reader_strips_every_cell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sample.csv").write_text(
        "code,name,note\n 1 ,人的因素,  \n2,物的因素\n", encoding="utf-8"
    )

    def files(package: str) -> Path:
        assert package == "anjian.standards"
        return tmp_path

    monkeypatch.setattr(_base.resources, "files", files)
    assert list(read_csv("sample.csv")) == [
        {"code": "1", "name": "人的因素", "note": ""},
        {"code": "2", "name": "物的因素", "note": ""},  # a short row: the missing cell is ""
    ]


def test_the_data_reader_reads_the_packaged_tables() -> None:
    rows = list(read_csv("gb13861_factors.csv"))
    assert rows[0] == {
        "edition": "GB/T 13861-2022",
        "code": "1",
        "name": "人的因素",
        "status": "checked",
        "note": "",
    }


class _LatinLocaleFile:
    """A packaged file on a machine whose locale encoding is Latin-1: a reader that does not
    name its encoding gets Latin-1 (what ``open`` does there)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def joinpath(self, name: str) -> "_LatinLocaleFile":
        return self

    def read_text(self, encoding: str | None = None) -> str:
        return self.data.decode(encoding or "latin-1")


def test_the_data_is_read_as_utf8_whatever_the_locale(monkeypatch: pytest.MonkeyPatch):
    packaged = _LatinLocaleFile("code,name\n1,人的因素\n".encode())
    monkeypatch.setattr(_base.resources, "files", lambda package: packaged)
    assert list(read_csv("any.csv")) == [{"code": "1", "name": "人的因素"}]
