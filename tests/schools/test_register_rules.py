"""The register's invariants, enforced by the database where the issue asks."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from schools.models import GradeEnrolment, School, SchoolType, Semester
from supervision.models import DistrictMembership
from tests.factories import (
    DistrictMembershipFactory,
    SchoolFactory,
    SchoolYearFactory,
    SemesterFactory,
    SupervisoryDistrictFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["313300001", "31330000011", "31330000a1", ""])
def test_school_code_must_be_ten_digits(code: str) -> None:
    school = SchoolFactory.build(code=code)
    with pytest.raises(ValidationError) as err:
        school.full_clean()
    assert "code" in err.value.message_dict


def test_school_code_ten_digits_enforced_by_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        School.objects.create(code="12345", name="坏代码学校", school_type=SchoolType.PRIMARY)


def test_grade_outside_school_type_is_refused() -> None:
    school = SchoolFactory(school_type=SchoolType.PRIMARY)
    with pytest.raises(ValidationError):
        GradeEnrolment(school=school, grade=8, classes=2, pupils=80).full_clean()
    GradeEnrolment(school=school, grade=6, classes=2, pupils=80).full_clean()


def test_school_in_one_district_at_a_time_open_memberships() -> None:
    membership = DistrictMembershipFactory()
    other = SupervisoryDistrictFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DistrictMembership.objects.create(
            school=membership.school, district=other, start_date=datetime.date(2025, 1, 1)
        )


def test_overlapping_closed_memberships_refused(database_vendor: str) -> None:
    membership = DistrictMembershipFactory(start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2025, 8, 31))
    other = SupervisoryDistrictFactory()
    overlapping = DistrictMembership(
        school=membership.school,
        district=other,
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    if database_vendor == "postgresql":
        # The exclusion constraint refuses it even past the form.
        with pytest.raises(IntegrityError), transaction.atomic():
            overlapping.save()


def test_new_term_membership_keeps_history() -> None:
    membership = DistrictMembershipFactory(start_date=datetime.date(2024, 9, 1))
    membership.end_date = datetime.date(2025, 8, 31)
    membership.save()
    new_district = SupervisoryDistrictFactory()
    DistrictMembership.objects.create(
        school=membership.school, district=new_district, start_date=datetime.date(2025, 9, 1)
    )
    assert membership.school.district_memberships.count() == 2
    assert DistrictMembership.objects.active_on(datetime.date(2025, 3, 1)).get().district == membership.district
    assert DistrictMembership.objects.active_on(datetime.date(2025, 10, 1)).get().district == new_district


def test_current_semester_is_derived_from_the_date() -> None:
    first = SemesterFactory()
    year = SchoolYearFactory()
    second = SemesterFactory(
        school_year=year, term=2, start_date=datetime.date(2027, 2, 17), end_date=datetime.date(2027, 7, 5)
    )
    assert Semester.objects.current(datetime.date(2026, 11, 24)) == first
    assert Semester.objects.current(datetime.date(2027, 3, 1)) == second
    # In the winter vacation the semester that just ended is still "current".
    assert Semester.objects.current(datetime.date(2027, 2, 1)) == first
    assert Semester.objects.current(datetime.date(2020, 1, 1)) is None


def test_overlapping_semesters_refused() -> None:
    first = SemesterFactory()
    clash = Semester(
        school_year=first.school_year,
        term=2,
        start_date=datetime.date(2027, 1, 10),
        end_date=datetime.date(2027, 6, 30),
    )
    with pytest.raises(ValidationError):
        clash.full_clean()
