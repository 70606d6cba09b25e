from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from jianfu.models import User
from jianfu.roles import SECTION_SUPERVISION_OFFICE, Role
from schools.models import GradeEnrolment, Ownership, School, SchoolType, SchoolYear, Semester, Term
from supervision.models import (
    DistrictMembership,
    Supervisor,
    SupervisorAssignment,
    SupervisorKind,
    SupervisoryDistrict,
)

PASSWORD = "correct-horse-battery-9"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    code = factory.Sequence(lambda n: f"31{n:08d}")
    name = factory.Sequence(lambda n: f"测试学校{n}")
    school_type = SchoolType.PRIMARY
    ownership = Ownership.PUBLIC
    town = "当湖街道"


class GradeEnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GradeEnrolment

    school = factory.SubFactory(SchoolFactory)
    grade = 1
    classes = 4
    pupils = 168


class SupervisoryDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisoryDistrict

    name = factory.Sequence(lambda n: f"责任区{n}")
    number = factory.Sequence(lambda n: n + 1)


class DistrictMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DistrictMembership

    school = factory.SubFactory(SchoolFactory)
    district = factory.SubFactory(SupervisoryDistrictFactory)
    start_date = datetime.date(2024, 9, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class BureauUserFactory(UserFactory):
    role = Role.BUREAU
    is_staff = True

    @factory.post_generation
    def section(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.groups.add(Group.objects.get(name=extracted or SECTION_SUPERVISION_OFFICE))


class PrincipalFactory(UserFactory):
    role = Role.PRINCIPAL
    school = factory.SubFactory(SchoolFactory)


class SupervisorUserFactory(UserFactory):
    role = Role.SUPERVISOR


class SupervisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supervisor

    user = factory.SubFactory(SupervisorUserFactory)
    name = factory.Sequence(lambda n: f"督学{n}")
    kind = SupervisorKind.PART_TIME
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class SupervisorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisorAssignment

    supervisor = factory.SubFactory(SupervisorFactory)
    district = factory.SubFactory(SupervisoryDistrictFactory)
    start_date = datetime.date(2024, 9, 1)


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("name",)

    name = "2026-2027学年"
    start_date = datetime.date(2026, 8, 20)
    end_date = datetime.date(2027, 8, 19)


class SemesterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Semester

    school_year = factory.SubFactory(SchoolYearFactory)
    term = Term.FIRST
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2027, 1, 20)


def semester_holding_today() -> Semester:
    """The factories' first semester, stretched when needed so that it holds
    the real today, for tests whose rows are dated today (visits, pledges,
    self-checks, complaints): the fixed semester ends on 2027-01-20, after
    which such rows would fall outside it and stop counting. Unchanged while
    today lies within it."""
    today = timezone.localdate()
    return SemesterFactory(
        start_date=min(SemesterFactory.start_date, today - datetime.timedelta(days=60)),
        end_date=max(SemesterFactory.end_date, today + datetime.timedelta(days=30)),
    )
