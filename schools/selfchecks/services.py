"""Writes about self-check rounds and self-checks.

The self-check state machine::

    draft ──submit──▶ submitted ──accept──▶ accepted (locked)
                        │   ▲
                   return   resubmit
                        ▼   │
                      returned

The school edits its answers and evidence only in ``draft`` and
``returned``; every transition is one function below that checks the
current state and the actor, records who and when, and writes a
:class:`~schools.models.SelfCheckEvent`. A refused transition raises
:class:`SelfCheckError` with a message for the user.

Timeliness is measured on the first submission, on the local (Asia/Shanghai)
calendar day: submitted on or before the round's closing day is on time."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.documents import check_document
from schools.models import (
    PeriodKind,
    School,
    SelfCheck,
    SelfCheckAction,
    SelfCheckEvent,
    SelfCheckEvidence,
    SelfCheckItemResult,
    SelfCheckRound,
    SelfCheckStatus,
    Semester,
)
from supervision.models import ItemResult, SupervisionItem

MB = 1024 * 1024
# Results that need an explanation: what falls short, and why an item does
# not apply.
EXPLANATION_REQUIRED = (ItemResult.MOSTLY, ItemResult.NON_COMPLIANT, ItemResult.NOT_APPLICABLE)


class SelfCheckError(ValidationError):
    """A self-check action that is not allowed, with a message for the user."""


def _require_bureau(by: Any) -> None:
    if not getattr(by, "is_bureau", False):
        raise SelfCheckError(_("Only bureau staff may do this."))


def _require_school_account(*, school_id: int, by: Any) -> None:
    if not (getattr(by, "is_principal", False) and by.school_id == school_id):
        raise SelfCheckError(_("Only the school's own account may fill in its self-check."))


@transaction.atomic
def selfcheck_round_create(
    *,
    title: str,
    period_kind: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    items: Iterable[SupervisionItem],
    schools: Iterable[School],
    by: Any,
    month: datetime.date | None = None,
    semester: Semester | None = None,
    instructions: str = "",
) -> SelfCheckRound:
    """Open a round: the period it checks, the items, the open and close
    dates, the schools that must report."""
    _require_bureau(by)
    items = list(items)
    schools = list(schools)
    if not items:
        raise SelfCheckError(_("Choose at least one supervision item."))
    if not schools:
        raise SelfCheckError(_("Choose at least one school."))
    round_ = SelfCheckRound(
        title=title.strip(),
        period_kind=period_kind,
        month=month.replace(day=1) if (month and period_kind == PeriodKind.MONTH) else None,
        semester=semester if period_kind == PeriodKind.SEMESTER else None,
        opens_on=opens_on,
        closes_on=closes_on,
        instructions=instructions.strip(),
        created_by=by,
    )
    round_.full_clean()
    round_.save()
    round_.items.set(items)
    round_.schools.set(schools)
    return round_


def selfcheck_round_items(*, round: SelfCheckRound) -> QuerySet[SupervisionItem]:
    """The round's items in checklist order."""
    return round.items.order_by("order", "code")


@transaction.atomic
def selfcheck_start(*, round: SelfCheckRound, school: School, by: Any) -> SelfCheck:
    """The school's self-check of the round, created as a draft on first use.
    Refused before the round opens and for a school outside the round."""
    _require_school_account(school_id=school.pk, by=by)
    if not round.schools.filter(pk=school.pk).exists():
        raise SelfCheckError(_("This school is not part of this self-check round."))
    if timezone.localdate() < round.opens_on:
        raise SelfCheckError(_("This round opens on %(date)s.") % {"date": round.opens_on})
    selfcheck, _created = SelfCheck.objects.get_or_create(round=round, school=school)
    return selfcheck


def _locked(selfcheck: SelfCheck) -> SelfCheck:
    """Re-read the self-check (the caller's instance) under a row lock, so
    that two requests cannot both pass the state check."""
    selfcheck.refresh_from_db(from_queryset=SelfCheck.objects.select_for_update())
    return selfcheck


def _check_editable(selfcheck: SelfCheck) -> None:
    if selfcheck.status == SelfCheckStatus.ACCEPTED:
        raise SelfCheckError(_("This self-check has been accepted and is locked."))
    if selfcheck.status == SelfCheckStatus.SUBMITTED:
        raise SelfCheckError(_("This self-check has been submitted and is awaiting review; it cannot be changed now."))


def _result_row(selfcheck: SelfCheck, item: SupervisionItem) -> SelfCheckItemResult:
    row, _created = SelfCheckItemResult.objects.get_or_create(
        selfcheck=selfcheck, item=item, defaults={"item_code": item.code, "item_title": item.title}
    )
    return row


@transaction.atomic
def selfcheck_save_draft(
    *, selfcheck: SelfCheck, answers: Mapping[int, tuple[str, str]], by: Any
) -> list[SelfCheckItemResult]:
    """Save the school's answers, ``{item_id: (result, explanation)}``, for
    items of the round; an empty result is allowed in a draft. Each row takes
    the item's current code and title: the wording the school answered."""
    _require_school_account(school_id=selfcheck.school_id, by=by)
    selfcheck = _locked(selfcheck)
    _check_editable(selfcheck)
    items = {item.pk: item for item in selfcheck_round_items(round=selfcheck.round)}
    existing = {row.item_id: row for row in selfcheck.results.all()}
    saved: list[SelfCheckItemResult] = []
    for item_id, (result, explanation) in answers.items():
        item = items.get(item_id)
        if item is None:
            raise SelfCheckError(_("An answer names an item that is not part of this round."))
        if result and result not in ItemResult.values:
            raise SelfCheckError(_("Unknown result."))
        row = existing.get(item_id) or SelfCheckItemResult(selfcheck=selfcheck, item=item)
        row.item_code = item.code
        row.item_title = item.title
        row.result = result or ""
        row.explanation = (explanation or "").strip()
        row.save()
        saved.append(row)
    selfcheck.save(update_fields=["updated_at"])
    return saved


@transaction.atomic
def selfcheck_add_evidence(
    *, selfcheck: SelfCheck, item: SupervisionItem, upload: UploadedFile, by: Any
) -> SelfCheckEvidence:
    """Attach an evidence file (a PDF that parses, or an image, re-encoded
    without metadata) to one item of the self-check."""
    _require_school_account(school_id=selfcheck.school_id, by=by)
    selfcheck = _locked(selfcheck)
    _check_editable(selfcheck)
    if not selfcheck.round.items.filter(pk=item.pk).exists():
        raise SelfCheckError(_("This item is not part of this round."))
    row = _result_row(selfcheck, item)
    limit = settings.SELFCHECK_EVIDENCE_MAX_FILES
    if row.evidence.count() >= limit:
        raise SelfCheckError(_("At most %(n)s files per item.") % {"n": limit})
    checked = check_document(upload, max_bytes=settings.SELFCHECK_EVIDENCE_MAX_MB * MB)
    evidence = SelfCheckEvidence(
        item_result=row,
        content_type=checked.content_type,
        original_name=checked.original_name,
        size=checked.size,
        uploaded_by=by,
    )
    evidence.file.save(checked.content.name or "evidence", checked.content, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def selfcheck_remove_evidence(*, evidence: SelfCheckEvidence, by: Any) -> None:
    selfcheck = evidence.item_result.selfcheck
    _require_school_account(school_id=selfcheck.school_id, by=by)
    _check_editable(_locked(selfcheck))
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _missing_answers(selfcheck: SelfCheck) -> list[str]:
    """What stops a submission: items without a result, and results that
    need an explanation without one."""
    rows = {row.item_id: row for row in selfcheck.results.all()}
    problems: list[str] = []
    for item in selfcheck_round_items(round=selfcheck.round):
        row = rows.get(item.pk)
        if row is None or not row.result:
            problems.append(_("Item %(code)s has no result.") % {"code": item.code})
        elif row.result in EXPLANATION_REQUIRED and not row.explanation:
            problems.append(_("Item %(code)s needs an explanation for its result.") % {"code": item.code})
    return problems


def _event(selfcheck: SelfCheck, *, action: str, from_status: str, by: Any, comment: str = "") -> None:
    SelfCheckEvent.objects.create(
        selfcheck=selfcheck,
        action=action,
        from_status=from_status,
        to_status=selfcheck.status,
        by=by,
        comment=comment,
        at=timezone.now(),
    )


@transaction.atomic
def selfcheck_submit(*, selfcheck: SelfCheck, by: Any) -> SelfCheck:
    """draft → submitted, or returned → submitted (a resubmission). Every
    item needs a result, and a result short of compliant an explanation. The
    first submission fixes the self-check's timeliness."""
    _require_school_account(school_id=selfcheck.school_id, by=by)
    selfcheck = _locked(selfcheck)
    if selfcheck.status not in (SelfCheckStatus.DRAFT, SelfCheckStatus.RETURNED):
        raise SelfCheckError(
            _("A self-check that is %(status)s cannot be submitted.") % {"status": selfcheck.get_status_display()}
        )
    problems = _missing_answers(selfcheck)
    if problems:
        raise SelfCheckError(problems)
    now = timezone.now()
    previous = selfcheck.status
    if selfcheck.first_submitted_at is None:
        selfcheck.first_submitted_at = now
        selfcheck.first_submitted_on = timezone.localdate(now)
    selfcheck.submitted_at = now
    selfcheck.submitted_by = by
    selfcheck.status = SelfCheckStatus.SUBMITTED
    selfcheck.save()
    action = SelfCheckAction.RESUBMITTED if previous == SelfCheckStatus.RETURNED else SelfCheckAction.SUBMITTED
    _event(selfcheck, action=action, from_status=previous, by=by)
    return selfcheck


@transaction.atomic
def selfcheck_return(*, selfcheck: SelfCheck, by: Any, comment: str) -> SelfCheck:
    """submitted → returned, with the comments the school must address."""
    _require_bureau(by)
    selfcheck = _locked(selfcheck)
    if selfcheck.status != SelfCheckStatus.SUBMITTED:
        raise SelfCheckError(
            _("Only a submitted self-check can be returned; this one is %(status)s.")
            % {"status": selfcheck.get_status_display()}
        )
    if not comment.strip():
        raise SelfCheckError(_("Say what the school must revise."))
    previous = selfcheck.status
    selfcheck.status = SelfCheckStatus.RETURNED
    selfcheck.reviewed_at = timezone.now()
    selfcheck.reviewed_by = by
    selfcheck.review_comment = comment.strip()
    selfcheck.save()
    _event(selfcheck, action=SelfCheckAction.RETURNED, from_status=previous, by=by, comment=comment.strip())
    return selfcheck


@transaction.atomic
def selfcheck_accept(*, selfcheck: SelfCheck, by: Any, comment: str = "") -> SelfCheck:
    """submitted → accepted. An accepted self-check is locked for good."""
    _require_bureau(by)
    selfcheck = _locked(selfcheck)
    if selfcheck.status != SelfCheckStatus.SUBMITTED:
        raise SelfCheckError(
            _("Only a submitted self-check can be accepted; this one is %(status)s.")
            % {"status": selfcheck.get_status_display()}
        )
    previous = selfcheck.status
    selfcheck.status = SelfCheckStatus.ACCEPTED
    selfcheck.reviewed_at = timezone.now()
    selfcheck.reviewed_by = by
    selfcheck.review_comment = comment.strip()
    selfcheck.save()
    _event(selfcheck, action=SelfCheckAction.ACCEPTED, from_status=previous, by=by, comment=comment.strip())
    return selfcheck
