"""Read side of account management: the accounts list, a school's open items."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from jianfu.models import User
from jianfu.roles import Role


def accounts_filtered(
    *,
    role: str = "",
    school_id: int | None = None,
    active: bool | None = None,
    never_signed_in: bool = False,
    search: str = "",
) -> QuerySet[User]:
    """Every account matching the filters, with what the list shows loaded
    up front (school, groups, supervisor profile): a page costs the same
    number of queries whatever its length."""
    qs = User.objects.select_related("school", "supervisor_profile").prefetch_related("groups")
    if role:
        qs = qs.filter(role=role)
    if school_id:
        qs = qs.filter(school_id=school_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    if never_signed_in:
        qs = qs.filter(last_login__isnull=True)
    for word in search.split():
        qs = qs.filter(
            Q(username__icontains=word)
            | Q(full_name__icontains=word)
            | Q(email__icontains=word)
            | Q(phone__icontains=word)
            | Q(school__name__icontains=word)
        )
    return qs.order_by("role", "school__code", "username")


def active_principal_of(*, school: Any) -> User | None:
    return (
        User.objects.filter(role=Role.PRINCIPAL, school=school, is_active=True).order_by("pk").first()
        if school is not None
        else None
    )


def schools_without_principal() -> QuerySet[Any]:
    """Active schools that have no active principal account."""
    from schools.models import School

    has_one = User.objects.filter(role=Role.PRINCIPAL, is_active=True, school=OuterRef("pk"))
    return School.objects.filter(active=True).exclude(Exists(has_one)).order_by("code")


def supervisors_without_account() -> QuerySet[Any]:
    from supervision.models import Supervisor

    return Supervisor.objects.filter(active=True, user__isnull=True).order_by("name")


@dataclass(frozen=True)
class OpenItems:
    """What a school still owes: rectification demands to answer, complaint
    cases assigned to it for self-investigation, self-checks to file."""

    rectifications: int
    complaints: int
    selfchecks: int

    @property
    def total(self) -> int:
        return self.rectifications + self.complaints + self.selfchecks


def school_open_items(*, school: Any, today: datetime.date | None = None) -> OpenItems:
    """Three count queries. Every open item belongs to the school, not to
    the principal's account (the accounts on them only say who answered or
    filed), so they pass to whoever is the school's principal account now:
    nothing is reassigned when a principal changes."""
    from schools.models import SelfCheck, SelfCheckRound, SelfCheckStatus
    from supervision.models import AssigneeKind, ComplaintCase, ComplaintStatus, Rectification, RectificationStatus

    day = today or timezone.localdate()
    rectifications = Rectification.objects.filter(
        school=school, status__in=(RectificationStatus.OPEN, RectificationStatus.RETURNED)
    ).count()
    complaints = ComplaintCase.objects.filter(
        school=school,
        assignee_kind=AssigneeKind.SCHOOL,
        status__in=(ComplaintStatus.ASSIGNED, ComplaintStatus.INVESTIGATING),
        findings_at__isnull=True,
    ).count()
    filed = SelfCheck.objects.filter(
        round=OuterRef("pk"), school=school, status__in=(SelfCheckStatus.SUBMITTED, SelfCheckStatus.ACCEPTED)
    )
    selfchecks = (
        SelfCheckRound.objects.filter(schools=school, opens_on__lte=day, closes_on__gte=day)
        .exclude(Exists(filed))
        .count()
    )
    return OpenItems(rectifications=rectifications, complaints=complaints, selfchecks=selfchecks)
