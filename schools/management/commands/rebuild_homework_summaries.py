"""Rebuild the homework summaries (作业汇总) from the class-days: after a
change of the caps in the settings, or to check the incremental upkeep."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from schools.homework.services import homework_summaries_rebuild


class Command(BaseCommand):
    help = "Rebuild every homework summary from the class-days (run after changing HOMEWORK_WRITTEN_CAP_*)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=200, help="Schools per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = homework_summaries_rebuild(batch=options["batch"])
        self.stdout.write(f"{rows} homework summary rows written.")
