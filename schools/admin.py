"""Django's admin discovers ``schools.admin``; each subject registers its own
models in its ``admin`` module."""

from schools.afterschool import admin as afterschool_admin
from schools.calendar import admin as calendar_admin
from schools.fivemanagement import admin as fivemanagement_admin
from schools.homework import admin as homework_admin
from schools.pledges import admin as pledges_admin
from schools.register import admin as register_admin
from schools.selfchecks import admin as selfchecks_admin

__all__ = [
    "afterschool_admin",
    "calendar_admin",
    "fivemanagement_admin",
    "homework_admin",
    "pledges_admin",
    "register_admin",
    "selfchecks_admin",
]
