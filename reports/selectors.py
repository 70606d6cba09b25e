from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from schools.models import Semester

from .exporters import EXPORTERS, Exporter, load_all
from .models import ReportJob, SchoolScore, ScoreRun


def exporters_for(user: Any) -> list[Exporter]:
    load_all()
    return [e for e in EXPORTERS.values() if e.allowed(user)]


def jobs_visible_to(user: Any) -> QuerySet[ReportJob]:
    """Bureau staff see every job (a colleague's notice is the bureau's
    notice); anyone else only their own."""
    if not getattr(user, "is_authenticated", False):
        return ReportJob.objects.none()
    qs = ReportJob.objects.select_related("requested_by")
    if user.is_bureau:
        return qs
    return qs.filter(requested_by=user)


def latest_run(*, semester: Semester) -> ScoreRun | None:
    return ScoreRun.objects.filter(scheme__semester=semester).order_by("-computed_at", "-pk").first()


def scores_of_run(*, run: ScoreRun) -> QuerySet[SchoolScore]:
    return run.scores.order_by("rank", "school__code")
