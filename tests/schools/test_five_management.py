"""Five managements: the school's report of a semester, checked and shown
to its supervisor and the bureau."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from schools.fivemanagement.selectors import five_management_checks
from schools.fivemanagement.services import five_management_save
from schools.models import FiveManagementRecord, SchoolType
from tests.factories import SchoolFactory, SemesterFactory
from tests.schools.factories import MONDAY, SchoolClassFactory, record_day

pytestmark = pytest.mark.django_db

GOOD = {
    "sleep_survey_date": datetime.date(2026, 10, 15),
    "primary_pupils_surveyed": 400,
    "primary_pupils_enough_sleep": 362,
    "junior_pupils_surveyed": 300,
    "junior_pupils_enough_sleep": 240,
    "phone_policy": True,
    "phones_kept_by_school": True,
    "reading_list_reviewed": True,
    "long_break_daily": True,
    "pe_hour_in_school": True,
}


def test_primary_school_report_and_its_checks() -> None:
    school = SchoolFactory(school_type=SchoolType.PRIMARY)
    record = five_management_save(school=school, semester=SemesterFactory(), fields=GOOD, by=None)
    assert record.primary_sleep_share == pytest.approx(0.905)
    assert record.junior_pupils_surveyed is None  # a primary school has no junior pupils
    checks = five_management_checks(record=record, school=school)
    assert all(c.ok for c in checks) and len(checks) == 6
    assert checks[0].found == "90.5%"


def test_nine_year_school_reports_both_levels() -> None:
    school = SchoolFactory(school_type=SchoolType.NINE_YEAR)
    record = five_management_save(school=school, semester=SemesterFactory(), fields=GOOD, by=None)
    assert record.junior_sleep_share == pytest.approx(0.8)
    assert len(five_management_checks(record=record, school=school)) == 7


def test_missing_items_fail_their_checks() -> None:
    school = SchoolFactory(school_type=SchoolType.JUNIOR)
    fields = {
        **GOOD,
        "phones_kept_by_school": False,
        "junior_pupils_surveyed": None,
        "junior_pupils_enough_sleep": None,
    }
    record = five_management_save(school=school, semester=SemesterFactory(), fields=fields, by=None)
    assert [c.ok for c in five_management_checks(record=record, school=school)] == [
        False,
        True,
        False,
        True,
        True,
        True,
    ]


def test_more_pupils_sleeping_enough_than_surveyed_is_refused() -> None:
    school = SchoolFactory()
    with pytest.raises(ValidationError):
        five_management_save(
            school=school, semester=SemesterFactory(), fields={**GOOD, "primary_pupils_enough_sleep": 401}, by=None
        )
    assert not FiveManagementRecord.objects.exists()


def test_database_keeps_the_sleep_figures_consistent() -> None:
    school = SchoolFactory()
    semester = SemesterFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        FiveManagementRecord.objects.create(
            school=school, semester=semester, primary_pupils_surveyed=10, primary_pupils_enough_sleep=11
        )


def test_one_record_per_school_and_semester() -> None:
    school = SchoolFactory()
    semester = SemesterFactory()
    five_management_save(school=school, semester=semester, fields=GOOD, by=None)
    five_management_save(school=school, semester=semester, fields={**GOOD, "phone_policy": False}, by=None)
    assert FiveManagementRecord.objects.get().phone_policy is False


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_school_account_reports_and_supervisor_reads(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 80)
    url = reverse("five_management_page", args=[world.school_a.pk]) + f"?semester={semester.pk}"
    client = login(world.principal_a)
    form_page = client.get(url).content.decode()
    assert "junior_pupils_surveyed" not in form_page and "primary_pupils_surveyed" in form_page
    data = {
        "semester": semester.pk,
        "primary_pupils_surveyed": "420",
        "primary_pupils_enough_sleep": "390",
        "phone_policy": "on",
        "phones_kept_by_school": "on",
        "reading_list_reviewed": "on",
        "long_break_daily": "on",
        "note": "每天大课间30分钟",
    }
    assert client.post(url, data).status_code == 302
    record = FiveManagementRecord.objects.get()
    assert (record.primary_pupils_enough_sleep, record.pe_hour_in_school, record.updated_by) == (
        390,
        False,
        world.principal_a,
    )
    assert client.post(url, {**data, "primary_pupils_enough_sleep": "500"}).status_code == 200
    assert FiveManagementRecord.objects.get().primary_pupils_enough_sleep == 390
    html = login(world.supervisor_x).get(url).content.decode()
    assert 'data-testid="five-checks"' in html and "92.9%" in html and "每天大课间30分钟" in html
    assert 'name="phone_policy"' not in html  # read only
    assert login(world.supervisor_x).post(url, data).status_code == 404


def test_five_management_page_shows_the_homework_of_the_semester(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    record_day(SchoolClassFactory(school=world.school_a, grade=3), MONDAY, 80)
    record_day(SchoolClassFactory(school=world.school_a, grade=3), MONDAY, 20)
    url = reverse("five_management_page", args=[world.school_a.pk]) + f"?semester={semester.pk}"
    response = login(world.bureau).get(url)
    assert response.context["homework"].total.recorded == 2
    assert response.context["homework"].total.over == 1
