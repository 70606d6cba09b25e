from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jianfu.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the uploaded files to one encrypted archive (.tar.gz under AES-256-GCM)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", nargs="?", help="archive path (default backups/jianfu-<time>.tar.gz.enc)")
        parser.add_argument(
            "--database-only",
            action="store_true",
            help="leave the stored files out (a bucket backed up by the object storage itself)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"] or f"backups/jianfu-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz.enc")
        try:
            manifest = backup(output, files=not options["database_only"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{output} ({manifest['database']}, {manifest['media_files']} files)")
