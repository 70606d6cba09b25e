"""Recompute the summary rows of survey rounds from their responses and
paper tallies (after a restore, or to check the incremental upkeep)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from supervision.surveys.models import SurveyRound
from supervision.surveys.services import tallies_rebuild


class Command(BaseCommand):
    help = "Recompute the survey summary rows of one round (--round) or of every round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, help="id of the round; every round if omitted")

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = SurveyRound.objects.all()
        if options.get("round"):
            rounds = rounds.filter(pk=options["round"])
        for survey_round in rounds.order_by("pk"):
            count = tallies_rebuild(survey_round=survey_round)
            self.stdout.write(f"{survey_round.pk} {survey_round}: {count} responses")
