import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports.jobs.services import jobs_sweep


class Command(BaseCommand):
    help = (
        "Queue again the report jobs whose message was lost (waiting too long, or running with an expired lease) "
        "and fail those out of attempts: what Celery beat runs every minute. Without Redis the jobs run here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="SECONDS",
            help="Only waiting jobs requested at least this long ago (default 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = jobs_sweep(older_than=datetime.timedelta(seconds=options["older_than"]))
        self.stdout.write(f"{len(ids)}")
