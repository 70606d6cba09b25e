"""The annual model-school selection (减负提质示范校评选): candidates proposed
by the round's rules from the two semesters' published score runs, bureau
staff add or remove schools with reasons, decide, publish the list for a
public-notice period (公示) and then make it final. Every step is audited."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from reports.models import ModelSchoolCandidate, ModelSchoolRound, RoundStatus, RunStatus, SchoolScore
from reports.scoring.errors import ScoringError
from schools.models import School, SchoolYear, Semester
from supervision.complaints.models import SUBSTANTIATED_OUTCOMES
from supervision.models import ComplaintCase, Liability, Visit

PERMISSION = "reports.change_modelschoolround"


def modelschool_may_manage(*, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_bureau and user.has_perm(PERMISSION))


def _check(user: Any) -> None:
    if not modelschool_may_manage(user=user):
        raise ScoringError(_("You may not manage the model-school selection."))


def _months(start: datetime.date, end: datetime.date) -> list[tuple[int, int]]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def modelschool_findings(*, round: ModelSchoolRound) -> dict[int, tuple[list[dict[str, Any]], list[str]]]:
    """Per active school: its scores in the two semesters' published runs
    and the rules it does not meet. A fixed number of queries."""
    semesters = list(Semester.objects.filter(school_year=round.school_year).order_by("term"))
    schools = list(School.objects.filter(active=True).order_by("code").values_list("pk", flat=True))
    scores: dict[tuple[int, int], SchoolScore] = {
        (s.run.scheme.semester_id, s.school_id): s
        for s in SchoolScore.objects.filter(
            run__status=RunStatus.PUBLISHED, run__scheme__semester__in=semesters
        ).select_related("run__scheme")
    }
    year = round.school_year
    liable = set(
        ComplaintCase.objects.filter(
            outcome__in=SUBSTANTIATED_OUTCOMES,
            liability=Liability.WHOLE_SCHOOL,
            concluded_at__date__gte=year.start_date,
            concluded_at__date__lte=year.end_date,
        ).values_list("school_id", flat=True)
    )
    today = timezone.localdate()
    wanted_months = {
        m for s in semesters if s.start_date <= today for m in _months(s.start_date, min(s.end_date, today))
    }
    visited: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for school_id, day in Visit.objects.filter(
        date__gte=min((s.start_date for s in semesters), default=year.start_date),
        date__lte=max((s.end_date for s in semesters), default=year.end_date),
    ).values_list("school_id", "date"):
        visited[school_id].add((day.year, day.month))
    out: dict[int, tuple[list[dict[str, Any]], list[str]]] = {}
    for school_id in schools:
        rows: list[dict[str, Any]] = []
        findings: list[str] = []
        for semester in semesters:
            score = scores.get((semester.pk, school_id))
            if score is None:
                findings.append(_("%(semester)s: no published score") % {"semester": semester})
                continue
            rows.append(
                {
                    "semester": str(semester),
                    "score": str(score.score) if score.score is not None else None,
                    "rank": score.rank,
                    "vetoed": score.vetoed,
                }
            )
            if score.score is None or score.score < round.min_score:
                findings.append(
                    _("%(semester)s: score %(score)s below %(min)s")
                    % {
                        "semester": semester,
                        "score": score.score if score.score is not None else "—",
                        "min": round.min_score,
                    }
                )
            if round.require_no_veto and score.vetoed:
                findings.append(_("%(semester)s: one-vote veto") % {"semester": semester})
        if len(semesters) < 2:
            findings.append(_("the school year has fewer than two semesters"))
        if round.require_no_school_liability_complaint and school_id in liable:
            findings.append(_("a substantiated complaint with school liability"))
        if round.require_visit_coverage and wanted_months - visited[school_id]:
            findings.append(
                _("not visited in %(n)s month(s) of the school year") % {"n": len(wanted_months - visited[school_id])}
            )
        out[school_id] = (rows, findings)
    return out


def modelschool_round_create(
    *, school_year: SchoolYear, by: Any, min_score: Decimal | None = None, title: str = ""
) -> ModelSchoolRound:
    """Open the school year's round and propose its candidates."""
    _check(by)
    if ModelSchoolRound.objects.filter(school_year=school_year).exists():
        raise ScoringError(_("This school year has a model-school selection already."))
    round = ModelSchoolRound(school_year=school_year, created_by=by)
    if min_score is not None:
        round.min_score = min_score
    if title.strip():
        round.title = title.strip()
    with transaction.atomic():
        round.save()
        modelschool_candidates_propose(round=round, by=by)
    return round


def modelschool_candidates_propose(*, round: ModelSchoolRound, by: Any) -> int:
    """(Re)compute the candidates by the rules while the round is open;
    staff's own additions and removals (with reasons) are kept."""
    _check(by)
    if round.status != RoundStatus.PROPOSED:
        raise ScoringError(_("Candidates can only be proposed before the decision."))
    findings = modelschool_findings(round=round)
    existing = {c.school_id: c for c in round.candidates.all()}
    proposed = 0
    for school_id, (rows, found) in findings.items():
        candidate = existing.get(school_id) or ModelSchoolCandidate(round=round, school_id=school_id)
        candidate.proposed = not found
        candidate.scores = rows
        candidate.findings = found
        if not candidate.reason:  # staff's decision with a reason stands
            candidate.included = candidate.proposed
        candidate.save()
        proposed += candidate.proposed
    audit_record(action=AuditAction.UPDATE, obj=round, note=_("Candidates proposed by the rules"), user=by)
    return proposed


def modelschool_candidate_set(*, candidate: ModelSchoolCandidate, included: bool, reason: str, by: Any) -> None:
    """Staff add a school to the list or remove it, always with a reason:
    before the decision, or during the public notice (an objection upheld)."""
    _check(by)
    reason = reason.strip()
    if not reason:
        raise ScoringError(_("Give the reason for adding or removing the school."))
    round = candidate.round
    if round.status not in (RoundStatus.PROPOSED, RoundStatus.PUBLICITY):
        raise ScoringError(_("The list cannot be changed at this stage."))
    if round.status == RoundStatus.PUBLICITY and included:
        raise ScoringError(_("During the public notice schools can only be removed."))
    before = {"included": candidate.included, "reason": candidate.reason}
    candidate.included = included
    candidate.reason = reason
    candidate.save(update_fields=["included", "reason"])
    audit_record(
        action=AuditAction.UPDATE,
        obj=candidate,
        changes={"before": before, "after": {"included": included, "reason": reason}},
        user=by,
    )


def modelschool_round_decide(*, round: ModelSchoolRound, by: Any) -> None:
    _check(by)
    if round.status != RoundStatus.PROPOSED:
        raise ScoringError(_("Only a round with proposed candidates can be decided."))
    if not round.candidates.filter(included=True).exists():
        raise ScoringError(_("The list is empty: add at least one school."))
    round.status = RoundStatus.DECIDED
    round.decided_at = timezone.now()
    round.save(update_fields=["status", "decided_at"])
    audit_record(action=AuditAction.TRANSITION, obj=round, note=str(RoundStatus.DECIDED.label), user=by)


def modelschool_round_publish(
    *, round: ModelSchoolRound, start: datetime.date | None, end: datetime.date | None, document_number: str, by: Any
) -> None:
    """Publish the decided list for its public notice (公示) from ``start``
    to ``end``."""
    _check(by)
    if round.status != RoundStatus.DECIDED:
        raise ScoringError(_("Only a decided list can be published."))
    if start is None or end is None:
        raise ScoringError(_("Give the first and the last day of the public notice."))
    if end < start:
        raise ScoringError(_("The public notice ends before it starts."))
    round.status = RoundStatus.PUBLICITY
    round.publicity_start = start
    round.publicity_end = end
    round.document_number = document_number.strip()
    round.save(update_fields=["status", "publicity_start", "publicity_end", "document_number"])
    audit_record(action=AuditAction.TRANSITION, obj=round, note=str(RoundStatus.PUBLICITY.label), user=by)


def modelschool_round_finalise(*, round: ModelSchoolRound, by: Any, today: datetime.date | None = None) -> None:
    """After the public notice has ended, the list is final."""
    _check(by)
    today = today or timezone.localdate()
    if round.status != RoundStatus.PUBLICITY:
        raise ScoringError(_("Only a list in public notice can be made final."))
    if round.publicity_end is None or today <= round.publicity_end:
        raise ScoringError(_("The public notice has not ended yet."))
    round.status = RoundStatus.FINAL
    round.finalised_at = timezone.now()
    round.save(update_fields=["status", "finalised_at"])
    audit_record(action=AuditAction.TRANSITION, obj=round, note=str(RoundStatus.FINAL.label), user=by)
