from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        # Each subject registers its kinds of notice with the outbox's sweep.
        from supervision.complaints import notifications as complaint_notices
        from supervision.rectifications import notifications as rectification_notices

        del complaint_notices, rectification_notices
