"""Each rule has one home (docs/architecture.md, "Where the rules live"): the
database form (a Q or queryset method) and the Python form on a loaded row
agree, and the pages, counts and digests go through them."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from schools.models import SelfCheck, SelfCheckStatus
from schools.selfchecks.models import Timing, selfcheck_on_time_q, selfcheck_timing_of
from supervision.complaints.models import ComplaintCase, complaint_overdue_q
from supervision.complaints.selectors import complaint_deadlines, complaints_visible_to
from supervision.models import Rectification, RectificationStatus
from supervision.rectifications.models import rectification_overdue_q
from supervision.rectifications.selectors import overdue_rectifications, rectification_counts_by_status
from tests.schools.filing_factories import SelfCheckFactory, SelfCheckRoundFactory
from tests.supervision.complaint_factories import case_in_status
from tests.supervision.factories import RectificationFactory

pytestmark = pytest.mark.django_db
S = RectificationStatus


def test_rectification_overdue_rule_is_one_rule(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    d = datetime.timedelta
    cases = [
        (S.OPEN, today - d(days=1)),  # overdue
        (S.ANSWERED, today - d(days=3)),  # overdue: answered is not closed
        (S.RETURNED, today - d(days=1)),  # overdue
        (S.ACCEPTED, today - d(days=9)),  # closed: never overdue
        (S.OPEN, today),  # due today: not yet
        (S.OPEN, today + d(days=5)),
    ]
    rows = [
        RectificationFactory(
            school=world.school_a, status=s, deadline=dl, closed_at=timezone.now() if s == S.ACCEPTED else None
        )
        for s, dl in cases
    ]
    by_query = set(Rectification.objects.filter(rectification_overdue_q(today)).values_list("pk", flat=True))
    by_row = {r.pk for r in rows if r.is_overdue_on(today)}
    assert by_query == by_row == {rows[0].pk, rows[1].pk, rows[2].pk}
    assert set(Rectification.objects.overdue(today).values_list("pk", flat=True)) == by_row
    assert {r.pk for r in overdue_rectifications(on=today)} == by_row
    assert rectification_counts_by_status(user=world.bureau, today=today)["overdue"] == 3
    assert [r.days_overdue for r in rows] == [1, 3, 1, 0, 0, 0]


def test_selfcheck_late_rule_is_one_rule(world) -> None:  # type: ignore[no-untyped-def]
    closes = timezone.localdate() - datetime.timedelta(days=2)
    round_ = SelfCheckRoundFactory(
        opens_on=closes - datetime.timedelta(days=10), closes_on=closes, schools=[world.school_a, world.school_b]
    )
    on_time = SelfCheckFactory(
        round=round_,
        school=world.school_a,
        status=SelfCheckStatus.SUBMITTED,
        first_submitted_at=timezone.now(),
        first_submitted_on=closes,
        submitted_at=timezone.now(),
    )
    late = SelfCheckFactory(
        round=round_,
        school=world.school_b,
        status=SelfCheckStatus.SUBMITTED,
        first_submitted_at=timezone.now(),
        first_submitted_on=closes + datetime.timedelta(days=1),
        submitted_at=timezone.now(),
    )
    today = timezone.localdate()
    timings = {
        sc.pk: selfcheck_timing_of(first_submitted_on=sc.first_submitted_on, closes_on=closes, today=today)
        for sc in (on_time, late)
    }
    assert timings == {on_time.pk: Timing.ON_TIME, late.pk: Timing.LATE}
    counted = SelfCheck.objects.filter(selfcheck_on_time_q(F("round__closes_on"))).values_list("pk", flat=True)
    assert list(counted) == [on_time.pk]
    # Without a submission: pending while open, missing once closed.
    assert selfcheck_timing_of(first_submitted_on=None, closes_on=closes, today=closes) == Timing.PENDING
    assert selfcheck_timing_of(first_submitted_on=None, closes_on=closes, today=today) == Timing.MISSING


def test_complaint_overdue_rule_matches_the_due_date_of_a_loaded_case(world) -> None:  # type: ignore[no-untyped-def]
    received = case_in_status("received", school=world.school_a)
    accepted = case_in_status("accepted", school=world.school_a)
    closed = case_in_status("closed", school=world.school_a)
    later = max(c.due_date or datetime.date.min for c in (received, accepted)) + datetime.timedelta(days=1)
    overdue = set(ComplaintCase.objects.filter(complaint_overdue_q(later)).values_list("pk", flat=True))
    assert overdue == {received.pk, accepted.pk}
    for case in (received, accepted, closed):
        case.refresh_from_db()
        assert (case.pk in overdue) == (case.due_date is not None and case.due_date < later)
    lists = complaint_deadlines(cases=complaints_visible_to(user=world.bureau), today=later)
    assert {c.pk for c in lists.overdue} == overdue


def test_who_may_see_a_complaint_is_one_rule(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status("assigned", school=world.school_a)
    assert list(complaints_visible_to(user=world.bureau)) == [case]
    assert list(complaints_visible_to(user=world.principal_a)) == [case]
    assert list(complaints_visible_to(user=world.principal_b)) == []
    assert list(complaints_visible_to(user=world.supervisor_x)) == []  # assigned to the school, not to him


def test_the_complaints_panel_counts_the_cases_the_user_may_see(world) -> None:  # type: ignore[no-untyped-def]
    """The dashboard's complaint statistics go through the same rule: a
    supervisor counts the cases assigned to him, not every case of his
    schools; a school sees no statistics."""
    from reports.scoring.complaints import complaints_panel
    from tests.factories import SemesterFactory

    today = timezone.localdate()
    semester = SemesterFactory(
        start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=30)
    )
    case_in_status("assigned", school=world.school_a)  # to the school itself
    assert complaints_panel(world.bureau, semester) is not None
    assert complaints_panel(world.principal_a, semester) is None
    assert complaints_panel(world.supervisor_x, semester) is None  # school_a is his, the case is not
    sup_x = world.supervisor_x.supervisor_profile
    case_in_status("assigned", school=world.school_a, assign_to="supervisor", supervisor=sup_x)
    panel = complaints_panel(world.supervisor_x, semester)
    assert panel is not None
    assert sum(sum(s["data"]) for s in panel.option["series"]) == 1
    assert sum(sum(s["data"]) for s in complaints_panel(world.bureau, semester).option["series"]) == 2  # type: ignore[union-attr]
