"""Django's admin discovers ``supervision.admin``; each subject registers its
own models in its ``admin`` module."""

from supervision.checklist import admin as checklist_admin
from supervision.complaints import admin as complaints_admin
from supervision.districts import admin as districts_admin
from supervision.institutions import admin as institutions_admin
from supervision.rectifications import admin as rectifications_admin
from supervision.surveys import admin as surveys_admin
from supervision.visits import admin as visits_admin

__all__ = [
    "checklist_admin",
    "complaints_admin",
    "districts_admin",
    "institutions_admin",
    "rectifications_admin",
    "surveys_admin",
    "visits_admin",
]
