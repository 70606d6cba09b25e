"""Reads about score runs: which run a page or a report shows."""

from __future__ import annotations

from django.db.models import QuerySet

from reports.models import SchoolScore, ScoreRun
from schools.models import Semester


def score_run_latest(*, semester: Semester) -> ScoreRun | None:
    """The semester's most recent stored run, or None."""
    return ScoreRun.objects.filter(scheme__semester=semester).order_by("-computed_at", "-pk").first()


def score_runs_of_semester(*, semester: Semester) -> QuerySet[ScoreRun]:
    return ScoreRun.objects.filter(scheme__semester=semester).order_by("-computed_at", "-pk")


def scores_of_run(*, run: ScoreRun) -> QuerySet[SchoolScore]:
    return run.scores.order_by("rank", "school__code")
