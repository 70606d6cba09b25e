"""Reads of the schools app: register exports and import batches."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from jianfu.scoping import schools_visible_to
from schools.models import ImportBatch, School
from schools.register.imports import get_importer, schools_with_register_data, supervisors_with_register_data
from supervision.models import Supervisor


def register_schools_for_export(*, user: Any, on: datetime.date | None = None) -> QuerySet[School]:
    """The active schools ``user`` may see, with their register data; three
    queries whatever their number."""
    day = on or timezone.localdate()
    return schools_with_register_data(schools_visible_to(user, on=day).filter(active=True), today=day).order_by("code")


def register_supervisors_for_export(*, user: Any, on: datetime.date | None = None) -> QuerySet[Supervisor]:
    """Active supervisors with their account and current assignments (two
    queries). Only bureau staff keep the supervisor register."""
    day = on or timezone.localdate()
    if not getattr(user, "is_bureau", False):
        return Supervisor.objects.none()
    return supervisors_with_register_data(Supervisor.objects.filter(active=True), today=day).order_by("name", "pk")


def register_export(*, kind: str, user: Any, on: datetime.date | None = None) -> bytes:
    """The register list of ``kind`` as an .xlsx in the import template's
    format, so that it re-imports unchanged."""
    day = on or timezone.localdate()
    importer = get_importer(kind)
    importer.today = day
    objects: QuerySet[Any] = (
        register_schools_for_export(user=user, on=day)
        if kind == "schools"
        else register_supervisors_for_export(user=user, on=day)
    )
    return importer.workbook(objects)


def register_template(*, kind: str) -> bytes:
    return get_importer(kind).workbook()


def import_batches_of(*, user: Any, limit: int = 10) -> list[ImportBatch]:
    """The latest batches ``user`` uploaded."""
    if not getattr(user, "is_bureau", False):
        return []
    return list(ImportBatch.objects.filter(created_by=user).select_related("decided_by")[:limit])


def import_batch_get_visible(*, user: Any, pk: int) -> ImportBatch:
    """A batch its uploader may see; 404 for anybody else."""
    batch = ImportBatch.objects.filter(pk=pk, created_by_id=getattr(user, "pk", None)).first()
    if batch is None or not getattr(user, "is_bureau", False):
        raise Http404
    return batch
