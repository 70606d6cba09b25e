"""Working days: Monday to Friday, except the public holidays, plus the
weekend days worked instead (调休), as kept in :class:`CalendarDay`.

Time limits are counted the way Chinese offices count them: the day
something arrives is day zero, and a limit of N working days ends at the
close of the N-th working day after it."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TypeVar

from django.db.models.signals import post_delete, post_save

from jianfu.versioned_cache import versioned_cache_bump_on_save, versioned_cache_get
from supervision.models import CalendarDay, CalendarDayKind

T = TypeVar("T")

CALENDAR_VERSION_KEY = "workdays:calendar:version"
# Without a shared cache, how long another process may count with a
# calendar changed since (with Redis a change counts at once).
CALENDAR_CACHE_SECONDS = 60
# How long a process uses what it read without asking the cache's version
# again: a change made in another process counts within this.
CALENDAR_LOCAL_SECONDS = 5


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


def calendar_cached(key: str, compute: Callable[[], T]) -> T:
    """``compute()``, a value derived from the calendar alone (the time
    limits of a day's complaints, the same for each of them), kept in the
    cache under the calendar's version, which any save or delete of a
    :class:`CalendarDay` replaces (:mod:`jianfu.versioned_cache`)."""
    name = f"workdays:{key}"
    return versioned_cache_get(
        CALENDAR_VERSION_KEY,
        {name: compute},
        timeout=CALENDAR_CACHE_SECONDS,
        local_seconds=CALENDAR_LOCAL_SECONDS,
    )[name]


def _calendar_changed(sender: type[CalendarDay], **kwargs: object) -> None:
    versioned_cache_bump_on_save(CALENDAR_VERSION_KEY)


def connect_signals() -> None:
    """Called from the app's ready(): a calendar day saved or deleted makes
    every value derived from the calendar stale."""
    post_save.connect(_calendar_changed, sender=CalendarDay, dispatch_uid="workdays_calendar_changed")
    post_delete.connect(_calendar_changed, sender=CalendarDay, dispatch_uid="workdays_calendar_deleted")
