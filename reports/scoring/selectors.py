from __future__ import annotations

from django.db.models import QuerySet

from reports.models import SchoolScore, ScoreRun
from schools.models import Semester


def latest_run(*, semester: Semester) -> ScoreRun | None:
    return ScoreRun.objects.filter(scheme__semester=semester).order_by("-computed_at", "-pk").first()


def scores_of_run(*, run: ScoreRun) -> QuerySet[SchoolScore]:
    return run.scores.order_by("rank", "school__code")
