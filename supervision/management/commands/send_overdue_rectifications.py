import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from supervision.rectifications.notifications import send_overdue_digest


class Command(BaseCommand):
    help = "Send today's digest of overdue rectification demands to bureau staff (without Redis or a worker)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=datetime.date.fromisoformat, help="The day of the digest (YYYY-MM-DD).")
        parser.add_argument("--force", action="store_true", help="Send again even if the day's digest went out.")

    def handle(self, *args: Any, **options: Any) -> None:
        digest = send_overdue_digest(day=options["date"], force=options["force"])
        if digest is None:
            self.stdout.write(_("The digest for this day was already sent; use --force to send it again."))
            return
        self.stdout.write(
            _("Digest for %(day)s: %(n)s overdue demand(s), %(r)s recipient(s).")
            % {"day": digest.day.isoformat(), "n": digest.items, "r": digest.recipients}
        )
