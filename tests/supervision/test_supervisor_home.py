"""The supervisor's tablet home: each school with this month's state
(visited / due / overdue), the last visit and open demands, in a fixed number
of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supervision.models import RectificationStatus
from supervision.visits.selectors import MonthState, month_state, supervisor_school_months
from tests.factories import DistrictMembershipFactory, SchoolFactory
from tests.supervision.factories import RectificationFactory, VisitFactory
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("today", "this_month", "last_month", "expected"),
    [
        (D(2026, 10, 5), True, False, MonthState.VISITED),
        (D(2026, 10, 25), True, True, MonthState.VISITED),
        (D(2026, 10, 5), False, True, MonthState.DUE),
        (D(2026, 10, 20), False, True, MonthState.DUE),  # the due day itself is still due
        (D(2026, 10, 21), False, True, MonthState.OVERDUE),
        (D(2026, 10, 1), False, False, MonthState.OVERDUE),  # last month was missed already
    ],
)
def test_month_state_rule(today, this_month, last_month, expected) -> None:  # type: ignore[no-untyped-def]
    assert (
        month_state(today=today, visited_this_month=this_month, visited_last_month=last_month, due_day=20) == expected
    )


def test_states_last_visit_and_open_demands(world) -> None:  # type: ignore[no-untyped-def]
    today = D(2026, 10, 10)
    visited = world.school_a
    due = SchoolFactory(name="丙小学")
    overdue = SchoolFactory(name="丁小学")
    for s in (due, overdue):
        DistrictMembershipFactory(school=s, district=world.district_x)
    VisitFactory(school=visited, date=D(2026, 10, 3))
    VisitFactory(school=visited, date=D(2026, 9, 12))
    VisitFactory(school=due, date=D(2026, 9, 28))
    VisitFactory(school=overdue, date=D(2026, 8, 30))
    VisitFactory(school=world.school_b, date=D(2026, 10, 9))  # another district's school
    RectificationFactory(school=due, deadline=D(2026, 10, 1))  # overdue demand
    RectificationFactory(school=due, deadline=D(2026, 10, 30), status=RectificationStatus.ANSWERED)
    RectificationFactory(
        school=due, deadline=D(2026, 9, 1), status=RectificationStatus.ACCEPTED, closed_at=timezone.now()
    )
    rows = {r.school: r for r in supervisor_school_months(user=world.supervisor_x, today=today)}
    assert set(rows) == {visited, due, overdue}
    assert rows[visited].state == MonthState.VISITED and rows[visited].last_visit == D(2026, 10, 3)
    assert rows[due].state == MonthState.DUE and rows[due].last_visit == D(2026, 9, 28)
    assert rows[overdue].state == MonthState.OVERDUE and rows[overdue].last_visit == D(2026, 8, 30)
    assert (rows[due].open_rectifications, rows[due].overdue_rectifications, rows[due].answered_rectifications) == (
        2,
        1,
        1,
    )
    assert rows[visited].open_rectifications == 0


def test_home_page_shows_states_and_links(world) -> None:  # type: ignore[no-untyped-def]
    VisitFactory(school=world.school_a)
    response = login(world.supervisor_x).get(reverse("supervisor_home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="state-{world.school_a.pk}" data-state="visited"' in html
    assert reverse("visit_new", args=[world.school_a.pk]) in html
    assert world.school_b.name not in html


def test_home_query_count_does_not_grow(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = login(world.supervisor_x)

    def add_rows(n: int) -> None:
        for i in range(n):
            school = SchoolFactory()
            DistrictMembershipFactory(school=school, district=world.district_x)
            VisitFactory(school=school, submitted_by=world.supervisor_x, date=timezone.localdate())
            RectificationFactory(school=school, status=RectificationStatus.ANSWERED, deadline=D(2020, 1, i + 1))

    add_rows(2)
    client.get(reverse("supervisor_home"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("supervisor_home")).status_code == 200
    add_rows(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("supervisor_home")).status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("persona", "status"), [("bureau", 404), ("principal_a", 404), ("supervisor_x", 200), ("supervisor_y", 200)]
)
def test_home_is_the_supervisors_own(world, persona, status) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).get(reverse("supervisor_home"))
    assert response.status_code == status
    if persona == "supervisor_y":
        assert world.school_a.name not in response.content.decode()


def test_home_anonymous_goes_to_sign_in(world, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("supervisor_home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
