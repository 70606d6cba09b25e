"""Django's admin discovers ``reports.admin``; each subject registers its own
models in its ``admin`` module."""

from reports.jobs import admin as jobs_admin
from reports.modelschools import admin as modelschools_admin
from reports.scoring import admin as scoring_admin

__all__ = ["jobs_admin", "modelschools_admin", "scoring_admin"]
