"""Sensor limits, and GB/T 50493-2019 for gas detectors' set points."""

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from anjian.monitoring.tests.conftest import make_sensor


def test_limits_must_be_ordered_and_in_range(plant: Any, city: Any) -> None:
    with pytest.raises(ValidationError, match="低低限"):
        make_sensor(plant, city, "X1", h=Decimal(120), hh=Decimal(110))
    with pytest.raises(ValidationError, match="量程"):
        make_sensor(plant, city, "X2", hh=Decimal(300))


def test_combustible_set_point_beyond_the_standard_is_refused(plant: Any, city: Any) -> None:
    gas = {"kind": "combustible_gas", "unit": "%LEL", "range_min": 0, "range_max": 100,
           "ll": None, "l": None}  # fmt: skip
    make_sensor(plant, city, "G1", h=25, hh=50, **gas)
    with pytest.raises(ValidationError, match="5.5.2") as refused:
        make_sensor(plant, city, "G2", h=Decimal("25.1"), hh=50, **gas)
    assert "h" in refused.value.message_dict
    with pytest.raises(ValidationError, match="二级") as refused:
        make_sensor(plant, city, "G3", h=20, hh=Decimal("50.5"), **gas)
    assert "hh" in refused.value.message_dict


def test_toxic_needs_its_basis(plant: Any, city: Any) -> None:
    gas = {"kind": "toxic_gas", "unit": "mg/m³", "range_min": 0, "range_max": 100,
           "ll": None, "l": None}  # fmt: skip
    with pytest.raises(ValidationError, match="依据"):
        make_sensor(plant, city, "H2S-1", h=10, hh=20, oel=10, **gas)
    make_sensor(plant, city, "H2S-2", h=10, hh=20, oel=10, basis="MAC", **gas)


def test_oxygen_uses_h_and_l(plant: Any, city: Any) -> None:
    gas = {"kind": "oxygen", "unit": "%VOL", "range_min": 0, "range_max": 30,
           "ll": None, "hh": None}  # fmt: skip
    make_sensor(plant, city, "O2-1", h=Decimal("23.5"), l=Decimal("19.5"), **gas)
    with pytest.raises(ValidationError, match="欠氧") as refused:
        make_sensor(plant, city, "O2-2", h=Decimal("23.5"), l=Decimal("19"), **gas)
    assert "l" in refused.value.message_dict
