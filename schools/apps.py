from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = _("School register")

    def ready(self) -> None:
        # Pledge reminders are notices of the outbox's sweep.
        from schools.pledges import notifications as pledge_notices

        del pledge_notices
