from typing import Any

from django.core.management.base import BaseCommand

from reports.scoring.services import notices_sweep


class Command(BaseCommand):
    help = (
        "Archive the notice of every published score run that has none yet (its task message was lost): "
        "what Celery beat runs every 15 minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{notices_sweep()}")
