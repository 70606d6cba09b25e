"""Roles of the portal's users and the bureau's section groups."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    BUREAU = "bureau", _("Bureau staff")
    PRINCIPAL = "principal", _("School account (principal)")
    SUPERVISOR = "supervisor", _("Responsible supervisor")


# The bureau's sections are data (Group rows), named as the bureau names them.
# Each gets the permissions its work needs; a clerk can widen them in the admin.
SECTION_SUPERVISION_OFFICE = "督导室"
SECTION_BASIC_EDUCATION = "基础教育科"
SECTION_DISCIPLINE = "监察室"
# Manages the portal's accounts; not a section that complaints are assigned to.
SECTION_ACCOUNTS = "系统管理员"

_SECTION_APPS: dict[str, dict[str, tuple[str, ...]]] = {
    # app label -> permission actions granted
    SECTION_SUPERVISION_OFFICE: {
        "schools": ("add", "change", "delete", "view"),
        "supervision": ("add", "change", "delete", "view"),
        "reports": ("add", "change", "delete", "view"),
        "jianfu": ("view",),
    },
    SECTION_BASIC_EDUCATION: {
        "schools": ("add", "change", "delete", "view"),
        "supervision": ("view",),
        "reports": ("add", "change", "view"),
    },
    SECTION_DISCIPLINE: {
        "schools": ("view",),
        "supervision": ("add", "change", "view"),
        "reports": ("view",),
    },
}

SECTIONS = tuple(_SECTION_APPS)

# Groups granted exact permissions (app label -> codenames) rather than
# actions over a whole app.
_GROUP_CODENAMES: dict[str, dict[str, tuple[str, ...]]] = {
    SECTION_ACCOUNTS: {
        "jianfu": ("create_account", "deactivate_account", "reset_account", "view_user"),
        "auth": ("view_group",),
        "schools": ("view_school",),
        "supervision": ("view_supervisor",),
    },
}

# The groups a staff account may be given in the portal.
STAFF_GROUPS = (*SECTIONS, SECTION_ACCOUNTS)


def ensure_bureau_groups(**kwargs: Any) -> None:
    """Create the section groups (and 系统管理员) and give them their permissions.

    Runs after every ``migrate``; adds what is missing and never removes a
    permission a clerk granted by hand."""
    from django.contrib.auth.models import Group, Permission

    for section, apps in _SECTION_APPS.items():
        group, _created = Group.objects.get_or_create(name=section)
        wanted = Permission.objects.none()
        for app_label, actions in apps.items():
            wanted = wanted | Permission.objects.filter(
                content_type__app_label=app_label,
                codename__regex=r"^(" + "|".join(actions) + r")_",
            )
        group.permissions.add(*wanted)
    for name, codenames in _GROUP_CODENAMES.items():
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codes in codenames.items():
            group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codes))
