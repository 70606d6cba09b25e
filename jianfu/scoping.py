"""Who may see which school: the one mechanism every view, admin page, export
and task goes through.

Bureau staff see every school; a school account sees its own school; a
supervisor sees the schools that are, on the given day, members of a district
the supervisor is assigned to on that day. Everybody else sees nothing.
Scope is in time: once a supervisor's assignment (or the school's membership
of the district) has ended, the school's records are out of their scope,
except the visits they made themselves, which they read as they were on the
last day they were responsible (:func:`supervisor_responsible_until`).
Views fetch objects through these querysets, so an id outside the scope is a
404, never a 403 that would confirm the object exists.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

if TYPE_CHECKING:
    from schools.models import School
    from supervision.models import Supervisor, SupervisoryDistrict


def _day(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def supervisor_of(user: Any) -> Supervisor | None:
    """The supervisor profile of an active supervisor account, or None."""
    from supervision.models import Supervisor

    if not getattr(user, "is_authenticated", False) or not user.is_supervisor:
        return None
    return Supervisor.objects.filter(user=user, active=True).first()


def districts_visible_to(user: Any, *, on: datetime.date | None = None) -> QuerySet[SupervisoryDistrict]:
    from supervision.districts.dated import active_on_q
    from supervision.models import SupervisoryDistrict

    if not getattr(user, "is_authenticated", False):
        return SupervisoryDistrict.objects.none()
    if user.is_bureau:
        return SupervisoryDistrict.objects.all()
    if user.is_supervisor:
        return SupervisoryDistrict.objects.filter(
            active_on_q(_day(on), "assignments__"),
            assignments__supervisor__user=user,
            assignments__supervisor__active=True,
        ).distinct()
    return SupervisoryDistrict.objects.none()


def schools_visible_to(user: Any, *, on: datetime.date | None = None) -> QuerySet[School]:
    from schools.models import School
    from supervision.models import DistrictMembership

    if not getattr(user, "is_authenticated", False):
        return School.objects.none()
    if user.is_bureau:
        return School.objects.all()
    if user.is_principal:
        return School.objects.filter(pk=user.school_id)
    if user.is_supervisor:
        day = _day(on)
        district_ids = districts_visible_to(user, on=day).values("pk")
        school_ids = DistrictMembership.objects.active_on(day).filter(district__in=district_ids).values("school_id")
        return School.objects.filter(pk__in=school_ids)
    return School.objects.none()


def school_get_visible(*, user: Any, **lookup: Any) -> School:
    """The school matching ``lookup`` if ``user`` may see it; 404 otherwise."""
    school = schools_visible_to(user).filter(**lookup).first()
    if school is None:
        raise Http404
    return school


def supervisor_responsible_until(user: Any, *, school_id: int, on: datetime.date | None = None) -> datetime.date | None:
    """The last day up to ``on`` (today) on which the supervisor ``user`` was
    responsible for the school, i.e. assigned to a district the school
    belonged to that day: ``on`` itself while still responsible, an earlier
    day once the assignment (or the school's membership) has ended, None if
    never. What a former supervisor may still read of their own visits is
    what existed up to that day. Two queries."""
    from supervision.models import DistrictMembership, SupervisorAssignment

    day = _day(on)
    if not getattr(user, "is_authenticated", False) or not user.is_supervisor:
        return None
    assignments = SupervisorAssignment.objects.filter(
        supervisor__user=user, supervisor__active=True, start_date__lte=day
    ).values_list("district_id", "start_date", "end_date")
    memberships = list(
        DistrictMembership.objects.filter(school_id=school_id, start_date__lte=day).values_list(
            "district_id", "start_date", "end_date"
        )
    )
    last: datetime.date | None = None
    for district, start, end in assignments:
        for member_district, member_start, member_end in memberships:
            if district != member_district:
                continue
            overlap_start = max(start, member_start)
            overlap_end = min(end or day, member_end or day, day)
            if overlap_start <= overlap_end and (last is None or overlap_end > last):
                last = overlap_end
    return last
