"""Celery tasks of surveys; thin wrappers over the services."""

from __future__ import annotations

from celery import shared_task

from . import services
from .models import SurveyRound


@shared_task(name="supervision.surveys.purge_rate_counters", ignore_result=True)
def purge_rate_counters() -> int:
    return services.rate_counters_purge()


@shared_task(name="supervision.surveys.rebuild_tallies", ignore_result=True)
def rebuild_tallies(round_id: int) -> int:
    return services.tallies_rebuild(survey_round=SurveyRound.objects.get(pk=round_id))
