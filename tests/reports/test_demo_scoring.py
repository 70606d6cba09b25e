"""The demo ships one published run for the last semester, a draft for the
current one, and a model-school selection in its public notice."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from reports.models import ModelSchoolRound, RoundStatus, RunStatus, SchoolScore, ScoreRun
from schools.models import Semester

pytestmark = pytest.mark.django_db


def test_demo_scores_runs_and_model_schools() -> None:
    call_command("demo_data")
    call_command("demo_data")  # twice: nothing doubles
    today = datetime.date.today()
    current = Semester.objects.current(today)
    last = Semester.objects.filter(end_date__lt=current.start_date).order_by("-start_date").first()
    assert ScoreRun.objects.get(scheme__semester=current).status == RunStatus.DRAFT
    published = ScoreRun.objects.get(scheme__semester=last)
    assert published.status == RunStatus.PUBLISHED and published.document_number
    round = ModelSchoolRound.objects.get()
    assert round.status == RoundStatus.PUBLICITY and round.publicity_start <= today <= round.publicity_end
    assert round.candidates.filter(included=True).exists()
    # The seed-001 policy: visit findings wait for confirmation, so few schools are vetoed.
    draft_scores = SchoolScore.objects.filter(run__scheme__semester=current)
    assert draft_scores.filter(vetoed=True).count() < 7
