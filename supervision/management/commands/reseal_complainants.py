from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supervision.complaints.services import complainant_identities_reseal


class Command(BaseCommand):
    help = (
        "Re-encrypt every complainant's name and phone with the first key of FIELD_ENCRYPTION_KEY (after putting "
        "a new key first, before removing the old one) and recompute the phones' keyed hashes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        resealed, unreadable = complainant_identities_reseal()
        self.stdout.write(f"resealed {resealed}, unreadable {unreadable}")
        if unreadable:
            raise CommandError(
                f"{unreadable} case(s) could not be opened with any configured key: keep the old key in "
                "FIELD_ENCRYPTION_KEY until they are, and do not remove it."
            )
