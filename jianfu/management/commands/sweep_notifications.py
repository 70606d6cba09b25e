import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jianfu.outbox import SWEEP_OLDER_THAN, notifications_sweep


class Command(BaseCommand):
    help = (
        "Send every notice of the outbox (jianfu.outbox: complaint assignments, rectification demands and answers, "
        "pledge reminders, account links) that never went out (its task was lost while Redis was down): what "
        "Celery beat runs every five minutes. Prints the count."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(SWEEP_OLDER_THAN.total_seconds()),
            metavar="SECONDS",
            help="Only notices at least this old (default %(default)s), younger ones are left to their task.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_sweep(older_than=datetime.timedelta(seconds=options["older_than"]))
        self.stdout.write(f"{sent}")
