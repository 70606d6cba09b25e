"""Time limits counted in working days: across a weekend, a public holiday
and an adjusted working day (调休), from the calendar kept in the admin."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from supervision.models import CalendarDay, CalendarDayKind
from supervision.workdays.calendar import add_working_days, is_working_day, working_days_between
from tests.supervision.complaint_factories import file_case

pytestmark = pytest.mark.django_db

D = datetime.date


def test_weekend_is_skipped() -> None:
    friday = D(2026, 11, 20)
    assert add_working_days(friday, 1) == D(2026, 11, 23)  # Monday
    assert add_working_days(friday, 5) == D(2026, 11, 27)
    assert add_working_days(D(2026, 11, 21), 1) == D(2026, 11, 23)  # from a Saturday
    assert add_working_days(friday, 0) == friday


def test_national_day_holiday_is_skipped_and_adjusted_saturday_counts() -> None:
    # 2026: 1-7 October off; Sunday 20 September and Saturday 10 October worked.
    assert not is_working_day(D(2026, 10, 1))  # Thursday, holiday
    assert is_working_day(D(2026, 10, 10))  # Saturday, worked
    assert is_working_day(D(2026, 9, 20))  # Sunday, worked
    # From Wednesday 30 September: the next working day is Thursday 8 October,
    # then Friday 9, then Saturday 10 (调休).
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_spring_festival_2026() -> None:
    # Off 15-23 February; Saturdays 14 and 28 February worked.
    assert is_working_day(D(2026, 2, 14))
    assert [is_working_day(D(2026, 2, d)) for d in range(15, 24)] == [False] * 9
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_thirteen_working_days_over_national_day() -> None:
    # Received Friday 25 September (中秋 holiday starts that day).
    start = D(2026, 9, 25)
    due = add_working_days(start, 13)
    # 28, 29, 30 Sep (3); 8, 9, 10 Oct (6); 12-16 Oct (11); 19, 20 Oct (13).
    assert due == D(2026, 10, 20)
    assert working_days_between(start, due) == 13
    assert working_days_between(due, start) == -13


def test_calendar_entries_from_the_admin_change_the_count() -> None:
    monday = D(2027, 3, 1)
    assert add_working_days(monday, 1) == D(2027, 3, 2)
    CalendarDay.objects.create(date=D(2027, 3, 2), kind=CalendarDayKind.HOLIDAY, name="测试假日")
    CalendarDay.objects.create(date=D(2027, 3, 6), kind=CalendarDayKind.WORKDAY, name="测试调休")
    assert add_working_days(monday, 1) == D(2027, 3, 3)
    assert add_working_days(monday, 4) == D(2027, 3, 6)  # 3, 4, 5, Saturday 6


def test_long_counts_reload_the_calendar_beyond_the_first_window() -> None:
    from supervision.workdays.calendar import WorkingCalendar

    CalendarDay.objects.create(date=D(2027, 12, 31), kind=CalendarDayKind.HOLIDAY, name="远期假日")
    start = D(2027, 1, 4)
    calendar = WorkingCalendar(start, start)  # loads one day; counting must load more
    before_new_year = calendar.working_days_between(start, D(2027, 12, 30))
    assert calendar.add_working_days(start, before_new_year) == D(2027, 12, 30)
    # Friday 31 December is off, so the next working day is Monday 3 January.
    assert calendar.add_working_days(start, before_new_year + 1) == D(2028, 1, 3)


def test_case_time_limits_are_counted_in_working_days(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_ACCEPT_WORKING_DAYS = 5
    settings.COMPLAINT_CONCLUDE_WORKING_DAYS = 13
    received = timezone.make_aware(datetime.datetime(2026, 9, 30, 16, 0))
    case = file_case(school=world.school_a, by=world.bureau, received_at=received).case
    # 8, 9, 10 (Saturday, 调休), 12, 13 October.
    assert case.accept_due == D(2026, 10, 13)
    assert case.conclude_due == add_working_days(D(2026, 9, 30), 13) == D(2026, 10, 23)


def test_receipt_late_in_the_evening_counts_from_the_local_day(world) -> None:  # type: ignore[no-untyped-def]
    # 23:30 in Shanghai is 15:30 UTC of the same day; 00:30 Shanghai is the
    # previous day in UTC. The local day counts.
    import zoneinfo

    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    received = datetime.datetime(2026, 11, 24, 0, 30, tzinfo=shanghai)
    case = file_case(school=world.school_a, by=world.bureau, received_at=received).case
    assert case.number.startswith("TS20261124-")
    assert case.accept_due == add_working_days(D(2026, 11, 24), 5)


def test_seeded_calendar_has_the_2026_notice() -> None:
    holidays = CalendarDay.objects.filter(date__year=2026, kind=CalendarDayKind.HOLIDAY)
    workdays = CalendarDay.objects.filter(date__year=2026, kind=CalendarDayKind.WORKDAY)
    assert holidays.count() == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert sorted(workdays.values_list("date", flat=True)) == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    assert all(d.weekday() >= 5 for d in workdays.values_list("date", flat=True))
