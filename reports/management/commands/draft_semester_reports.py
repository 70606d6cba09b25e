from typing import Any

from django.core.management.base import BaseCommand

from reports.jobs.services import semester_reports_draft


class Command(BaseCommand):
    help = "Draft the ranking and the notice of a semester that has just ended (what Celery beat runs daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = semester_reports_draft()
        self.stdout.write(f"{len(jobs)}")
