"""After-school service: the plan of a semester and the weekly records,
checked against 5 days a week, 2 hours a day, ending no earlier than 17:30
and coverage of every pupil who asks."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

from schools.afterschool.selectors import afterschool_plan_checks, afterschool_weeks
from schools.afterschool.services import afterschool_plan_save, afterschool_week_save
from schools.models import AfterSchoolDay, AfterSchoolPlan
from tests.factories import SemesterFactory
from tests.schools.factories import MONDAY, AfterSchoolPlanFactory

pytestmark = pytest.mark.django_db

T = datetime.time


def failed(plan: AfterSchoolPlan) -> list[str]:
    return [c.label for c in afterschool_plan_checks(plan=plan) if not c.ok]


def test_plan_meeting_every_rule_passes(world) -> None:  # type: ignore[no-untyped-def]
    plan = AfterSchoolPlanFactory(school=world.school_a, start_time=T(15, 30), end_time=T(17, 30))
    assert failed(plan) == []


@pytest.mark.parametrize(
    ("start", "end", "ok"),
    [
        (T(15, 31), T(17, 30), False),  # 119 minutes
        (T(15, 30), T(17, 30), True),  # 120 minutes
        (T(15, 0), T(17, 29), False),  # ends before 17:30
        (T(15, 30), T(17, 31), True),
    ],
)
def test_plan_time_boundaries(world, start, end, ok) -> None:  # type: ignore[no-untyped-def]
    plan = AfterSchoolPlanFactory(school=world.school_a, start_time=start, end_time=end)
    assert (failed(plan) == []) is ok


def test_plan_with_four_days_or_no_declaration_fails(world) -> None:  # type: ignore[no-untyped-def]
    plan = AfterSchoolPlanFactory(school=world.school_a, friday=False, three_nos_declared=False, contents=[])
    assert len(failed(plan)) == 3


@override_settings(AFTERSCHOOL_END_NOT_BEFORE=T(18, 0), AFTERSCHOOL_MIN_MINUTES_PER_DAY=90, AFTERSCHOOL_DAYS_PER_WEEK=4)
def test_plan_rules_come_from_settings(world) -> None:  # type: ignore[no-untyped-def]
    plan = AfterSchoolPlanFactory(school=world.school_a, start_time=T(16, 30), end_time=T(18, 0), friday=False)
    assert failed(plan) == []
    plan.end_time = T(17, 59)
    assert len(failed(plan)) == 2  # too short and too early


def test_plan_is_saved_once_per_semester(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    fields = {"start_time": T(15, 30), "end_time": T(17, 40), "contents": ["reading"], "three_nos_declared": True}
    afterschool_plan_save(school=world.school_a, semester=semester, fields=fields, by=world.principal_a)
    afterschool_plan_save(school=world.school_a, semester=semester, fields={**fields, "staff_count": 9}, by=None)
    plan = AfterSchoolPlan.objects.get()
    assert (plan.staff_count, plan.end_time) == (9, T(17, 40))
    with pytest.raises(ValidationError):
        afterschool_plan_save(school=world.school_a, semester=semester, fields={"end_time": T(15, 0)}, by=None)
    with pytest.raises(ValidationError):
        afterschool_plan_save(school=world.school_a, semester=semester, fields={"contents": ["tutoring"]}, by=None)


START, END = T(15, 30), T(17, 30)


def day(held=True, start=START, end=END, requested=100, attended=100, no_school=False):  # type: ignore[no-untyped-def]
    return {
        "held": held,
        "no_school": no_school,
        "start_time": start,
        "end_time": end,
        "pupils_requested": requested,
        "pupils_attended": attended,
        "contents": ["homework_help"],
    }


def save_week(school, days, week=MONDAY):  # type: ignore[no-untyped-def]
    dates = [week + datetime.timedelta(days=i) for i in range(len(days))]
    return afterschool_week_save(school=school, week=week, days=list(zip(dates, days, strict=True)), by=None)


def test_week_figures_are_computed_by_the_database(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    save_week(
        world.school_a,
        [
            day(requested=200, attended=150),
            day(end=T(17, 29), requested=200, attended=200),  # ends early, 119 minutes
            day(held=False, requested=0, attended=0),  # not held on a school day
            day(no_school=True),  # a holiday: not due
            day(start=T(16, 0), end=T(18, 0), requested=100, attended=100),
        ],
    )
    (week,) = afterschool_weeks(school=world.school_a, semester=semester, today=datetime.date(2026, 12, 1))
    assert week.monday == MONDAY
    assert (week.held_days, week.days_due, week.no_school_days) == (3, 4, 1)
    assert (week.short_days, week.early_days) == (1, 1)
    assert (week.requested, week.attended) == (500, 450)
    assert week.coverage == pytest.approx(0.9)
    assert not week.days_ok and not week.coverage_ok and not week.ok
    assert AfterSchoolDay.objects.get(date=MONDAY + datetime.timedelta(days=3)).pupils_requested == 0


def test_full_week_passes(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    save_week(world.school_a, [day()] * 5)
    (week,) = afterschool_weeks(school=world.school_a, semester=semester)
    assert week.ok and week.coverage == 1


@pytest.mark.parametrize(("attended", "ok"), [(95, True), (94, False)])
def test_coverage_target_boundary(world, attended, ok) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    save_week(world.school_a, [day(requested=100, attended=attended)] * 5)
    (week,) = afterschool_weeks(school=world.school_a, semester=semester, today=datetime.date(2026, 12, 1))
    assert week.coverage_ok is ok and week.ok is ok


@pytest.mark.parametrize(("today_offset", "due", "ok"), [(1, 2, True), (4, 5, False)])
def test_the_week_in_progress_owes_only_the_days_so_far(world, today_offset, due, ok) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    save_week(world.school_a, [day(), day()])  # Monday and Tuesday recorded
    today = MONDAY + datetime.timedelta(days=today_offset)
    (week,) = afterschool_weeks(school=world.school_a, semester=semester, today=today)
    assert (week.days_due, week.days_ok) == (due, ok)


def test_saving_a_week_again_updates_it(world) -> None:  # type: ignore[no-untyped-def]
    save_week(world.school_a, [day()] * 5)
    save_week(world.school_a, [day(attended=80)] * 5)
    assert AfterSchoolDay.objects.count() == 5
    assert set(AfterSchoolDay.objects.values_list("pupils_attended", flat=True)) == {80}


def test_more_attending_than_asking_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        save_week(world.school_a, [day(requested=10, attended=11)])
    assert not AfterSchoolDay.objects.exists()


def test_a_held_day_needs_its_times(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        save_week(world.school_a, [day(), day(end=None)])
    assert not AfterSchoolDay.objects.exists()


def test_a_weekly_record_is_monday_to_friday(world) -> None:  # type: ignore[no-untyped-def]
    saturday = MONDAY + datetime.timedelta(days=5)
    with pytest.raises(ValidationError):
        afterschool_week_save(school=world.school_a, week=MONDAY, days=[(saturday, day())], by=None)


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def week_post(rows):  # type: ignore[no-untyped-def]
    data = {"form-TOTAL_FORMS": "5", "form-INITIAL_FORMS": "0", "form-MIN_NUM_FORMS": "5", "form-MAX_NUM_FORMS": "5"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if isinstance(value, bool):
                if value:
                    data[f"form-{i}-{key}"] = "on"
            elif key == "contents":
                data[f"form-{i}-contents"] = value
            else:
                data[f"form-{i}-{key}"] = (
                    "" if value is None else str(value)[:5] if key.endswith("time") else str(value)
                )
    return data


def test_school_account_records_a_week_on_the_page(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    AfterSchoolPlanFactory(school=world.school_a, semester=semester)
    client = login(world.principal_a)
    url = reverse("afterschool_week", args=[world.school_a.pk, (MONDAY + datetime.timedelta(days=2)).isoformat()])
    page = client.get(url).content.decode()
    assert 'value="15:30"' in page  # prefilled from the plan
    response = client.post(url, week_post([day(requested=50, attended=48)] * 5))
    assert response.status_code == 302
    assert AfterSchoolDay.objects.filter(school=world.school_a).count() == 5
    html = client.get(response["Location"]).content.decode()
    assert "96.0%" in html


def test_page_refuses_more_attending_than_asking(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.principal_a)
    url = reverse("afterschool_week", args=[world.school_a.pk, MONDAY.isoformat()])
    response = client.post(url, week_post([day(requested=5, attended=6)] * 5))
    assert response.status_code == 200 and not AfterSchoolDay.objects.exists()


@pytest.mark.parametrize("persona", ["bureau", "supervisor_x", "principal_b"])
def test_others_cannot_write_the_service_records(world, persona) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    client = login(getattr(world, persona))
    week_url = reverse("afterschool_week", args=[world.school_a.pk, MONDAY.isoformat()])
    assert client.post(week_url, week_post([day()] * 5)).status_code == 404
    plan_url = reverse("afterschool_page", args=[world.school_a.pk]) + f"?semester={semester.pk}"
    assert client.post(plan_url, {"start_time": "15:30", "end_time": "17:30"}).status_code == 404
    assert not AfterSchoolDay.objects.exists() and not AfterSchoolPlan.objects.exists()


def test_school_account_files_the_plan_on_the_page(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    client = login(world.principal_a)
    url = reverse("afterschool_page", args=[world.school_a.pk]) + f"?semester={semester.pk}"
    data = {
        "semester": semester.pk,
        "monday": "on",
        "tuesday": "on",
        "wednesday": "on",
        "thursday": "on",
        "friday": "on",
        "start_time": "15:40",
        "end_time": "17:30",
        "contents": ["homework_help", "sport"],
        "staff_count": "20",
        "fee_policy": "free",
        "three_nos_declared": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    plan = AfterSchoolPlan.objects.get()
    assert plan.contents == ["homework_help", "sport"] and plan.updated_by == world.principal_a
    html = client.get(url).content.decode()
    assert 'data-testid="plan-checks"' in html and "text-bg-danger" in html  # 110 minutes is too short
    response = client.post(url, {**data, "end_time": "15:00"})
    assert response.status_code == 200 and AfterSchoolPlan.objects.get().end_time == T(17, 30)
