"""Reads about rectification demands, scoped through :mod:`jianfu.scoping`.

Who sees a demand: bureau staff all; a principal those of their school; a
supervisor those of the schools they are responsible for today, including
the ones they raised, which leave their scope with the school.
Who acts on it: the school's principal answers; a supervisor of the school's
current district accepts or returns."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from jianfu.scoping import schools_visible_to
from supervision.models import (
    Rectification,
    RectificationAnswer,
    RectificationEvent,
    RectificationEvidence,
    RectificationStatus,
    Visit,
)
from supervision.rectifications.models import RectificationQuerySet, rectification_overdue_q


def rectifications_visible_to(*, user: Any) -> RectificationQuerySet:
    if not getattr(user, "is_authenticated", False):
        return Rectification.objects.none()
    if user.is_bureau:
        return Rectification.objects.all()
    # Only while responsible for the school: the supervisor who raised a
    # demand does not keep reading it (and the school's later answers and
    # evidence) after leaving the district.
    return Rectification.objects.filter(school__in=schools_visible_to(user).values("pk"))


def user_may_answer(*, user: Any, rectification: Rectification) -> bool:
    """The principal (school account) of the demand's school; for a demand
    to a training institution, which has no account, bureau staff record its
    answer."""
    if rectification.institution_id is not None:
        return bool(getattr(user, "is_authenticated", False) and user.is_bureau)
    return bool(
        getattr(user, "is_authenticated", False) and user.is_principal and user.school_id == rectification.school_id
    )


def user_responsible_for_school(*, user: Any, school_id: int, on: datetime.date | None = None) -> bool:
    """A supervisor of the district the school belongs to today."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_supervisor
        and schools_visible_to(user, on=on).filter(pk=school_id).exists()
    )


def user_may_review(*, user: Any, rectification: Rectification) -> bool:
    if rectification.institution_id is not None:
        # Institutions are the bureau's own business, not a district's.
        return bool(getattr(user, "is_authenticated", False) and user.is_bureau)
    if rectification.school_id is None:
        return False
    return user_responsible_for_school(user=user, school_id=rectification.school_id)


RECTIFICATION_FILTERS = ("open", "answered", "returned", "accepted", "overdue", "all")


def rectification_list(
    *,
    user: Any,
    state: str = "open",
    school_id: int | None = None,
    today: datetime.date | None = None,
) -> RectificationQuerySet:
    """The demands the user may see, filtered by ``state``: "open" (not yet
    accepted, the default), one status, "overdue", or "all". Rows carry the
    school and the raising visit; one query (plus pagination's count)."""
    day = today or timezone.localdate()
    qs = rectifications_visible_to(user=user).select_related(
        "school", "institution", "visit", "visit_item", "raised_by"
    )
    if state == "open":
        qs = qs.not_closed()
    elif state == "overdue":
        qs = qs.overdue(day)
    elif state in RectificationStatus.values:
        qs = qs.filter(status=state)
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.order_by("deadline", "pk")


def rectification_get_visible(*, user: Any, pk: int) -> Rectification:
    """One demand with its history, answers and evidence, or 404 outside the
    user's scope. A fixed number of queries."""
    rectification = (
        rectifications_visible_to(user=user)
        .select_related("school", "institution", "visit", "visit_item", "raised_by", "closed_by")
        .prefetch_related(
            Prefetch("events", queryset=RectificationEvent.objects.select_related("by", "visit")),
            Prefetch(
                "answers",
                queryset=RectificationAnswer.objects.select_related("by").prefetch_related(
                    Prefetch("evidence", queryset=RectificationEvidence.objects.order_by("pk"))
                ),
            ),
            Prefetch("follow_up_visits", queryset=Visit.objects.order_by("-date")),
        )
        .filter(pk=pk)
        .first()
    )
    if rectification is None:
        raise Http404
    return rectification


def rectification_evidence_get_visible(*, user: Any, rectification_pk: int, pk: int) -> RectificationEvidence:
    evidence = (
        RectificationEvidence.objects.filter(
            pk=pk,
            answer__rectification__pk=rectification_pk,
            answer__rectification__in=rectifications_visible_to(user=user),
        )
        .select_related("answer__rectification")
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


def open_rectifications_of_school(*, school_id: int) -> QuerySet[Rectification]:
    return Rectification.objects.filter(school_id=school_id).not_closed().order_by("deadline", "pk")


def rectifications_awaiting_review(*, user: Any) -> QuerySet[Rectification]:
    """Answered demands of the schools a supervisor is responsible for today."""
    if not getattr(user, "is_authenticated", False) or not user.is_supervisor:
        return Rectification.objects.none()
    return (
        Rectification.objects.filter(
            school__in=schools_visible_to(user).values("pk"), status=RectificationStatus.ANSWERED
        )
        .select_related("school")
        .order_by("deadline", "pk")
    )


def overdue_rectifications(*, on: datetime.date | None = None) -> QuerySet[Rectification]:
    """Every overdue demand of the area, for the bureau's daily digest."""
    return (
        Rectification.objects.overdue(on)
        .select_related("school", "institution")
        .order_by("deadline", "school__code", "pk")
    )


def rectification_counts_by_status(*, user: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Counts for the filter tabs of the list: one query."""
    day = today or timezone.localdate()
    row = rectifications_visible_to(user=user).aggregate(
        open=Count("pk", filter=~Q(status=RectificationStatus.ACCEPTED)),
        answered=Count("pk", filter=Q(status=RectificationStatus.ANSWERED)),
        returned=Count("pk", filter=Q(status=RectificationStatus.RETURNED)),
        accepted=Count("pk", filter=Q(status=RectificationStatus.ACCEPTED)),
        overdue=Count("pk", filter=rectification_overdue_q(day)),
        all=Count("pk"),
    )
    return {key: int(value or 0) for key, value in row.items()}
