"""The bureau's to-do panel: each rule counted by its own selector, each
item linking to the list that shows those rows; a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jianfu.text import natural_key
from jianfu.todo import bureau_todo
from reports.models import JobStatus, ReportJob
from supervision.models import ComplaintStatus
from tests.supervision.complaint_factories import case_in_status
from tests.supervision.factories import RectificationFactory

pytestmark = pytest.mark.django_db


def _items(world) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {t.key: t for t in bureau_todo(user=world.bureau)}


def test_each_item_counts_its_rule_and_links_to_its_list(world) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    RectificationFactory(school=world.school_a, deadline=today - datetime.timedelta(days=2))
    RectificationFactory(school=world.school_a, deadline=today + datetime.timedelta(days=2))
    ReportJob.objects.create(kind="x", status=JobStatus.FAILED, finished_at=timezone.now(), requested_by=world.bureau)
    ReportJob.objects.create(
        kind="x", status=JobStatus.FAILED, finished_at=timezone.now() - datetime.timedelta(days=30)
    )
    items = _items(world)
    assert items["rectifications_overdue"].count == 1  # type: ignore[attr-defined]
    assert items["jobs_failed"].count == 1  # type: ignore[attr-defined]
    client = Client()
    client.force_login(world.bureau)
    overdue = client.get(items["rectifications_overdue"].url)  # type: ignore[attr-defined]
    assert overdue.status_code == 200 and len(overdue.context["rows"]) == 1
    failed = client.get(items["jobs_failed"].url)  # type: ignore[attr-defined]
    assert [j.status for j in failed.context["jobs"]] == ["failed", "failed"]
    never = client.get(items["accounts_never_signed_in"].url)  # type: ignore[attr-defined]
    assert never.status_code == 200 and "?e=1" not in never.get("Location", "")
    for key in ("complaints_overdue", "complaints_due_soon", "selfchecks_late", "schools_unvisited"):
        assert client.get(items[key].url).status_code == 200, key  # type: ignore[attr-defined]


def test_cases_near_their_time_limit_are_counted(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_DUE_SOON_WORKING_DAYS = 40
    case_in_status(ComplaintStatus.RECEIVED, school=world.school_a, by=world.bureau)
    items = _items(world)
    # A new case is due for the acceptance decision within days: near its limit.
    assert items["complaints_due_soon"].count == 1  # type: ignore[attr-defined]
    assert items["complaints_overdue"].count == 0  # type: ignore[attr-defined]


def test_overview_query_count_does_not_grow(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    url = reverse("bureau_overview")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert "todo-panel" in client.get(url).content.decode()
    today = timezone.localdate()
    for _ in range(4):
        RectificationFactory(school=world.school_b, deadline=today - datetime.timedelta(days=1))
        case_in_status(ComplaintStatus.ACCEPTED, school=world.school_a, by=world.bureau)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_district_names_sort_naturally() -> None:
    names = ["第10督学责任区", "第2督学责任区", "第1督学责任区", "第11督学责任区"]
    assert sorted(names, key=natural_key) == ["第1督学责任区", "第2督学责任区", "第10督学责任区", "第11督学责任区"]


def test_school_supervisors_come_first_in_the_assign_list(world) -> None:  # type: ignore[no-untyped-def]
    from supervision.complaints.forms import AssignForm
    from tests.factories import SupervisorFactory

    SupervisorFactory(name="阿督学")  # sorts first by name, but is not the school's
    form = AssignForm(school=world.school_b)
    choices = [label for value, label in form.fields["supervisor"].choices if value]
    assert choices[0].startswith("督学乙") and "本校责任督学" in choices[0]
    assert not any("本校责任督学" in c for c in choices[1:])


def test_overdue_schools_follow_the_supervisors_monthly_rule(world, settings) -> None:  # type: ignore[no-untyped-def]
    """The overview counts a school overdue as the supervisors' start page
    shows it (``month_state``): before the due day only a school not visited
    last month either; after it every school without a visit this month."""
    from django.utils import translation

    from supervision.visits.selectors import MonthState, supervisor_school_months
    from tests.supervision.factories import VisitFactory

    settings.VISIT_MONTHLY_DUE_DAY = 20
    VisitFactory(school=world.school_a, date=datetime.date(2026, 11, 3), submitted_by=world.supervisor_x)
    early_day = datetime.date(2026, 11, 5)
    early = {t.key: t for t in bureau_todo(user=world.bureau, today=early_day)}["schools_unvisited"]
    # 乙中学 had no visit in October either: overdue at once, on both pages.
    assert early.count == 1 and early.note
    states = {m.school: m.state for m in supervisor_school_months(user=world.supervisor_y, today=early_day)}
    assert states == {world.school_b: MonthState.OVERDUE}
    with translation.override("zh-hans"):
        assert "上月" in str(early.note)
    # Visited in October: only due (not yet late) before the 20th.
    VisitFactory(school=world.school_b, date=datetime.date(2026, 10, 14), submitted_by=world.supervisor_y)
    early = {t.key: t for t in bureau_todo(user=world.bureau, today=early_day)}["schools_unvisited"]
    assert early.count == 0
    late = {t.key: t for t in bureau_todo(user=world.bureau, today=datetime.date(2026, 11, 25))}["schools_unvisited"]
    assert late.count == 1 and not late.note  # 乙中学; 甲小学 was visited on the 3rd
    assert late.url.endswith("?month=2026-11")
