"""China's working days: the State Council's yearly holiday notice, with its swapped workdays.

The contract every module codes against::

    from anjian.core.calendar import is_working_day, working_days_after, roll_forward
    is_working_day(d)            # a working day in mainland China
    working_days_after(start, n) # the n-th working day after start (start itself not counted)
    roll_forward(d)              # d, or the first working day after it
    holiday_starting_within(today, n)  # the first day of a holiday starting in the next n days

Where a day stands is decided, in this order, by

1. a :class:`~anjian.core.lifecycle_models.CalendarAmendment` the city office entered in the
   pages (a new notice, or a local correction): an amendment always wins;
2. the maintained ``chinesecalendar`` package (import name ``chinese_calendar``), which carries
   each year's 国务院办公厅关于部分节假日安排的通知 once it is published;
3. for a year that neither covers: Monday to Friday. A computation never fails for want of a
   notice; :func:`uncovered_years` names the years to enter, and the calendar page shows the
   city office and the administrator that warning.

Calendar-day periods (30 days, 60 days) are computed in :mod:`anjian.standards`; this module
only says which days are working days. :func:`roll_forward` implements 《中华人民共和国民法典》
第二百零三条: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日" — the
module applying a period calls it where its regulation says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import chinese_calendar
from chinese_calendar.constants import holidays as _package_holidays

__all__ = [
    "WorkingCalendar",
    "holiday_starting_within",
    "is_working_day",
    "package_years",
    "roll_forward",
    "uncovered_years",
    "working_days_after",
]

logger = logging.getLogger("anjian.calendar")

# Longest run of rest days a notice has ever made (Spring Festival: 9 days) plus weekends on
# either side: the amendments a computation may need are loaded in one query over this margin.
_MARGIN_DAYS = 20


def package_years() -> range:
    """The years the installed ``chinesecalendar`` carries a notice for."""
    years = [d.year for d in _package_holidays]
    return range(min(years), max(years) + 1)


class WorkingCalendar:
    """Working days from the package and a set of amendments (``{date: is_working_day}``).

    Build one with :meth:`from_database` for a span of days (one query); the module functions
    below do that for each call, so no process keeps a copy that another web node or worker
    would disagree with.
    """

    def __init__(
        self, amendments: Mapping[date, bool] | None = None, amended_years: Iterable[int] = ()
    ) -> None:
        self.amendments: dict[date, bool] = dict(amendments or {})
        self.amended_years = frozenset(amended_years) | {d.year for d in self.amendments}
        self._warned: set[int] = set()

    @classmethod
    def from_database(cls, first: date, last: date) -> WorkingCalendar:
        """The amendments from ``first`` to ``last`` (with a margin) and the years having any."""
        from anjian.core.lifecycle_models import CalendarAmendment

        rows = CalendarAmendment.objects.filter(
            day__gte=first - timedelta(days=_MARGIN_DAYS),
            day__lte=last + timedelta(days=_MARGIN_DAYS),
        ).values_list("day", "is_working_day")
        years = CalendarAmendment.objects.filter(
            day__year__gte=first.year, day__year__lte=last.year + 1
        ).dates("day", "year")
        return cls(dict(rows), amended_years=[y.year for y in years])

    def covers(self, year: int) -> bool:
        """Whether a notice for ``year`` is known (in the package or entered as amendments)."""
        return year in package_years() or year in self.amended_years

    def is_working_day(self, d: date) -> bool:
        """Amendment, else the package, else Monday–Friday (logged once per year)."""
        amended = self.amendments.get(d)
        if amended is not None:
            return amended
        if d.year in package_years():
            return bool(chinese_calendar.is_workday(d))
        if d.year not in self.amended_years and d.year not in self._warned:
            self._warned.add(d.year)
            logger.warning("no holiday notice for %s: counting Monday to Friday", d.year)
        return d.weekday() < 5

    def working_days_after(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` not counted); ``n`` ≥ 1."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day, counted = start, 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def roll_forward(self, d: date) -> date:
        """``d`` if a working day, else the first working day after it (民法典 第二百零三条)."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def holiday_of(self, d: date) -> str | None:
        """The public holiday ``d`` is a rest day of: its name from the notice, ``""`` for a
        weekday an amendment made a rest day; ``None`` for a working day or a plain weekend."""
        amended = self.amendments.get(d)
        if amended is not None:
            return "" if not amended and d.weekday() < 5 else None
        if d.year not in package_years():
            return None
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        return name if on_holiday and name else None

    def holiday_starting_within(self, today: date, days: int) -> date | None:
        """The first day of a public holiday that starts within ``days`` days after ``today``."""
        for ahead in range(1, days + 1):
            day = today + timedelta(days=ahead)
            name = self.holiday_of(day)
            if name is not None and self.holiday_of(day - timedelta(days=1)) != name:
                return day
        return None


def holiday_starting_within(today: date, days: int) -> date | None:
    """The first day of a public holiday (春节, 国庆节, …) starting within ``days`` days after
    ``today``; ``None`` when none does or no notice covers those days."""
    calendar = WorkingCalendar.from_database(today, today + timedelta(days=days))
    return calendar.holiday_starting_within(today, days)


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day in mainland China (amendments, package, Mon–Fri)."""
    return WorkingCalendar.from_database(d, d).is_working_day(d)


def working_days_after(start: date, n: int) -> date:
    """The ``n``-th working day after ``start``, ``start`` itself not counted."""
    # Even with the longest holidays, n working days fit in 2n + margin calendar days.
    calendar = WorkingCalendar.from_database(start, start + timedelta(days=2 * n + _MARGIN_DAYS))
    return calendar.working_days_after(start, n)


def roll_forward(d: date) -> date:
    """``d``, or the first working day after it (民法典 第二百零三条)."""
    return WorkingCalendar.from_database(d, d).roll_forward(d)


def uncovered_years(today: date) -> list[int]:
    """Years whose notice must be entered: this year, and next year from November on (the
    State Council usually publishes the coming year's notice in late October or November)."""
    years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    calendar = WorkingCalendar.from_database(date(years[0], 1, 1), date(years[-1], 12, 31))
    return [year for year in years if not calendar.covers(year)]
