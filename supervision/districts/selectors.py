"""Reads about districts and supervisors, each a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from jianfu.scoping import districts_visible_to, schools_visible_to
from schools.models import School
from supervision.districts.dated import active_on_q
from supervision.models import DistrictMembership, Supervisor, SupervisorAssignment, SupervisoryDistrict


def current_supervisors_of_school(*, school: School, on: datetime.date | None = None) -> list[Supervisor]:
    """The supervisors responsible for ``school`` on the day: those assigned
    to the district the school belongs to on that day. Two queries."""
    day = on or timezone.localdate()
    district_ids = DistrictMembership.objects.active_on(day).filter(school=school).values("district_id")
    return list(
        Supervisor.objects.filter(
            active_on_q(day, "assignments__"), assignments__district__in=district_ids, active=True
        )
        .distinct()
        .order_by("-assignments__is_leader", "name")
    )


def current_district_of_school(*, school: School, on: datetime.date | None = None) -> SupervisoryDistrict | None:
    day = on or timezone.localdate()
    membership = DistrictMembership.objects.active_on(day).filter(school=school).select_related("district").first()
    return membership.district if membership else None


@dataclass(frozen=True)
class DistrictLoad:
    district: SupervisoryDistrict
    school_count: int
    supervisor_count: int
    supervisors: list[Supervisor]

    @property
    def limit(self) -> int:
        return int(settings.DISTRICT_MAX_SCHOOLS)

    @property
    def too_many_schools(self) -> bool:
        return self.school_count > self.limit


def district_loads(*, user: Any, on: datetime.date | None = None) -> list[DistrictLoad]:
    """Every district the user may see with its current school and
    supervisor counts. Two queries whatever the number of districts."""
    day = on or timezone.localdate()
    districts = (
        districts_visible_to(user, on=day)
        .annotate(
            school_count=Count("memberships", filter=active_on_q(day, "memberships__"), distinct=True),
            supervisor_count=Count("assignments", filter=active_on_q(day, "assignments__"), distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=SupervisorAssignment.objects.active_on(day).select_related("supervisor"),
                to_attr="current_assignments",
            )
        )
        .order_by("number")
    )
    return [
        DistrictLoad(
            district=d,
            school_count=d.school_count,
            supervisor_count=d.supervisor_count,
            supervisors=[a.supervisor for a in d.current_assignments],
        )
        for d in districts
    ]


def _school_load(day: datetime.date) -> Count:
    """The number of schools a supervisor carries on ``day``: the schools of
    all the districts they are assigned to then."""
    return Count(
        "assignments__district__memberships",
        filter=active_on_q(day, "assignments__") & active_on_q(day, "assignments__district__memberships__"),
        distinct=True,
    )


def overloaded_supervisors(*, on: datetime.date | None = None) -> list[tuple[Supervisor, int]]:
    """Active supervisors carrying more schools than the warning threshold,
    with their load. One query."""
    day = on or timezone.localdate()
    rows = (
        Supervisor.objects.filter(active=True)
        .annotate(school_load=_school_load(day))
        .filter(school_load__gt=settings.SUPERVISOR_SCHOOL_LOAD_WARNING)
        .order_by("-school_load", "name")
    )
    return [(row, row.school_load) for row in rows]


def schools_of_supervisor_now(*, user: Any, on: datetime.date | None = None) -> QuerySet[School]:
    """The schools a supervisor is responsible for today, with the district
    each belongs to, for the supervisor's home page."""
    day = on or timezone.localdate()
    return (
        schools_visible_to(user, on=day)
        .filter(active=True)
        .prefetch_related(
            Prefetch(
                "district_memberships",
                queryset=DistrictMembership.objects.active_on(day).select_related("district"),
                to_attr="current_memberships",
            )
        )
        .order_by("code")
    )


def schools_without_district(*, on: datetime.date | None = None) -> QuerySet[School]:
    day = on or timezone.localdate()
    return School.objects.filter(active=True).exclude(
        Q(pk__in=DistrictMembership.objects.active_on(day).values("school_id"))
    )
