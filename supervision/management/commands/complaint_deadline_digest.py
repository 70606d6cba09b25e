"""Send the daily e-mail of overdue and due-soon complaint cases without
Celery (what the beat schedule runs every morning)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from supervision.complaints.tasks import complaint_deadline_digest


class Command(BaseCommand):
    help = "E-mail the overdue and due-soon complaint cases (once per day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="The day to report on, YYYY-MM-DD (default today).")

    def handle(self, *args: Any, **options: Any) -> None:
        sent = complaint_deadline_digest.run(options.get("date"))
        self.stdout.write(f"{sent} e-mail(s) sent")
