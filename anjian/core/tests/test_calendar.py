"""The working-day contract, checked against the State Council's notices (not the package).

2025: 国办发明电〔2024〕12号; 2026: 国办发明电〔2025〕7号. Each case below is written from the
notice's text: the rest days it gives and the weekend days it makes working days.
"""

from datetime import date, timedelta

import pytest

from anjian.core.calendar import (
    WorkingCalendar,
    is_working_day,
    roll_forward,
    uncovered_years,
    working_days_after,
)
from anjian.core.lifecycle_models import CalendarAmendment


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


REST_2025 = [
    date(2025, 1, 1),
    *_span(date(2025, 1, 28), date(2025, 2, 4)),
    *_span(date(2025, 4, 4), date(2025, 4, 6)),
    *_span(date(2025, 5, 1), date(2025, 5, 5)),
    *_span(date(2025, 5, 31), date(2025, 6, 2)),
    *_span(date(2025, 10, 1), date(2025, 10, 8)),
]
MADE_WORKING_2025 = [
    date(2025, 1, 26),
    date(2025, 2, 8),
    date(2025, 4, 27),
    date(2025, 9, 28),
    date(2025, 10, 11),
]
REST_2026 = [
    *_span(date(2026, 1, 1), date(2026, 1, 3)),
    *_span(date(2026, 2, 15), date(2026, 2, 23)),
    *_span(date(2026, 4, 4), date(2026, 4, 6)),
    *_span(date(2026, 5, 1), date(2026, 5, 5)),
    *_span(date(2026, 6, 19), date(2026, 6, 21)),
    *_span(date(2026, 9, 25), date(2026, 9, 27)),
    *_span(date(2026, 10, 1), date(2026, 10, 7)),
]
MADE_WORKING_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", REST_2025 + REST_2026)
def test_the_notices_rest_days_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", MADE_WORKING_2025 + MADE_WORKING_2026)
def test_the_notices_swapped_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert is_working_day(day)


def test_ordinary_weekdays_work_and_weekends_rest():
    assert is_working_day(date(2026, 3, 10))  # a Tuesday
    assert not is_working_day(date(2026, 3, 14))  # a Saturday


def test_working_days_after_skips_the_spring_festival_and_counts_the_made_up_saturday():
    # 2026-02-13 (Fri): the next working day is Sat 2/14 (made up), then Tue 2/24.
    assert working_days_after(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert working_days_after(date(2026, 2, 13), 2) == date(2026, 2, 24)
    # 7 working days to publish a penalty decided on 2025-09-26 (Fri): 9/28 (Sun, worked),
    # 9/29, 9/30, the National Day break to 10/8, then 10/9, 10/10, 10/11 (Sat, worked) and,
    # past Sunday 10/12, Monday 10/13.
    assert working_days_after(date(2025, 9, 26), 6) == date(2025, 10, 11)
    assert working_days_after(date(2025, 9, 26), 7) == date(2025, 10, 13)


def test_the_start_day_is_not_counted():
    assert working_days_after(date(2026, 3, 10), 1) == date(2026, 3, 11)
    with pytest.raises(ValueError):
        working_days_after(date(2026, 3, 10), 0)


def test_roll_forward_moves_a_rest_day_to_the_next_working_day():
    assert roll_forward(date(2026, 10, 1)) == date(2026, 10, 8)
    assert roll_forward(date(2026, 10, 8)) == date(2026, 10, 8)
    assert roll_forward(date(2025, 1, 25)) == date(2025, 1, 26)  # Saturday → made-up Sunday


def test_an_amendment_wins_over_the_package():
    CalendarAmendment.objects.create(day=date(2026, 3, 10), is_working_day=False, notice="本地调整")
    assert not is_working_day(date(2026, 3, 10))
    assert working_days_after(date(2026, 3, 9), 1) == date(2026, 3, 11)


def test_a_year_nobody_covers_falls_back_to_monday_to_friday_and_is_reported(caplog):
    assert is_working_day(date(2099, 1, 1))  # a Thursday, whatever the holiday
    assert not is_working_day(date(2099, 1, 3))  # Saturday
    assert working_days_after(date(2099, 1, 2), 1) == date(2099, 1, 5)
    assert "no holiday notice for 2099" in caplog.text
    assert uncovered_years(date(2099, 6, 1)) == [2099]
    assert uncovered_years(date(2099, 11, 1)) == [2099, 2100]


def test_entering_a_years_notice_covers_it():
    CalendarAmendment.objects.create(
        day=date(2099, 1, 1), is_working_day=False, notice="国办发明电"
    )
    assert uncovered_years(date(2099, 6, 1)) == []
    assert not is_working_day(date(2099, 1, 1))


def test_the_calendar_object_needs_no_database():
    calendar = WorkingCalendar({date(2026, 3, 10): False})
    assert not calendar.is_working_day(date(2026, 3, 10))
    assert calendar.roll_forward(date(2026, 3, 14)) == date(2026, 3, 16)


def test_a_holiday_starting_within_days_is_found_by_its_first_day():
    from anjian.core.calendar import WorkingCalendar

    calendar = WorkingCalendar()
    # 国庆节 2026: 1 to 7 October; from 29 September it is two days ahead, three on the 28th.
    assert calendar.holiday_starting_within(date(2026, 9, 29), 3) == date(2026, 10, 1)
    assert calendar.holiday_starting_within(date(2026, 9, 28), 3) == date(2026, 10, 1)
    assert calendar.holiday_starting_within(date(2026, 9, 27), 3) is None
    # Inside the holiday no new one starts; a plain weekend is no holiday.
    assert calendar.holiday_starting_within(date(2026, 10, 2), 3) is None
    assert calendar.holiday_starting_within(date(2026, 9, 10), 3) is None
    assert calendar.holiday_of(date(2026, 10, 3)) == "National Day"
    assert calendar.holiday_of(date(2026, 9, 12)) is None


def test_an_amended_rest_day_is_a_holiday_and_an_amended_working_day_is_not():
    from anjian.core.calendar import WorkingCalendar

    # A local rest day on Wednesday 16 September 2026; 1 October made a working day.
    calendar = WorkingCalendar({date(2026, 9, 16): False, date(2026, 10, 1): True})
    assert calendar.holiday_starting_within(date(2026, 9, 14), 3) == date(2026, 9, 16)
    assert calendar.holiday_of(date(2026, 10, 1)) is None
    assert calendar.holiday_starting_within(date(2026, 9, 29), 3) == date(2026, 10, 2)


def test_no_holiday_is_known_in_a_year_no_notice_covers():
    from anjian.core.calendar import WorkingCalendar, package_years

    year = package_years().stop + 1
    assert WorkingCalendar().holiday_starting_within(date(year, 9, 29), 3) is None
