"""Working days: Monday to Friday, except the public holidays, plus the
weekend days worked instead (调休), as kept in :class:`CalendarDay`.

Time limits are counted the way Chinese offices count them: the day
something arrives is day zero, and a limit of N working days ends at the
close of the N-th working day after it."""

from __future__ import annotations

import datetime

from supervision.models import CalendarDay, CalendarDayKind


class WorkingCalendar:
    """The calendar's exceptions for a span of days, loaded in one query and
    extended when a count runs past it."""

    def __init__(self, start: datetime.date, end: datetime.date) -> None:
        self.start = start
        self.end = end
        self.exceptions: dict[datetime.date, bool] = {}
        self._load()

    def _load(self) -> None:
        rows = CalendarDay.objects.filter(date__gte=self.start, date__lte=self.end).values_list("date", "kind")
        self.exceptions = {day: kind == CalendarDayKind.WORKDAY for day, kind in rows}

    def is_working_day(self, day: datetime.date) -> bool:
        if not self.start <= day <= self.end:
            self.start = min(self.start, day)
            self.end = max(self.end, day + datetime.timedelta(days=60))
            self._load()
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after ``start`` (``start`` itself for n=0)."""
        day = start
        counted = 0
        while counted < n:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative
        when ``end`` is before ``start``)."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def working_calendar_for(start: datetime.date, n: int) -> WorkingCalendar:
    """A calendar loaded for counting up to ``n`` working days from ``start``."""
    # Two calendar days per working day, plus the longest holiday, covers
    # nearly every count in one query.
    return WorkingCalendar(start, start + datetime.timedelta(days=2 * n + 14))


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after ``start``."""
    return working_calendar_for(start, n).add_working_days(start, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    low, high = min(start, end), max(start, end)
    return WorkingCalendar(low, high).working_days_between(start, end)
