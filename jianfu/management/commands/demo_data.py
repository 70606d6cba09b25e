from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jianfu.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load (or refresh) the demo district: schools, districts, supervisors and accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        summary = build_demo()
        self.stdout.write(
            _("Demo data ready: %(schools)s schools, %(districts)s districts, %(supervisors)s supervisors.")
            % {"schools": summary.schools, "districts": summary.districts, "supervisors": summary.supervisors}
        )
        self.stdout.write(_("Demo sign-ins (password for all: %(password)s):") % {"password": DEMO_PASSWORD})
        shown = {"bureau", "school01", "school02", "sup01", "sup04"}
        for username, who in summary.accounts:
            if username in shown:
                self.stdout.write(f"  {username:<10} {who}")
        self.stdout.write(_("  … school01-school31 for every school, sup01-sup46 for every supervisor."))
