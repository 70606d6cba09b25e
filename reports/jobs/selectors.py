from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from reports.exports import load_all
from reports.exports.base import EXPORTERS, Exporter
from reports.models import ReportJob


def exporters_for(user: Any) -> list[Exporter]:
    load_all()
    return [e for e in EXPORTERS.values() if e.allowed(user)]


def jobs_visible_to(user: Any) -> QuerySet[ReportJob]:
    """Bureau staff see every job (a colleague's notice is the bureau's
    notice); anyone else only their own."""
    if not getattr(user, "is_authenticated", False):
        return ReportJob.objects.none()
    qs = ReportJob.objects.select_related("requested_by")
    if user.is_bureau:
        return qs
    return qs.filter(requested_by=user)
