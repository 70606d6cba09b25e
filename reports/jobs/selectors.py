from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from reports import registry
from reports.exports.base import Exporter
from reports.models import ReportJob


def exporters_for(*, user: Any) -> list[Exporter]:
    return [e for e in registry.exporters.values() if e.allowed(user)]


def jobs_visible_to(*, user: Any) -> QuerySet[ReportJob]:
    """Bureau staff see every job (a colleague's notice is the bureau's
    notice); anyone else only their own."""
    if not getattr(user, "is_authenticated", False):
        return ReportJob.objects.none()
    qs = ReportJob.objects.select_related("requested_by")
    if user.is_bureau:
        return qs
    return qs.filter(requested_by=user)
