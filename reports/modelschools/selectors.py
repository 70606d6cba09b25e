"""Reads about model-school selections."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from reports.models import ModelSchoolCandidate, ModelSchoolRound, RoundStatus


def modelschool_rounds_visible_to(*, user: Any) -> QuerySet[ModelSchoolRound]:
    """Bureau staff see every round; nobody else works on them."""
    if not getattr(user, "is_authenticated", False) or not user.is_bureau:
        return ModelSchoolRound.objects.none()
    return ModelSchoolRound.objects.select_related("school_year")


def modelschool_list(*, round: ModelSchoolRound) -> QuerySet[ModelSchoolCandidate]:
    """The schools on the round's list, by code."""
    return round.candidates.filter(included=True).select_related("school").order_by("school__code")


def modelschool_titles(*, school: Any) -> list[tuple[str, str]]:
    """(title, school year) of every final selection that named the school:
    what its public sign page shows."""
    return [
        (title, year)
        for title, year in ModelSchoolCandidate.objects.filter(
            school=school, included=True, round__status=RoundStatus.FINAL
        )
        .order_by("-round__school_year__start_date")
        .values_list("round__title", "round__school_year__name")
    ]
