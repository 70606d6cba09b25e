"""Writes of the schools app: the register import.

An import is a small state machine on :class:`ImportBatch`: a file without
errors becomes a PENDING batch (the preview); the clerk who uploaded it then
confirms it (APPLIED) or cancels it (CANCELLED). Confirming plans the kept
rows again against the register as it is then; if that plan has errors or
differs from the one the clerk saw, nothing is written and the batch becomes
OUTDATED. Each transition records who and when on the batch (a batch has one
transition in its life, so the batch row is its own event record)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.imports import CREATE, UPDATE, ImportPlan, RowError
from schools.models import ImportBatch, ImportStatus
from schools.register.imports import get_importer


class ImportRefused(ValidationError):
    """A transition of an import batch that is not allowed now."""

    def __init__(self, message: str, *, errors: list[RowError] | None = None) -> None:
        super().__init__(message)
        self.row_errors = errors or []


@dataclass
class ImportPreview:
    plan: ImportPlan
    batch: ImportBatch | None  # None when the file has errors: nothing is kept


@dataclass
class ImportOutcome:
    created: int
    updated: int
    accounts_created: list[str] = field(default_factory=list)


def register_import_preview(
    *, kind: str, upload: IO[bytes], by: Any, file_name: str = "", today: datetime.date | None = None
) -> ImportPreview:
    """Read and check an uploaded register file. Without errors, keep its
    rows as a PENDING batch for the clerk to confirm; with errors, keep
    nothing. Raises ValidationError when the file is not a usable workbook."""
    rows = get_importer(kind).read(upload)
    return register_import_preview_rows(kind=kind, rows=rows, by=by, file_name=file_name, today=today)


def register_import_preview_rows(
    *, kind: str, rows: list[dict[str, Any]], by: Any, file_name: str = "", today: datetime.date | None = None
) -> ImportPreview:
    """As :func:`register_import_preview`, for rows already read (each
    ``{"row": n, "values": {header: JSON value}}``)."""
    plan = get_importer(kind).plan(rows, today=today or timezone.localdate())
    batch = None
    if plan.ok:
        batch = ImportBatch.objects.create(
            kind=kind, file_name=file_name[:200], rows=rows, plan=_as_stored(plan), created_by=by
        )
    return ImportPreview(plan=plan, batch=batch)


def _as_stored(plan: ImportPlan) -> list[dict[str, Any]]:
    # The JSON round trip turns tuples into lists, as the database returns them.
    result: list[dict[str, Any]] = json.loads(json.dumps(plan.as_json()))
    return result


def _require_pending(batch: ImportBatch) -> None:
    if batch.status != ImportStatus.PENDING:
        raise ImportRefused(_("This import has already been applied or cancelled."))


def import_batch_apply(*, batch: ImportBatch, by: Any, today: datetime.date | None = None) -> ImportOutcome:
    """Confirm a PENDING batch: apply every row in one transaction, or, when
    the register changed since the preview, apply nothing, mark the batch
    OUTDATED and raise ImportRefused."""
    day = today or timezone.localdate()
    problem: str | None = None
    errors: list[RowError] = []
    outcome = ImportOutcome(created=0, updated=0)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _require_pending(locked)
        importer = get_importer(locked.kind)
        plan = importer.plan(locked.rows, today=day)
        if plan.errors:
            errors = plan.errors
            problem = "\n".join(str(e) for e in errors)
        elif _as_stored(plan) != locked.plan:
            problem = _("The rows would now do something else than the preview showed.")
        else:
            try:
                with transaction.atomic():
                    importer.apply(plan, by=by, today=day)
            except (IntegrityError, ValidationError) as exc:
                # Another change slipped in between the checks and the writes.
                problem = str(exc)
        if problem is None:
            locked.status = ImportStatus.APPLIED
            outcome = ImportOutcome(
                created=plan.count(CREATE),
                updated=plan.count(UPDATE),
                accounts_created=list(getattr(importer, "created_accounts", [])),
            )
        else:
            locked.status = ImportStatus.OUTDATED
            locked.note = problem
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "note", "decided_by", "decided_at"])
    batch.refresh_from_db()
    if problem is not None:
        raise ImportRefused(
            _(
                "The register changed since the preview, so nothing was saved. Upload the file again to see "
                "what it would do now."
            ),
            errors=errors,
        )
    return outcome


def import_batch_cancel(*, batch: ImportBatch, by: Any) -> None:
    """Drop a PENDING batch without applying it."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        _require_pending(locked)
        locked.status = ImportStatus.CANCELLED
        locked.decided_by = by
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
    batch.refresh_from_db()
