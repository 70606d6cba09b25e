"""The demo built on a fixed day well into a first semester (a Tuesday), so
that it is the same whenever the suite runs: visits and demands at every
stage, the records pages with data, the self-check cross-check with gaps,
and a second run adding nothing.

Built (twice) once for this module, inside a transaction rolled back after
its last test; each test reads it inside its own savepoint (three modules
each built it twice before)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest

from jianfu.demo import build_demo
from jianfu.models import User
from schools.homework.rules import over_cap_q
from schools.models import (
    AfterSchoolDay,
    AfterSchoolPlan,
    FiveManagementRecord,
    HomeworkDay,
    HomeworkItem,
    HomeworkPublication,
    PeriodKind,
    SchoolClass,
    SelfCheckRound,
)
from schools.selfchecks.crosscheck import Via, crosscheck_overview
from supervision.models import Rectification, RectificationStatus, Visit, VisitKind
from tests.demo_built import BuiltTwice, demo_built_twice

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 24)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[BuiltTwice]:
    with django_db_blocker.unblock(), demo_built_twice(lambda: build_demo(today=DAY)) as built:
        yield built


def test_a_second_run_adds_nothing_anywhere(demo: BuiltTwice) -> None:
    assert demo.second == demo.first
    assert SelfCheckRound.objects.filter(period_kind=PeriodKind.SEMESTER).count() == 1


def test_demo_visits_show_the_whole_loop(demo: BuiltTwice) -> None:
    assert Visit.objects.count() > 60
    statuses = set(Rectification.objects.values_list("status", flat=True))
    assert {RectificationStatus.OPEN, RectificationStatus.ACCEPTED} <= statuses
    assert Rectification.objects.overdue(DAY).exists()
    assert Visit.objects.filter(kind=VisitKind.FOLLOW_UP, checked_rectifications__isnull=False).exists()
    assert not Visit.objects.filter(date__gt=DAY).exists()


def test_demo_records_are_realistic(demo: BuiltTwice) -> None:
    """Every records page has data; homework is mostly within the caps, on
    school days only, never after the day."""
    for model in (SchoolClass, HomeworkDay, HomeworkItem, HomeworkPublication, AfterSchoolPlan, AfterSchoolDay):
        assert demo.first[model._meta.label] > 0, model
    days = HomeworkDay.objects.all()
    assert days.filter(over_cap_q()).exists() and days.exclude(over_cap_q()).count() > 0.8 * days.count()
    assert not days.filter(date__gt=DAY).exists()
    assert not days.filter(date__week_day__in=[1, 7]).exists()  # no weekends
    assert 0 < FiveManagementRecord.objects.count() < AfterSchoolPlan.objects.count()


def test_demo_crosscheck_shows_gaps_and_roll_ups(demo: BuiltTwice) -> None:
    """Gaps on sub-items and on whole areas (compared with their sub-items)."""
    bureau = User.objects.get(username="bureau")
    overview = crosscheck_overview(user=bureau, on=DAY)
    assert overview.schools_with_gaps >= 5
    vias = {r.visit.via for c in overview.schools for r in c.rows if r.flagged and r.visit}
    assert vias == {Via.ITEM, Via.PARENT, Via.SUB_ITEMS}
    semester_round = SelfCheckRound.objects.get(period_kind=PeriodKind.SEMESTER)
    in_round = crosscheck_overview(user=bureau, round=semester_round, on=DAY)
    assert in_round.total_schools == 16 and in_round.schools_with_gaps >= 3
