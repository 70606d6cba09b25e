"""The rectification state machine (整改闭环).

::

    open ──answer──▶ answered ──accept──▶ accepted (closed)
                        │  ▲
                 return │  │ answer
                        ▼  │
                      returned

Each transition is one function that checks the actor and the current state
under a row lock, records who, when and why in a :class:`RectificationEvent`,
and raises :class:`SupervisionError` when it is not allowed. E-mails go out
after the commit, through Celery tasks that are safe to run twice."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.outbox import publish_after_commit
from jianfu.scoping import schools_visible_to
from jianfu.uploads import pdf_without_active_content, reencode_image
from schools.models import School
from supervision.errors import SupervisionError
from supervision.models import (
    EvidenceKind,
    ItemResult,
    Rectification,
    RectificationAction,
    RectificationAnswer,
    RectificationEvent,
    RectificationEvidence,
    RectificationStatus,
    Visit,
    VisitItemResult,
)
from supervision.rectifications.selectors import user_may_answer, user_may_review

MB = 1024 * 1024


IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/heic")


def _event(
    rectification: Rectification,
    *,
    action: str,
    from_status: str,
    by: Any,
    note: str = "",
    visit: Visit | None = None,
) -> RectificationEvent:
    return RectificationEvent.objects.create(
        rectification=rectification,
        action=action,
        from_status=from_status,
        to_status=rectification.status,
        by=by,
        note=note,
        visit=visit,
    )


def _may_raise(by: Any, school: School) -> bool:
    if not getattr(by, "is_authenticated", False):
        return False
    if by.is_bureau:
        return True
    return bool(by.is_supervisor and schools_visible_to(by).filter(pk=school.pk).exists())


def raise_without_notice(
    *,
    school: School,
    title: str,
    description: str,
    deadline: datetime.date,
    by: Any,
    visit_item: VisitItemResult | None = None,
    source_note: str = "",
) -> Rectification:
    """:func:`rectification_raise` without enqueueing the principal's e-mail;
    a visit raising several demands sends one e-mail for all of them."""
    title = (title or "").strip()
    description = (description or "").strip()
    if not _may_raise(by, school):
        raise SupervisionError(_("You may not raise a rectification demand for this school."))
    if not title:
        raise SupervisionError(_("A rectification demand needs a title."))
    if not description:
        raise SupervisionError(_("Say what must be corrected."))
    if deadline < timezone.localdate():
        raise SupervisionError(_("The deadline cannot be in the past."))
    visit: Visit | None = None
    if visit_item is not None:
        visit = visit_item.visit
        if visit.school_id != school.pk:
            raise SupervisionError(_("The visit item belongs to a visit of another school."))
        if visit_item.result != ItemResult.NON_COMPLIANT:
            raise SupervisionError(_("Only a non-compliant item can raise a rectification demand."))
        if deadline < visit.date:
            raise SupervisionError(_("The deadline cannot be before the visit."))
        if Rectification.objects.filter(visit_item=visit_item).exists():
            raise SupervisionError(_("This item of the visit already has a rectification demand."))
    rectification = Rectification.objects.create(
        school=school,
        visit=visit,
        visit_item=visit_item,
        title=title[:200],
        description=description,
        deadline=deadline,
        source_note=(source_note or "")[:200],
        raised_by=by,
    )
    _event(rectification, action=RectificationAction.RAISED, from_status="", by=by, note=source_note or "")
    return rectification


def notify_raised_on_commit(*, rectification_ids: Sequence[int]) -> None:
    if not rectification_ids:
        return
    from supervision.rectifications.tasks import notify_rectifications_raised

    publish_after_commit(notify_rectifications_raised, list(rectification_ids))


@transaction.atomic
def rectification_raise(
    *,
    school: School,
    title: str,
    description: str,
    deadline: datetime.date,
    by: Any,
    visit_item: VisitItemResult | None = None,
    source_note: str = "",
) -> Rectification:
    """Demand that ``school`` correct something by ``deadline``.

    ``by`` is bureau staff or a supervisor responsible for the school. From a
    visit, pass the non-compliant ``visit_item`` (one demand per item); from
    elsewhere (a substantiated complaint case), leave it out and say where
    the demand comes from in ``source_note`` (e.g. the case number). The
    school's principal is e-mailed after the commit. Raises SupervisionError."""
    rectification = raise_without_notice(
        school=school,
        title=title,
        description=description,
        deadline=deadline,
        by=by,
        visit_item=visit_item,
        source_note=source_note,
    )
    notify_raised_on_commit(rectification_ids=[rectification.pk])
    return rectification


def _locked(rectification: Rectification) -> Rectification:
    return Rectification.objects.select_for_update().get(pk=rectification.pk)


def evidence_content(*, upload: UploadedFile) -> tuple[ContentFile, str]:
    """Check one evidence upload and return what to store: images re-encoded
    as JPEG without metadata, PDFs written anew without scripts, actions or
    embedded files. Anything else is refused."""
    max_bytes = settings.RECTIFICATION_EVIDENCE_MAX_MB * MB
    if upload.size is not None and upload.size > max_bytes:
        raise SupervisionError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": settings.RECTIFICATION_EVIDENCE_MAX_MB}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        try:
            data = pdf_without_active_content(upload.read(max_bytes + 1))
        except ValidationError as exc:
            raise SupervisionError(exc.messages[0]) from exc
        return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf"), EvidenceKind.PDF
    try:
        return reencode_image(upload, max_bytes=max_bytes), EvidenceKind.IMAGE
    except ValidationError as exc:
        raise SupervisionError(_("Evidence must be a photo or a PDF document.")) from exc


@transaction.atomic
def rectification_answer(
    *,
    rectification: Rectification,
    by: Any,
    plan: str,
    evidence: Iterable[UploadedFile] = (),
) -> RectificationAnswer:
    """The school answers a demand that is open or was returned: its plan
    and the measures taken, with evidence files. Moves it to answered and
    e-mails the responsible supervisors after the commit."""
    plan = (plan or "").strip()
    files = list(evidence)
    if not user_may_answer(user=by, rectification=rectification):
        raise SupervisionError(_("Only the school's own account answers its rectification demands."))
    if not plan:
        raise SupervisionError(_("Describe the rectification plan and the measures taken."))
    if len(files) > settings.RECTIFICATION_EVIDENCE_MAX_FILES:
        raise SupervisionError(
            _("At most %(n)s evidence files per answer.") % {"n": settings.RECTIFICATION_EVIDENCE_MAX_FILES}
        )
    contents = [evidence_content(upload=f) for f in files]
    locked = _locked(rectification)
    if locked.status not in (RectificationStatus.OPEN, RectificationStatus.RETURNED):
        raise SupervisionError(
            _("This demand is %(status)s and cannot be answered now.") % {"status": locked.get_status_display()}
        )
    before = locked.status
    answer = RectificationAnswer.objects.create(rectification=locked, plan=plan, by=by)
    for content, kind in contents:
        RectificationEvidence.objects.create(answer=answer, file=content, kind=kind, size=content.size)
    locked.status = RectificationStatus.ANSWERED
    locked.save(update_fields=["status"])
    _event(locked, action=RectificationAction.ANSWERED, from_status=before, by=by, note=plan)
    rectification.status = locked.status

    from supervision.rectifications.tasks import notify_rectification_answered

    publish_after_commit(notify_rectification_answered, answer.pk)
    return answer


def _check_reviewable(rectification: Rectification, by: Any) -> Rectification:
    if not user_may_review(user=by, rectification=rectification):
        raise SupervisionError(_("Only a supervisor responsible for the school verifies its rectification."))
    locked = _locked(rectification)
    if locked.status != RectificationStatus.ANSWERED:
        raise SupervisionError(
            _("This demand is %(status)s; only an answered demand can be verified.")
            % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def rectification_accept(*, rectification: Rectification, by: Any, note: str = "") -> Rectification:
    """A responsible supervisor verifies the answer and closes the demand."""
    locked = _check_reviewable(rectification, by)
    locked.status = RectificationStatus.ACCEPTED
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["status", "closed_at", "closed_by"])
    _event(locked, action=RectificationAction.ACCEPTED, from_status=RectificationStatus.ANSWERED, by=by, note=note)
    rectification.status, rectification.closed_at, rectification.closed_by = locked.status, locked.closed_at, by
    return locked


@transaction.atomic
def rectification_return(*, rectification: Rectification, by: Any, reason: str) -> Rectification:
    """A responsible supervisor finds the answer insufficient and sends the
    demand back to the school, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise SupervisionError(_("Say why the answer is returned."))
    locked = _check_reviewable(rectification, by)
    locked.status = RectificationStatus.RETURNED
    locked.save(update_fields=["status"])
    _event(locked, action=RectificationAction.RETURNED, from_status=RectificationStatus.ANSWERED, by=by, note=reason)
    rectification.status = locked.status
    return locked


def rectification_checked_on_visit(*, rectification: Rectification, visit: Visit, by: Any, note: str = "") -> None:
    """Record that a follow-up visit (回访) checked this demand. The status
    does not change: closing needs the school's answer and an acceptance."""
    if rectification.school_id != visit.school_id:
        raise SupervisionError(_("A visit checks only the demands of the school it visited."))
    visit.checked_rectifications.add(rectification)
    _event(
        rectification,
        action=RectificationAction.CHECKED_ON_VISIT,
        from_status=rectification.status,
        by=by,
        note=note,
        visit=visit,
    )
