"""Writes to districts, memberships and assignments that keep the history.

A change from a given day closes what was in force the day before and opens
a new row from that day; rows that had not yet started on that day never
were in force, so they are removed rather than closed (closing them would
give an end before the start)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from django.db.models import Q

from supervision.models import DistrictMembership, Supervisor, SupervisorAssignment, SupervisoryDistrict

if TYPE_CHECKING:
    from schools.models import School


def _still_open(day: datetime.date) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gte=day)


def district_membership_move(*, school: School, district: SupervisoryDistrict, on: datetime.date) -> DistrictMembership:
    """Make ``school`` a member of ``district`` from ``on``: its membership
    in force then ends the day before, later planned ones are dropped. A
    school already in ``district`` on that day keeps its membership."""
    rows = list(
        DistrictMembership.objects.select_for_update().filter(_still_open(on), school=school).order_by("start_date")
    )
    current = next((m for m in rows if m.start_date <= on), None)
    if current is not None and current.district_id == district.pk and all(m is current for m in rows):
        return current
    for m in rows:
        if m.start_date >= on:
            m.delete()
        else:
            m.end_date = on - datetime.timedelta(days=1)
            m.save(update_fields=["end_date"])
    return DistrictMembership.objects.create(school=school, district=district, start_date=on)


def supervisor_assignments_set(
    *,
    supervisor: Supervisor,
    districts: Sequence[SupervisoryDistrict],
    leader_ids: Collection[int] = (),
    on: datetime.date,
) -> None:
    """Assign ``supervisor`` to exactly ``districts`` from ``on``, leading
    those in ``leader_ids``: assignments to other districts end the day
    before, new ones start on ``on``, and a changed leader flag is updated
    on the assignment in force."""
    wanted = {d.pk: d for d in districts}
    rows = list(
        SupervisorAssignment.objects.select_for_update()
        .filter(_still_open(on), supervisor=supervisor)
        .order_by("start_date")
    )
    kept: set[int] = set()
    for a in rows:
        if a.start_date > on or (a.district_id not in wanted and a.start_date == on):
            a.delete()
        elif a.district_id not in wanted:
            a.end_date = on - datetime.timedelta(days=1)
            a.save(update_fields=["end_date"])
        else:
            kept.add(a.district_id)
            leader = a.district_id in leader_ids
            if a.is_leader != leader:
                a.is_leader = leader
                a.save(update_fields=["is_leader"])
    for pk, district in wanted.items():
        if pk not in kept:
            SupervisorAssignment.objects.create(
                supervisor=supervisor, district=district, start_date=on, is_leader=pk in leader_ids
            )
