"""Lists of the school records run a fixed number of queries: build some
rows, count, build more, count again."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.afterschool.services import afterschool_week_save
from schools.fivemanagement.services import five_management_save
from schools.models import GradeEnrolment
from tests.factories import DistrictMembershipFactory, SchoolFactory, SemesterFactory
from tests.schools.factories import MONDAY, AfterSchoolPlanFactory, bulk_days, record_day

pytestmark = pytest.mark.django_db


def count(user, url: str) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_week_page(world) -> None:  # type: ignore[no-untyped-def]
    from schools.models import SchoolClass
    from schools.register.classes import school_classes_sync

    url = reverse("homework_week", args=[world.school_a.pk]) + f"?week={MONDAY.isoformat()}"
    GradeEnrolment.objects.create(school=world.school_a, grade=3, classes=2, pupils=80)
    school_classes_sync(school=world.school_a)
    bulk_days(SchoolClass.objects.filter(school=world.school_a), [MONDAY], 30)
    before = {p: count(getattr(world, p), url) for p in ("principal_a", "supervisor_x", "bureau")}
    GradeEnrolment.objects.create(school=world.school_a, grade=4, classes=8, pupils=320)
    school_classes_sync(school=world.school_a)
    new = SchoolClass.objects.filter(school=world.school_a, grade=4)
    bulk_days(new, [MONDAY + datetime.timedelta(days=i) for i in range(5)], 70)
    record_day(new[0], MONDAY + datetime.timedelta(days=5), 20)  # a Saturday adds a column
    assert {p: count(getattr(world, p), url) for p in before} == before


def test_day_page(world) -> None:  # type: ignore[no-untyped-def]
    from tests.schools.factories import SchoolClassFactory

    c = SchoolClassFactory(school=world.school_a)
    record_day(c, MONDAY, 10)
    url = reverse("homework_day", args=[world.school_a.pk, c.pk, MONDAY.isoformat()])
    before = count(world.principal_a, url)
    record_day(c, MONDAY, 10, 10, 10, 5, 5, 5, 5)
    assert count(world.principal_a, url) == before


def _school_with_records(world, semester, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        school = SchoolFactory()
        DistrictMembershipFactory(school=school, district=world.district_x)
        AfterSchoolPlanFactory(school=school, semester=semester)
        five_management_save(school=school, semester=semester, fields={"phone_policy": True}, by=None)
        days = [
            (
                MONDAY + datetime.timedelta(days=i),
                {
                    "start_time": datetime.time(15, 30),
                    "end_time": datetime.time(17, 30),
                    "pupils_requested": 10,
                    "pupils_attended": 9,
                },
            )
            for i in range(5)
        ]
        afterschool_week_save(school=school, week=MONDAY, days=days, by=None)


@pytest.mark.parametrize("persona", ["bureau", "supervisor_x"])
def test_records_overview(world, persona) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    url = reverse("records_overview") + f"?semester={semester.pk}"
    _school_with_records(world, semester, 2)
    before = count(getattr(world, persona), url)
    _school_with_records(world, semester, 6)
    assert count(getattr(world, persona), url) == before


def test_afterschool_page(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    AfterSchoolPlanFactory(school=world.school_a, semester=semester)
    url = reverse("afterschool_page", args=[world.school_a.pk]) + f"?semester={semester.pk}"

    def week(monday: datetime.date) -> None:
        days = [
            (
                monday + datetime.timedelta(days=i),
                {
                    "start_time": datetime.time(15, 30),
                    "end_time": datetime.time(17, 30),
                    "pupils_requested": 10,
                    "pupils_attended": 9,
                },
            )
            for i in range(5)
        ]
        afterschool_week_save(school=world.school_a, week=monday, days=days, by=None)

    week(MONDAY)
    before = count(world.supervisor_x, url)
    for n in range(1, 6):
        week(MONDAY + datetime.timedelta(days=7 * n))
    assert count(world.supervisor_x, url) == before
