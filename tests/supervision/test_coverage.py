"""The bureau's coverage page: share of schools visited per district and
month, the schools not visited, visits per supervisor; semester filter."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.visits.coverage import coverage_by_district, supervisor_visit_counts
from tests.factories import DistrictMembershipFactory, SchoolFactory, SemesterFactory
from tests.supervision.factories import VisitFactory
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db

D = datetime.date


def test_share_per_district_and_month(world) -> None:  # type: ignore[no-untyped-def]
    extra = SchoolFactory(name="丙小学")
    DistrictMembershipFactory(school=extra, district=world.district_x)
    VisitFactory(school=world.school_a, date=D(2026, 9, 5))
    VisitFactory(school=world.school_a, date=D(2026, 9, 25))  # a second visit the same month counts once
    VisitFactory(school=extra, date=D(2026, 10, 2))
    VisitFactory(school=world.school_b, date=D(2026, 10, 15))
    cov = coverage_by_district(
        start=D(2026, 9, 1), end=D(2027, 1, 20), selected_month=D(2026, 10, 1), today=D(2026, 10, 20)
    )
    assert cov.months == [D(2026, 9, 1), D(2026, 10, 1)]
    rows = {r.district: r for r in cov.rows}
    x, y = rows[world.district_x], rows[world.district_y]
    assert [(c.visited, c.schools) for c in x.cells] == [(1, 2), (1, 2)]
    assert [c.percent for c in y.cells] == [0, 100]
    assert [(c.visited, c.schools) for c in cov.totals] == [(1, 3), (2, 3)]
    assert x.unvisited == [world.school_a] and y.unvisited == []
    september = coverage_by_district(
        start=D(2026, 9, 1), end=D(2027, 1, 20), selected_month=D(2026, 9, 1), today=D(2026, 10, 20)
    )
    assert {s.name for r in september.rows for s in r.unvisited} == {"丙小学", world.school_b.name}


def test_school_counts_for_the_district_of_that_month(world) -> None:  # type: ignore[no-untyped-def]
    mover = SchoolFactory()
    DistrictMembershipFactory(
        school=mover, district=world.district_x, start_date=D(2024, 9, 1), end_date=D(2026, 9, 30)
    )
    DistrictMembershipFactory(school=mover, district=world.district_y, start_date=D(2026, 10, 1))
    cov = coverage_by_district(start=D(2026, 9, 1), end=D(2026, 10, 31), today=D(2026, 10, 31))
    rows = {r.district: r for r in cov.rows}
    assert [c.schools for c in rows[world.district_x].cells] == [2, 1]
    assert [c.schools for c in rows[world.district_y].cells] == [1, 2]


def test_future_semester_has_no_months(world) -> None:  # type: ignore[no-untyped-def]
    cov = coverage_by_district(start=D(2027, 2, 17), end=D(2027, 7, 5), today=D(2026, 10, 1))
    assert cov.months == [] and cov.rows == []


def test_visits_per_supervisor_in_the_period(world) -> None:  # type: ignore[no-untyped-def]
    sx, sy = world.supervisor_x.supervisor_profile, world.supervisor_y.supervisor_profile
    for day in (D(2026, 9, 5), D(2026, 10, 5), D(2026, 3, 1)):
        VisitFactory(school=world.school_a, date=day).supervisors.add(sx)
    VisitFactory(school=world.school_b, date=D(2026, 9, 9)).supervisors.add(sx, sy)
    rows = {
        r.supervisor: r for r in supervisor_visit_counts(start=D(2026, 9, 1), end=D(2027, 1, 20), today=D(2026, 10, 20))
    }
    assert rows[sx].visits == 3 and rows[sy].visits == 1
    assert rows[sx].school_load == 1 and [d.name for d in rows[sx].districts] == [world.district_x.name]


@pytest.mark.parametrize(("persona", "status"), [("bureau", 200), ("principal_a", 404), ("supervisor_x", 404)])
def test_coverage_page_is_for_bureau_only(world, persona, status) -> None:  # type: ignore[no-untyped-def]
    assert login(getattr(world, persona)).get(reverse("bureau_coverage")).status_code == status


def test_coverage_page_anonymous_goes_to_sign_in(world, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("bureau_coverage"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_coverage_page_filters_by_semester(world) -> None:  # type: ignore[no-untyped-def]
    autumn = SemesterFactory(
        start_date=D(2025, 9, 1),
        end_date=D(2026, 1, 20),
        school_year__name="2025-2026学年",
        school_year__start_date=D(2025, 8, 20),
        school_year__end_date=D(2026, 8, 19),
    )
    VisitFactory(school=world.school_a, date=D(2025, 11, 3))
    page = login(world.bureau).get(reverse("bureau_coverage"), {"semester": autumn.pk, "month": "2025-11"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "2025-09" in html and "2026-01" in html and "2025-08" not in html
    assert 'data-testid="total-2025-11"' in html


def test_coverage_page_fixed_queries(world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import SupervisorAssignmentFactory, SupervisorFactory, SupervisoryDistrictFactory

    client = login(world.bureau)
    SemesterFactory(
        start_date=D(2025, 9, 1),
        end_date=D(2026, 1, 20),
        school_year__name="2025-2026学年",
        school_year__start_date=D(2025, 8, 20),
        school_year__end_date=D(2026, 8, 19),
    )

    def grow(n: int) -> None:
        for _ in range(n):
            district = SupervisoryDistrictFactory()
            supervisor = SupervisorFactory()
            SupervisorAssignmentFactory(supervisor=supervisor, district=district)
            for _ in range(2):
                school = SchoolFactory()
                DistrictMembershipFactory(school=school, district=district)
                VisitFactory(school=school, date=D(2025, 10, 9)).supervisors.add(supervisor)

    url = reverse("bureau_coverage")
    grow(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grow(4)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_current_month_is_not_late_before_the_due_day(world, settings) -> None:  # type: ignore[no-untyped-def]
    """On the 1st nothing of the month is overdue (the due day is the 20th):
    the month is not painted red; after the due day it is."""
    settings.VISIT_MONTHLY_DUE_DAY = 20
    VisitFactory(school=world.school_a, date=D(2026, 11, 10))
    early = coverage_by_district(start=D(2026, 11, 1), end=D(2026, 12, 31), today=D(2026, 12, 1))
    assert [c.due for c in early.totals] == [True, False]
    assert early.selected_month == D(2026, 12, 1) and not early.selected_due
    late = coverage_by_district(start=D(2026, 11, 1), end=D(2026, 12, 31), today=D(2026, 12, 21))
    assert [c.due for c in late.totals] == [True, True] and late.selected_due
    on_the_day = coverage_by_district(start=D(2026, 12, 1), end=D(2026, 12, 31), today=D(2026, 12, 20))
    assert [c.due for c in on_the_day.totals] == [False]


def test_coverage_page_paints_the_running_month_neutral(world, settings, rf) -> None:  # type: ignore[no-untyped-def]
    from django.template.loader import render_to_string

    settings.VISIT_MONTHLY_DUE_DAY = 20
    cov = coverage_by_district(start=D(2026, 11, 1), end=D(2026, 12, 31), today=D(2026, 12, 1))
    request = rf.get("/")
    request.user = world.bureau
    html = render_to_string(
        "supervision/bureau_coverage.html",
        {"coverage": cov, "rows": cov.rows, "semester": None, "semesters": [], "supervisors": [], "due_day": 20},
        request=request,
    )
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    cells = body.split("<td")[1:]
    november = [c for c in cells if 'data-due="1"' in c]
    december = [c for c in cells if 'data-due="0"' in c]
    assert november and december
    assert all("table-danger" in c for c in november if "0/" in c)
    assert not any("table-danger" in c for c in december) and all("截至20日" in c for c in december)
