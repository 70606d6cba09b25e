from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The one loader of the reports' registries (reports.registry).
        from reports.registry import registries_load

        registries_load()
