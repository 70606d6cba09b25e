from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Each subject registers its kinds of notice with the outbox's sweep.
        from supervision.complaints import notifications as complaint_notices
        from supervision.rectifications import notifications as rectification_notices

        # The visit coverage summary follows the rows it counts.
        from supervision.visits import signals as coverage_signals

        del complaint_notices, rectification_notices, coverage_signals

        # The cached public complaint form follows the rows it shows.
        from supervision.complaints.public_page import connect_signals

        connect_signals()
        # The time limits kept in the cache follow the working-day calendar.
        from supervision.workdays.calendar import connect_signals as connect_calendar_signals

        connect_calendar_signals()
