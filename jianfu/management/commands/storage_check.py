from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jianfu.storage import StorageError, storage_bucket_create, storage_kind, storage_probe


class Command(BaseCommand):
    help = (
        "Check that the file storage (local MEDIA_ROOT or the S3 bucket) can be written, read and deleted; "
        "with --create-bucket, create a missing bucket first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--create-bucket", action="store_true", help="create the bucket if it does not exist")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["create_bucket"] and storage_bucket_create():
                self.stdout.write("bucket created")
            storage_probe()
        except StorageError as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            # botocore's errors (unknown endpoint, refused keys) say enough by themselves.
            raise CommandError(f"storage check failed: {exc}") from exc
        self.stdout.write(f"storage ok ({storage_kind()})")
