"""Deadlines and timeliness: on time / late / missing, judged on the local
(Asia/Shanghai) day of the first submission, and the completeness and
timeliness rates of a round."""

from __future__ import annotations

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from schools.models import SelfCheck
from schools.selfchecks.selectors import (
    Timing,
    selfcheck_round_rates,
    selfcheck_round_rows,
    selfcheck_rounds_with_rates,
    selfcheck_timing,
)
from schools.selfchecks.services import selfcheck_return, selfcheck_save_draft, selfcheck_start, selfcheck_submit
from tests.factories import PrincipalFactory, SchoolFactory
from tests.schools.filing_factories import SelfCheckRoundFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSES = datetime.date(2026, 3, 31)


def at(day: datetime.date, hh: int, mm: int, ss: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SHANGHAI)


def march_round(schools):  # type: ignore[no-untyped-def]
    return SelfCheckRoundFactory(
        schools=schools, month=datetime.date(2026, 3, 1), opens_on=datetime.date(2026, 3, 1), closes_on=CLOSES
    )


def submit_at(moment: datetime.datetime, round_, principal) -> SelfCheck:  # type: ignore[no-untyped-def]
    with mock.patch("django.utils.timezone.now", return_value=moment):
        selfcheck = selfcheck_start(round=round_, school=principal.school, by=principal)
        answers = {i.pk: ("compliant", "") for i in round_.items.all()}
        selfcheck_save_draft(selfcheck=selfcheck, answers=answers, by=principal)
        return selfcheck_submit(selfcheck=selfcheck, by=principal)


def test_last_minute_of_the_closing_day_is_on_time(world) -> None:  # type: ignore[no-untyped-def]
    round_ = march_round([world.school_a])
    selfcheck = submit_at(at(CLOSES, 23, 59, 59), round_, world.principal_a)
    assert selfcheck.first_submitted_on == CLOSES
    assert selfcheck_timing(round=round_, selfcheck=selfcheck) == Timing.ON_TIME


def test_just_after_local_midnight_is_late_although_utc_is_still_the_closing_day(world) -> None:  # type: ignore[no-untyped-def]
    round_ = march_round([world.school_a])
    moment = at(CLOSES + datetime.timedelta(days=1), 0, 0, 30)
    assert moment.astimezone(datetime.UTC).date() == CLOSES
    selfcheck = submit_at(moment, round_, world.principal_a)
    assert selfcheck_timing(round=round_, selfcheck=selfcheck) == Timing.LATE
    assert selfcheck_round_rates(round=round_).on_time == 0


def test_without_submission_pending_while_open_missing_after(world) -> None:  # type: ignore[no-untyped-def]
    round_ = march_round([world.school_a])
    assert selfcheck_timing(round=round_, selfcheck=None, today=CLOSES) == Timing.PENDING
    assert selfcheck_timing(round=round_, selfcheck=None, today=CLOSES + datetime.timedelta(days=1)) == Timing.MISSING
    # A draft is not a report.
    with mock.patch("django.utils.timezone.now", return_value=at(CLOSES, 10, 0)):
        draft = selfcheck_start(round=round_, school=world.school_a, by=world.principal_a)
    assert selfcheck_timing(round=round_, selfcheck=draft, today=CLOSES + datetime.timedelta(days=2)) == Timing.MISSING


def test_resubmission_after_the_deadline_keeps_the_first_timing(world) -> None:  # type: ignore[no-untyped-def]
    round_ = march_round([world.school_a])
    selfcheck = submit_at(at(CLOSES, 9, 0), round_, world.principal_a)
    selfcheck_return(selfcheck=selfcheck, by=world.bureau, comment="请补充材料")
    with mock.patch("django.utils.timezone.now", return_value=at(CLOSES + datetime.timedelta(days=5), 9, 0)):
        selfcheck_submit(selfcheck=selfcheck, by=world.principal_a)
    selfcheck.refresh_from_db()
    assert selfcheck.first_submitted_on == CLOSES
    assert selfcheck.submitted_at > selfcheck.first_submitted_at
    assert selfcheck_timing(round=round_, selfcheck=selfcheck) == Timing.ON_TIME


def test_completeness_and_timeliness_of_a_round(world) -> None:  # type: ignore[no-untyped-def]
    school_c, school_d = SchoolFactory(), SchoolFactory()
    principal_c = PrincipalFactory(school=school_c)
    round_ = march_round([world.school_a, world.school_b, school_c, school_d])
    submit_at(at(CLOSES, 8, 0), round_, world.principal_a)  # on time
    submit_at(at(datetime.date(2026, 3, 15), 8, 0), round_, world.principal_b)  # on time
    submit_at(at(datetime.date(2026, 4, 2), 8, 0), round_, principal_c)  # late
    # school_d never reports.
    day_after = CLOSES + datetime.timedelta(days=10)
    rates = selfcheck_round_rates(round=round_, today=day_after)
    assert (rates.expected, rates.reported, rates.on_time, rates.late, rates.missing) == (4, 3, 2, 1, 1)
    assert rates.completeness == pytest.approx(0.75)
    assert rates.timeliness == pytest.approx(0.5)
    assert rates.awaiting_review == 3
    [listed] = selfcheck_rounds_with_rates(today=day_after)
    assert (listed.reported, listed.on_time) == (3, 2)
    timings = {row.school: row.timing for row in selfcheck_round_rows(round=round_, user=world.bureau, today=day_after)}
    assert timings == {
        world.school_a: Timing.ON_TIME,
        world.school_b: Timing.ON_TIME,
        school_c: Timing.LATE,
        school_d: Timing.MISSING,
    }


def test_missing_is_zero_while_the_round_is_open(world) -> None:  # type: ignore[no-untyped-def]
    round_ = march_round([world.school_a, world.school_b])
    rates = selfcheck_round_rates(round=round_, today=CLOSES)
    assert (rates.not_reported, rates.missing) == (2, 0)


def test_school_removed_from_a_round_no_longer_counts(world) -> None:  # type: ignore[no-untyped-def]
    round_ = march_round([world.school_a, world.school_b])
    submit_at(at(CLOSES, 8, 0), round_, world.principal_b)
    round_.schools.remove(world.school_b)
    rates = selfcheck_round_rates(round=round_)
    assert (rates.expected, rates.reported) == (1, 0)
    assert rates.completeness == 0


def test_round_without_schools_has_no_rate(world) -> None:  # type: ignore[no-untyped-def]
    round_ = march_round([])
    rates = selfcheck_round_rates(round=round_)
    assert rates.expected == 0 and rates.completeness is None and rates.timeliness is None


def test_rates_of_several_rounds_are_kept_apart(world) -> None:  # type: ignore[no-untyped-def]
    march = march_round([world.school_a, world.school_b])
    april = SelfCheckRoundFactory(
        schools=[world.school_a],
        month=datetime.date(2026, 4, 1),
        opens_on=datetime.date(2026, 4, 1),
        closes_on=datetime.date(2026, 4, 30),
    )
    submit_at(at(CLOSES, 8, 0), march, world.principal_a)
    submit_at(at(datetime.date(2026, 5, 3), 8, 0), april, world.principal_a)
    by_round = {r.round: r for r in selfcheck_rounds_with_rates(today=timezone.localdate())}
    assert (by_round[march].expected, by_round[march].reported, by_round[march].on_time) == (2, 1, 1)
    assert (by_round[april].expected, by_round[april].reported, by_round[april].on_time) == (1, 1, 0)
