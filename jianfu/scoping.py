"""Who may see which school: the one mechanism every view, admin page, export
and task goes through.

Bureau staff see every school; a school account sees its own school; a
supervisor sees the schools that are, on the given day, members of a district
the supervisor is assigned to on that day. Everybody else sees nothing.
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


def get_visible_school(user: Any, **lookup: Any) -> School:
    """The school matching ``lookup`` if ``user`` may see it; 404 otherwise."""
    school = schools_visible_to(user).filter(**lookup).first()
    if school is None:
        raise Http404
    return school
