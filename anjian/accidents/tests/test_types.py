"""Accident types by date: GB 6441-2025 from ACCIDENT_TYPES_2025_FROM, GB/T 6441-1986 before;
a 1986 record whose type was split or dropped is flagged for recoding, never guessed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from anjian.accidents import services
from anjian.accidents.tests.conftest import at, report


def test_coding_follows_the_switch_date(cast, settings):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        new = report(
            cast["city"], cast["towns"][0], occurred_at=at(2026, 7, 1, 0, 0), type="WSA10009"
        )
        old = report(cast["city"], cast["towns"][0], occurred_at=at(2026, 6, 30, 23, 59), type="8")
        assert (new.type_edition, old.type_edition) == ("GB 6441-2025", "GB/T 6441-1986")
        with pytest.raises(ValidationError):
            report(
                cast["city"], cast["towns"][0], occurred_at=at(2026, 6, 30, 10, 0), type="WSA10009"
            )
        with pytest.raises(ValidationError):
            report(cast["city"], cast["towns"][0], occurred_at=at(2026, 7, 2, 10, 0), type="8")
        settings.ACCIDENT_TYPES_2025_FROM = datetime.date(2027, 1, 1)
        later = report(cast["city"], cast["towns"][0], occurred_at=at(2026, 8, 1, 0, 0), type="8")
    assert later.type_edition == "GB/T 6441-1986"
    assert new.is_fire and old.is_fire


@pytest.mark.parametrize(
    ("code", "flagged"), [("2", True), ("19", True), ("18", True), ("1", False)]
)
def test_split_and_dropped_1986_types_are_flagged(cast, code, flagged):
    with time_machine.travel(at(2026, 12, 1, 10, 0), tick=False):
        accident = report(
            cast["city"], cast["towns"][0], occurred_at=at(2025, 3, 1, 9, 0), type=code
        )
    assert accident.needs_recoding is flagged
    if flagged:
        assert accident.recode_target is None
        services.recode_type(accident, "WSA10003", actor=cast["city"])
        accident.refresh_from_db()
        assert (accident.type_edition, accident.type_code) == ("GB 6441-2025", "WSA10003")
        assert not accident.needs_recoding
    else:
        assert accident.recode_target.code == "WSA10001"
