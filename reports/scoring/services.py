"""Score runs: computing one is an explicit step (bureau staff press a
button; a task computes and stores the run). Reports only read stored runs."""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from reports.models import PublishedNotice, RunStatus, ScoreRun, ScoringScheme, VetoConfirmation, VetoDecisionState
from reports.scoring.errors import ScoringError
from schools.models import Semester
from supervision.models import ItemResult, VisitItemResult

log = logging.getLogger(__name__)

COMPUTE_PERMISSION = "reports.add_scorerun"


def _enqueue(scheme_id: int, user_id: int | None) -> None:
    from reports.scoring.tasks import compute_score_run

    try:
        compute_score_run.apply_async(args=(scheme_id, user_id), retry=False)
    except Exception:  # the broker's errors are many (kombu, redis, socket)
        log.warning("could not queue the score run of scheme %s", scheme_id, exc_info=True)


def score_run_may_compute(*, user: Any) -> bool:
    """Bureau staff whose section may add score runs."""
    return bool(getattr(user, "is_authenticated", False) and user.is_bureau and user.has_perm(COMPUTE_PERMISSION))


def score_run_request(*, semester: Semester, by: Any) -> ScoringScheme:
    """Queue the computation of a new run of the semester's scheme (after
    commit). Only bureau staff holding the permission may; audited."""
    if not score_run_may_compute(user=by):
        raise ScoringError(_("You may not compute scores."))
    scheme = ScoringScheme.objects.filter(semester=semester).first()
    if scheme is None:
        raise ScoringError(_("No scoring scheme is set up for %(semester)s.") % {"semester": semester})
    audit_record(action=AuditAction.CREATE, obj=scheme, note=_("Score computation requested"), user=by)
    transaction.on_commit(partial(_enqueue, scheme.pk, by.pk))
    return scheme


PUBLISH_PERMISSION = "reports.change_scorerun"
VETO_PERMISSION = "reports.add_vetoconfirmation"


def score_run_may_publish(*, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_bureau and user.has_perm(PUBLISH_PERMISSION))


def score_run_publish(*, run: ScoreRun, document_number: str, by: Any, reason: str = "") -> ScoreRun:
    """Publish a draft run under the notice's document number (文号). If
    the semester already has a published run, this one is a correction: a
    reason is required and the earlier run becomes superseded. The notice is
    then generated from this run and archived (after commit, in a task)."""
    if not score_run_may_publish(user=by):
        raise ScoringError(_("You may not publish scores."))
    document_number = document_number.strip()
    reason = reason.strip()
    if not document_number:
        raise ScoringError(_("Give the document number (文号) of the notice."))
    with transaction.atomic():
        run = ScoreRun.objects.select_for_update().get(pk=run.pk)
        if not run.is_draft:
            raise ScoringError(_("Only a draft can be published."))
        # One document number, one notice: the archive of notices lists each
        # published run's (superseded ones too) by its number. Locking every
        # scheme (one a semester: a handful of rows) serialises publications
        # of different semesters, and the numbers are read by a later
        # statement, so the second of two publications sees the first one's.
        # Compared after trimming: numbers may have been stored untrimmed.
        list(ScoringScheme.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        used = (
            ScoreRun.objects.exclude(status=RunStatus.DRAFT)
            .exclude(pk=run.pk)
            .values_list("document_number", flat=True)
        )
        if any(number.strip() == document_number for number in used):
            raise ScoringError(
                _("The document number %(number)s was used for another published notice: give the notice's own.")
                % {"number": document_number}
            )
        previous = (
            ScoreRun.objects.select_for_update().filter(scheme_id=run.scheme_id, status=RunStatus.PUBLISHED).first()
        )
        if previous is not None:
            if not reason:
                raise ScoringError(
                    _("The semester's results were published already: give the reason for this correction.")
                )
            previous.status = RunStatus.SUPERSEDED
            previous.save(update_fields=["status"])
            audit_record(action=AuditAction.TRANSITION, obj=previous, note=_("Superseded by a correction"), user=by)
            run.supersedes = previous
            run.correction_reason = reason
        run.status = RunStatus.PUBLISHED
        run.document_number = document_number
        run.published_at = timezone.now()
        run.published_by = by
        run.save()
        audit_record(
            action=AuditAction.TRANSITION,
            obj=run,
            changes={"status": [RunStatus.DRAFT.value, RunStatus.PUBLISHED.value], "document_number": document_number},
            note=_("Score run published"),
            user=by,
        )
        transaction.on_commit(partial(_enqueue_notice, run.pk))
    return run


def _enqueue_notice(run_id: int) -> None:
    from reports.scoring.tasks import archive_notice

    try:
        archive_notice.apply_async(args=(run_id,), retry=False)
    except Exception:  # the broker's errors are many; sweep_notices catches up
        log.warning("could not queue the notice of score run %s", run_id, exc_info=True)


def notice_archive(*, run_id: int) -> PublishedNotice | None:
    """Generate the published run's notice PDF and keep it (once)."""
    from django.core.files.base import ContentFile

    from reports.exports.base import get_exporter

    run = ScoreRun.objects.select_related("scheme__semester__school_year").get(pk=run_id)
    if run.status == RunStatus.DRAFT or PublishedNotice.objects.filter(run=run).exists():
        return None
    exporter = get_exporter("semester_notice_pdf")
    params = {"semester": run.scheme.semester_id, "run": run.pk, "document_number": run.document_number}
    with translation.override(settings.LANGUAGE_CODE):
        filename, _mimetype, data = exporter.render(params, user=None)
        title = _("Notice on burden-reduction supervision in %(semester)s") % {"semester": run.scheme.semester}
    with transaction.atomic():
        if PublishedNotice.objects.select_for_update().filter(run=run).exists():
            return None
        notice = PublishedNotice(run=run, document_number=run.document_number, title=title)
        notice.file.save(filename, ContentFile(data), save=False)
        notice.save()
    return notice


def notices_sweep() -> int:
    """Archive the notices of published runs that have none yet (a lost
    task message). Returns how many were made."""
    made = 0
    for run_id in ScoreRun.objects.exclude(status=RunStatus.DRAFT).filter(notice=None).values_list("pk", flat=True):
        made += notice_archive(run_id=run_id) is not None
    return made


def veto_may_decide(*, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_bureau and user.has_perm(VETO_PERMISSION))


def veto_decide(
    *, visit_result: VisitItemResult, state: str, reason: str, decided_on: datetime.date | None, by: Any
) -> VetoConfirmation:
    """Bureau staff confirm, or withdraw, the veto a visit's finding
    proposed, with a reason and a date. Audited. Takes effect in the next
    score run; published runs keep the decisions they were computed with."""
    if not veto_may_decide(user=by):
        raise ScoringError(_("You may not decide on vetoes."))
    if state not in VetoDecisionState.values:
        raise ScoringError(_("Choose to confirm or to withdraw the veto."))
    reason = reason.strip()
    if not reason:
        raise ScoringError(_("Give the reason for the decision."))
    if decided_on is None:
        raise ScoringError(_("Give the date of the decision."))
    if decided_on > timezone.localdate():
        raise ScoringError(_("The date of the decision cannot be in the future."))
    # The veto follows from the visit's finding: a decision dated before the
    # visit would be printed as such in the notice and the ranking.
    if decided_on < visit_result.visit.date:
        raise ScoringError(
            _("The date of the decision cannot be before the visit (%(date)s) that found it.")
            % {"date": visit_result.visit.date.isoformat()}
        )
    if visit_result.result != ItemResult.NON_COMPLIANT:
        raise ScoringError(_("Only an item found non-compliant can lead to a veto."))
    # Withdrawing a veto nobody confirmed yet is recorded too: the finding then no longer waits.
    existing = VetoConfirmation.objects.filter(visit_result=visit_result).first()
    before = {"state": existing.state, "reason": existing.reason} if existing else {}
    decision, _created = VetoConfirmation.objects.update_or_create(
        visit_result=visit_result,
        defaults={"state": state, "reason": reason, "decided_on": decided_on, "decided_by": by},
    )
    audit_record(
        action=AuditAction.TRANSITION,
        obj=decision,
        changes={"before": before, "after": {"state": state, "reason": reason, "decided_on": str(decided_on)}},
        note=str(VetoDecisionState(state).label),
        user=by,
    )
    return decision
