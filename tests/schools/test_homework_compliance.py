"""Compliance rates by grade, week, month, school and district, and the
classes over the cap, computed in the database and scoped to the reader."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schools.homework.selectors import homework_compliance
from tests.factories import DistrictMembershipFactory, SchoolFactory
from tests.schools.factories import MONDAY, SchoolClassFactory, bulk_days, record_day

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": datetime.date(2026, 9, 1), "date_to": datetime.date(2026, 10, 31)}


def test_rates_by_grade_week_and_month(world) -> None:  # type: ignore[no-untyped-def]
    g3 = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    g7 = SchoolClassFactory(school=world.school_b, grade=7, number=1)
    record_day(g3, MONDAY, 61)  # over
    record_day(g3, MONDAY + datetime.timedelta(days=1), 60)
    record_day(g3, datetime.date(2026, 10, 12), 30)
    record_day(g7, MONDAY, 91)  # over
    record_day(g7, datetime.date(2026, 10, 12), 90)
    report = homework_compliance(user=world.bureau, **PERIOD)
    assert (report.total.recorded, report.total.over) == (5, 2)
    assert [(r.key, r.recorded, r.over) for r in report.by_grade] == [(3, 3, 1), (7, 2, 1)]
    assert report.by_grade[0].extra["cap"] == 60 and report.by_grade[1].extra["cap"] == 90
    assert [(r.key, r.recorded, r.over) for r in report.by_week] == [
        (MONDAY, 3, 2),
        (datetime.date(2026, 10, 12), 2, 0),
    ]
    assert [(r.key, r.recorded, r.over) for r in report.by_month] == [
        (datetime.date(2026, 9, 1), 3, 2),
        (datetime.date(2026, 10, 1), 2, 0),
    ]
    assert report.by_grade[0].rate == pytest.approx(2 / 3)
    assert report.by_grade[0].average_written == pytest.approx((61 + 60 + 30) / 3)
    assert [(d.label, d.recorded, d.over) for d in report.by_district] == [("第一责任区", 3, 1), ("第二责任区", 2, 1)]
    assert {(c.school_id, c.grade, c.days, c.max_written) for c in report.over_cap_classes} == {
        (world.school_a.pk, 3, 1, 61),
        (world.school_b.pk, 7, 1, 91),
    }
    assert report.over_cap_class_count == 2


def test_period_bounds_are_inclusive(world) -> None:  # type: ignore[no-untyped-def]
    c = SchoolClassFactory(school=world.school_a)
    record_day(c, datetime.date(2026, 9, 1), 10)
    record_day(c, datetime.date(2026, 10, 31), 10)
    record_day(c, datetime.date(2026, 11, 1), 10)
    assert homework_compliance(user=world.bureau, **PERIOD).total.recorded == 2


def test_supervisor_sees_only_schools_of_own_district(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 70)
    record_day(SchoolClassFactory(school=world.school_b), MONDAY, 70)
    report = homework_compliance(user=world.supervisor_x, **PERIOD)
    assert report.total.recorded == 1
    assert {c.school_id for c in report.over_cap_classes} == {world.school_a.pk}
    assert [d.label for d in report.by_district] == ["第一责任区"]
    assert homework_compliance(user=world.principal_b, **PERIOD).total.recorded == 1


def test_district_and_school_filters(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 70)
    record_day(SchoolClassFactory(school=world.school_b), MONDAY, 30)
    assert homework_compliance(user=world.bureau, district=world.district_y, **PERIOD).total.over == 0
    report = homework_compliance(user=world.bureau, school=world.school_a, **PERIOD)
    assert report.total.over == 1 and len(report.over_cap_days) == 1


def get(user, params: str = ""):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.get(reverse("homework_compliance") + params)


def test_compliance_page_for_each_role(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a, grade=3, number=2), MONDAY, 75)
    record_day(SchoolClassFactory(school=world.school_b, grade=3, number=5), MONDAY, 30)
    period = "?from=2026-09-01&to=2026-09-30"
    bureau = get(world.bureau, period).content.decode()
    assert world.school_a.name in bureau and 'data-testid="by-district"' in bureau
    supervisor = get(world.supervisor_x, period).content.decode()
    assert world.school_a.name in supervisor and world.school_b.name not in supervisor
    principal = get(world.principal_b, period).content.decode()
    assert world.school_a.name not in principal
    assert 'data-testid="total-recorded">1<' in principal


@pytest.mark.parametrize(
    ("persona", "params", "status"),
    [
        ("bureau", "?school={a}", 200),
        ("supervisor_x", "?school={a}", 200),
        ("supervisor_x", "?school={b}", 404),
        ("supervisor_y", "?school={a}", 404),
        ("supervisor_x", "?district={y}", 404),
        ("supervisor_x", "?district={x}", 200),
        ("bureau", "?district=999999", 404),
        ("bureau", "?school=abc", 404),
    ],
)
def test_compliance_filters_are_scoped(world, persona, params, status) -> None:  # type: ignore[no-untyped-def]
    params = params.format(a=world.school_a.pk, b=world.school_b.pk, x=world.district_x.pk, y=world.district_y.pk)
    assert get(getattr(world, persona), params).status_code == status


def test_principal_cannot_pick_another_school(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_b), MONDAY, 70)
    html = get(world.principal_a, f"?school={world.school_b.pk}&from=2026-09-01&to=2026-09-30").content.decode()
    assert world.school_b.name not in html
    assert 'data-testid="total-recorded">0<' in html


def test_anonymous_is_sent_to_sign_in() -> None:
    response = Client().get(reverse("homework_compliance"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _page_queries(user, params: str) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("homework_compliance") + params).status_code == 200
    return len(ctx.captured_queries)


def _grow(world, schools: int, classes: int, days: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(schools):
        school = SchoolFactory()
        DistrictMembershipFactory(school=school, district=world.district_x)
        cs = [SchoolClassFactory(school=school, grade=3 + (i % 7)) for i in range(classes)]
        dates = [MONDAY + datetime.timedelta(days=7 * (i // 5) + i % 5) for i in range(days)]
        bulk_days(cs[::2], dates, 95)  # over the cap in every grade
        bulk_days(cs[1::2], dates, 20)


@pytest.mark.parametrize(
    ("persona", "params"),
    [
        ("bureau", ""),
        ("supervisor_x", ""),
        ("principal_a", ""),
        ("bureau", "?school={a}"),
        ("bureau", "?district={x}"),
    ],
)
def test_compliance_page_runs_a_fixed_number_of_queries(world, persona, params) -> None:  # type: ignore[no-untyped-def]
    params = (params or "?").format(a=world.school_a.pk, x=world.district_x.pk) + "&from=2026-09-01&to=2026-12-31"
    _grow(world, schools=1, classes=2, days=2)
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 70)
    user = getattr(world, persona)
    before = _page_queries(user, params)
    _grow(world, schools=3, classes=6, days=12)
    for i in range(5):
        record_day(SchoolClassFactory(school=world.school_a), MONDAY + datetime.timedelta(days=i), 70 + i)
    assert _page_queries(user, params) == before


def test_compliance_in_a_vacation_uses_the_last_semester(world) -> None:  # type: ignore[no-untyped-def]
    from schools.homework.selectors import default_period
    from tests.factories import SemesterFactory

    SemesterFactory()
    assert default_period(today=datetime.date(2027, 1, 30)) == (datetime.date(2026, 9, 1), datetime.date(2027, 1, 20))
    assert default_period(today=datetime.date(2026, 10, 8)) == (datetime.date(2026, 9, 1), datetime.date(2026, 10, 8))


def test_without_semesters_the_period_is_four_weeks(db) -> None:  # type: ignore[no-untyped-def]
    from schools.homework.selectors import default_period

    assert default_period(today=datetime.date(2026, 10, 8)) == (datetime.date(2026, 9, 11), datetime.date(2026, 10, 8))


def test_inactive_or_anonymous_users_see_no_class_days(world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    from schools.homework.selectors import homework_days_visible_to

    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 30)
    assert homework_days_visible_to(user=world.bureau).count() == 1
    world.bureau.is_active = False
    assert homework_days_visible_to(user=world.bureau).count() == 0
    assert homework_days_visible_to(user=AnonymousUser()).count() == 0


def _city(world, schools: int) -> None:  # type: ignore[no-untyped-def]
    """Grow the area to ``schools`` schools, bulk-created, each with classes in
    three grades and homework over five weeks (some of it over the cap), and
    their summaries as a writer of class-days leaves them."""
    from schools.homework.services import homework_summaries_refresh
    from schools.models import HomeworkDay, School, SchoolClass, SchoolType
    from supervision.models import DistrictMembership

    made = School.objects.bulk_create(
        [
            School(code=f"88{n:08d}", name=f"规模学校{n}", school_type=SchoolType.PRIMARY, town="当湖街道")
            for n in range(School.objects.count(), schools)
        ]
    )
    DistrictMembership.objects.bulk_create(
        [
            DistrictMembership(
                school=s, district=(world.district_x, world.district_y)[i % 2], start_date=datetime.date(2024, 9, 1)
            )
            for i, s in enumerate(made)
        ]
    )
    classes = SchoolClass.objects.bulk_create(
        [SchoolClass(school=s, grade=grade, number=1) for s in made for grade in (2, 4, 8)]
    )
    dates = [datetime.date(2026, 9, 1) + datetime.timedelta(days=i) for i in range(35) if i % 7 < 5]
    HomeworkDay.objects.bulk_create(
        [
            HomeworkDay(
                school_class=c,
                school_id=c.school_id,
                grade=c.grade,
                date=d,
                written_minutes=(c.pk + d.day) % 100,
                total_minutes=100,
                item_count=2,
            )
            for c in classes
            for d in dates
        ]
    )
    homework_summaries_refresh(school_ids=[s.pk for s in made], dates=dates)
    assert School.objects.count() == schools


@pytest.mark.parametrize("params", ["", "&district={x}", "&school={a}"])
def test_bureau_compliance_page_queries_at_31_and_300_schools(world, params) -> None:  # type: ignore[no-untyped-def]
    # The period starts and ends inside weeks: summaries and edge days both read.
    params = "?from=2026-09-02&to=2026-10-01" + params.format(x=world.district_x.pk, a=world.school_a.pk)
    _city(world, 31)
    record_day(SchoolClassFactory(school=world.school_a, grade=3), datetime.date(2026, 9, 2), 75)
    small = _page_queries(world.bureau, params)
    _city(world, 300)
    assert _page_queries(world.bureau, params) == small


@pytest.mark.parametrize("limit", [1, 3, 4, 100])
def test_over_cap_classes_are_the_first_by_every_key(world, limit) -> None:  # type: ignore[no-untyped-def]
    """The list joins the classes after taking the first groups with their
    ties: it equals ordering every over-cap class, joined, by the whole key
    (ties in days, minutes, school and grade broken by the class number)."""
    from django.db.models import Count, Max

    from schools.homework.rules import over_cap_q
    from schools.models import HomeworkDay

    _city(world, 6)
    # The first four: more days over the cap than any other class, the same
    # school, grade, days and minutes, so only the number orders them.
    dates = [datetime.date(2026, 9, 1) + datetime.timedelta(days=i) for i in range(40)]
    for number in (5, 2, 7, 3):
        bulk_days([SchoolClassFactory(school=world.school_a, grade=4, number=number)], dates, 99)
    report = homework_compliance(user=world.bureau, class_limit=limit, **PERIOD)
    expected = list(
        HomeworkDay.objects.filter(over_cap_q(), date__range=(PERIOD["date_from"], PERIOD["date_to"]))
        .values("school", "school__name", "school_class", "school_class__number", "grade")
        .annotate(n=Count("*"), top=Max("written_minutes"), last=Max("date"))
        .order_by("-n", "-top", "school", "grade", "school_class__number")
    )
    got = [
        (c.school_id, c.school_name, c.school_class_id, c.number, c.grade, c.days, c.max_written, c.last_date)
        for c in report.over_cap_classes
    ]
    assert got == [tuple(e.values()) for e in expected[:limit]]
    assert [e["school_class__number"] for e in expected[:4]] == [2, 3, 5, 7]
    assert report.over_cap_class_count == len(expected) > 4


# --- long periods (issue 17): by month, and the city's classes of the listed schools ---

YEAR = {"date_from": datetime.date(2026, 6, 1), "date_to": datetime.date(2026, 11, 30)}


def test_a_long_period_reads_by_month_and_agrees_with_the_raw_rows(world) -> None:  # type: ignore[no-untyped-def]
    from schools.homework.selectors import WEEKLY_FIGURES_MAX_DAYS

    _city(world, 8)
    g3 = SchoolClassFactory(school=world.school_a, grade=3, number=1)
    record_day(g3, datetime.date(2026, 11, 16), 61)
    record_day(g3, datetime.date(2026, 11, 27), 20)
    assert (YEAR["date_to"] - YEAR["date_from"]).days + 1 > WEEKLY_FIGURES_MAX_DAYS
    report = homework_compliance(user=world.bureau, **YEAR)
    raw = homework_compliance(user=world.bureau, from_summaries=False, **YEAR)
    assert not report.weekly and report.by_week == []
    figures = lambda r: [(x.key, x.recorded, x.over, x.written_sum) for x in r]  # noqa: E731
    assert figures(report.by_month) == figures(raw.by_month) and len(report.by_month) == 3
    assert figures(report.by_grade) == figures(raw.by_grade)
    assert (report.total.recorded, report.total.over) == (raw.total.recorded, raw.total.over)
    # A quarter at most still has its weeks.
    short = homework_compliance(user=world.bureau, date_from=datetime.date(2026, 9, 1), date_to=YEAR["date_to"])
    assert short.weekly and short.by_week


def test_over_a_long_period_the_city_lists_the_classes_of_the_listed_schools(world) -> None:  # type: ignore[no-untyped-def]
    _city(world, 8)
    worst = SchoolClassFactory(school=world.school_b, grade=7, number=2)
    bulk_days([worst], [datetime.date(2026, 10, 12) + datetime.timedelta(days=i) for i in range(40)], 120)
    report = homework_compliance(user=world.bureau, school_limit=3, **YEAR)
    listed = {rate.key for rate in report.worst_schools}
    assert report.classes_of_listed_schools and len(listed) == 3 and world.school_b.pk in listed
    assert report.over_cap_classes and {c.school_id for c in report.over_cap_classes} <= listed
    assert report.over_cap_classes[0].school_class_id == worst.pk
    # One district, or two months at most: every class over the cap.
    district = homework_compliance(user=world.bureau, school_limit=3, district=world.district_y, **YEAR)
    assert not district.classes_of_listed_schools
    month = homework_compliance(
        user=world.bureau, school_limit=3, date_from=datetime.date(2026, 9, 1), date_to=datetime.date(2026, 10, 31)
    )
    assert not month.classes_of_listed_schools and {c.school_id for c in month.over_cap_classes} - listed
    page = Client()
    page.force_login(world.bureau)
    html = page.get(reverse("homework_compliance"), {"from": "2026-06-01", "to": "2026-11-30"}).content.decode()
    assert 'data-testid="classes-of-listed-schools"' in html and 'data-testid="by-week-left-out"' in html
