from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class JianfuConfig(AppConfig):
    default = True
    name = "jianfu"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from jianfu import audit, signals
        from jianfu.accounts import services as account_services  # registers sign-in links with the outbox
        from jianfu.roles import ensure_bureau_groups
        from jianfu.validators import install_single_line_validators

        del account_services
        audit.connect()
        signals.connect()
        install_single_line_validators()

        # Permissions are created app by app in post_migrate, so the section
        # groups are topped up after every app's (the function is idempotent).
        post_migrate.connect(ensure_bureau_groups, dispatch_uid="jianfu_bureau_groups")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "jianfu.admin_site.PortalAdminSite"
