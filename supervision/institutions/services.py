"""Writes of the institutions subject: the register, the status state
machine, review campaigns, inspections with rectification demands, and the
public lists.

The status state machine (one service per transition)::

    registered ──start_review──▶ under_review ──confirm──▶ registered
        │  ▲                        │
        │  └──────confirm───────────┤ order_rectification
        ▼                           ▼
    rectifying ◀──order_rectification──
    (any of the three) ──cancel──▶ cancelled (压减, final)
    (any of the three, subject kind) ──convert──▶ converted (non-subject)
    converted ──start_review / order_rectification / cancel──▶ …

Each transition locks the row, checks the current status against the table
:data:`TRANSITIONS`, records from, to, who, when and why in an
:class:`InstitutionEvent`, and raises :class:`InstitutionError` with a
Chinese message when it is not allowed."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DateField, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.audit import audit_bulk_created, audit_bulk_update
from supervision.errors import SupervisionError
from supervision.models import (
    FeeStandard,
    InspectionResult,
    InstitutionEvent,
    InstitutionInspection,
    InstitutionKind,
    InstitutionStatus,
    ListEntry,
    ListKind,
    Rectification,
    RectificationAction,
    RectificationEvent,
    ReviewCampaign,
    ReviewOutcome,
    ReviewOutcomeKind,
    SupervisoryDistrict,
    TrainingInstitution,
)

from .checks import contact_phone_error, fee_approved_error, licence_issued_error, listed_on_error, normalize_phone
from .credit_code import credit_code_error, normalize_credit_code
from .models import CUT_OUTCOMES, NON_SUBJECT_KINDS, OPERATING_STATUSES

St = InstitutionStatus


class InstitutionError(SupervisionError):
    """A rule of the institutions subject refuses what was asked."""


# Which status may follow which. Cancelled is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    St.REGISTERED: (St.UNDER_REVIEW, St.RECTIFYING, St.CANCELLED, St.CONVERTED),
    St.UNDER_REVIEW: (St.REGISTERED, St.RECTIFYING, St.CANCELLED, St.CONVERTED),
    St.RECTIFYING: (St.REGISTERED, St.UNDER_REVIEW, St.CANCELLED, St.CONVERTED),
    St.CONVERTED: (St.UNDER_REVIEW, St.RECTIFYING, St.CANCELLED),
    St.CANCELLED: (),
}


def _require_bureau(by: Any) -> None:
    if not (getattr(by, "is_authenticated", False) and by.is_bureau):
        raise InstitutionError(_("Only bureau staff may do this."))


def _locked(institution: TrainingInstitution) -> TrainingInstitution:
    return TrainingInstitution.objects.select_for_update(of=("self",)).get(pk=institution.pk)


def _transition(
    institution: TrainingInstitution,
    *,
    to: str,
    by: Any,
    reason: str,
    reason_required: bool = False,
    extra: dict[str, Any] | None = None,
) -> TrainingInstitution:
    """Move ``institution`` to ``to`` if the table allows it; call inside a
    transaction."""
    _require_bureau(by)
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise InstitutionError(_("Give the reason for this change."))
    row = _locked(institution)
    if to not in TRANSITIONS[row.status]:
        raise InstitutionError(
            _("“%(name)s” is %(status)s: it cannot become %(to)s.")
            % {"name": row.name, "status": row.get_status_display(), "to": St(to).label}
        )
    before = row.status
    row.status = to
    row.status_since = timezone.now()
    for field, value in (extra or {}).items():
        setattr(row, field, value)
    row.save()
    InstitutionEvent.objects.create(institution=row, from_status=before, to_status=to, by=by, reason=reason)
    for field in ("status", "status_since", *(extra or {})):
        setattr(institution, field, getattr(row, field))
    return institution


@transaction.atomic
def institution_start_review(*, institution: TrainingInstitution, by: Any, reason: str = "") -> TrainingInstitution:
    """registered, rectifying or converted → under review."""
    return _transition(institution, to=St.UNDER_REVIEW, by=by, reason=reason)


@transaction.atomic
def institution_order_rectification(*, institution: TrainingInstitution, by: Any, reason: str) -> TrainingInstitution:
    """registered, under review or converted → rectifying, with the reason."""
    return _transition(institution, to=St.RECTIFYING, by=by, reason=reason, reason_required=True)


@transaction.atomic
def institution_confirm(*, institution: TrainingInstitution, by: Any, reason: str = "") -> TrainingInstitution:
    """under review or rectifying → registered: the institution may go on."""
    return _transition(institution, to=St.REGISTERED, by=by, reason=reason)


@transaction.atomic
def institution_cancel(
    *, institution: TrainingInstitution, by: Any, reason: str, on: datetime.date | None = None
) -> TrainingInstitution:
    """Any status but cancelled → cancelled (注销, 压减), final. Its white-list
    entry ends the same day."""
    _transition(institution, to=St.CANCELLED, by=by, reason=reason, reason_required=True)
    day = on or timezone.localdate()
    audit_bulk_update(
        ListEntry.objects.filter(institution=institution, kind=ListKind.WHITE, removed_on__isnull=True),
        # An entry ends on or after the day it starts: one dated after the
        # cancellation (possible before such dates were refused) ends on its
        # own first day, so it is never public.
        removed_on=Greatest(F("listed_on"), Value(day, output_field=DateField())),
        removal_reason=reason.strip(),
    )
    return institution


@transaction.atomic
def institution_convert(
    *, institution: TrainingInstitution, by: Any, new_kind: str, reason: str
) -> TrainingInstitution:
    """A subject-training institution → converted to non-subject training
    (体育, 文化艺术 or 科技), with its new kind."""
    if new_kind not in NON_SUBJECT_KINDS:
        raise InstitutionError(_("Choose the non-subject kind the institution converts to."))
    current = TrainingInstitution.objects.values_list("kind", flat=True).get(pk=institution.pk)
    if current != InstitutionKind.SUBJECT:
        raise InstitutionError(_("Only a subject-training institution can be converted to non-subject training."))
    return _transition(
        institution, to=St.CONVERTED, by=by, reason=reason, reason_required=True, extra={"kind": new_kind}
    )


TRANSITION_SERVICES = {
    St.UNDER_REVIEW: institution_start_review,
    St.RECTIFYING: institution_order_rectification,
    St.REGISTERED: institution_confirm,
    St.CANCELLED: institution_cancel,
}


# --- the register -----------------------------------------------------------------


@dataclass
class InstitutionData:
    name: str
    credit_code: str
    kind: str
    address: str = ""
    district: SupervisoryDistrict | None = None
    licence_number: str = ""
    licence_issued_on: datetime.date | None = None
    licence_expires_on: datetime.date | None = None
    insurance_policy: str = ""
    insurance_expires_on: datetime.date | None = None
    premises: str = ""
    premises_area: Decimal | None = None
    capacity: int | None = None
    contact_phone: str = ""
    internal_note: str = ""


FIELDS = tuple(InstitutionData.__dataclass_fields__)


def _check(data: InstitutionData, *, pk: int | None) -> None:
    data.name = data.name.strip()
    data.credit_code = normalize_credit_code(data.credit_code)
    if not data.name:
        raise InstitutionError(_("An institution needs its name."))
    message = credit_code_error(data.credit_code)
    if message:
        raise InstitutionError(message)
    same_code = TrainingInstitution.objects.filter(credit_code=data.credit_code)
    if pk is not None:
        same_code = same_code.exclude(pk=pk)
    if same_code.exists():
        raise InstitutionError(
            _("Another institution of the register already has the code %(code)s.") % {"code": data.credit_code}
        )
    if data.kind not in InstitutionKind.values:
        raise InstitutionError(_("Choose the kind of training."))
    if data.licence_issued_on and data.licence_expires_on and data.licence_expires_on < data.licence_issued_on:
        raise InstitutionError(_("The licence cannot expire before it was issued."))
    message = licence_issued_error(data.licence_issued_on)
    if message:
        raise InstitutionError(message)
    data.contact_phone = normalize_phone(data.contact_phone)
    message = contact_phone_error(data.contact_phone) if data.contact_phone else None
    if message:
        raise InstitutionError(message)


@transaction.atomic
def institution_create(*, data: InstitutionData, by: Any) -> TrainingInstitution:
    """Put an institution on the register, status registered."""
    _require_bureau(by)
    _check(data, pk=None)
    institution = TrainingInstitution.objects.create(**{f: getattr(data, f) for f in FIELDS})
    InstitutionEvent.objects.create(
        institution=institution, from_status="", to_status=institution.status, by=by, reason=_("Registered")
    )
    return institution


@transaction.atomic
def institution_update(*, institution: TrainingInstitution, data: InstitutionData, by: Any) -> TrainingInstitution:
    """Change the register data (never the status: that has its services).
    A kind change to or from subject training goes through conversion."""
    _require_bureau(by)
    _check(data, pk=institution.pk)
    row = _locked(institution)
    if data.kind != row.kind and InstitutionKind.SUBJECT in (data.kind, row.kind):
        raise InstitutionError(_("A subject-training institution changes to non-subject training only by conversion."))
    for f in FIELDS:
        setattr(row, f, getattr(data, f))
        setattr(institution, f, getattr(data, f))
    row.save()
    return institution


@dataclass(frozen=True)
class FeeRow:
    course: str
    unit: str
    amount: Decimal
    approved_on: datetime.date


@transaction.atomic
def institution_fees_set(*, institution: TrainingInstitution, rows: Sequence[FeeRow], by: Any) -> None:
    """Replace the approved fee standards of an institution."""
    _require_bureau(by)
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if not row.course.strip() or not row.unit.strip():
            raise InstitutionError(_("Each fee standard needs a course and what it is charged per."))
        if row.amount < 0:
            raise InstitutionError(_("A fee cannot be negative."))
        message = fee_approved_error(row.approved_on)
        if message:
            raise InstitutionError(message)
        key = (row.course.strip(), row.unit.strip())
        if key in seen:
            raise InstitutionError(_("The course “%(course)s” is listed twice.") % {"course": row.course})
        seen.add(key)
    FeeStandard.objects.filter(institution=institution).delete()
    created = FeeStandard.objects.bulk_create(
        [
            FeeStandard(
                institution=institution,
                course=r.course.strip(),
                unit=r.unit.strip(),
                amount=r.amount,
                approved_on=r.approved_on,
            )
            for r in rows
        ]
    )
    audit_bulk_created(created)


# --- review campaigns --------------------------------------------------------------


@transaction.atomic
def review_campaign_create(*, name: str, started_on: datetime.date, by: Any, description: str = "") -> ReviewCampaign:
    _require_bureau(by)
    name = name.strip()
    if not name:
        raise InstitutionError(_("A review campaign needs a name."))
    if ReviewCampaign.objects.filter(name=name).exists():
        raise InstitutionError(_("A review campaign of this name exists already."))
    return ReviewCampaign.objects.create(
        name=name, started_on=started_on, description=description.strip(), created_by=by
    )


def _open_campaign(campaign: ReviewCampaign) -> ReviewCampaign:
    row = ReviewCampaign.objects.select_for_update().get(pk=campaign.pk)
    if row.closed_on is not None:
        raise InstitutionError(_("The review campaign “%(name)s” is closed.") % {"name": row.name})
    return row


@transaction.atomic
def review_campaign_enrol(*, campaign: ReviewCampaign, institutions: Iterable[TrainingInstitution], by: Any) -> int:
    """Put institutions under review in the campaign. Each moves to under
    review (registered, rectifying or converted ones); returns how many were
    enrolled. An institution already in the campaign is refused."""
    _require_bureau(by)
    _open_campaign(campaign)
    count = 0
    for institution in institutions:
        if ReviewOutcome.objects.filter(campaign=campaign, institution=institution).exists():
            raise InstitutionError(_("“%(name)s” is already in this review campaign.") % {"name": institution.name})
        institution_start_review(
            institution=institution, by=by, reason=_("Review campaign: %(name)s") % {"name": campaign.name}
        )
        ReviewOutcome.objects.create(campaign=campaign, institution=institution, by=by)
        count += 1
    return count


OUTCOME_STATUS = {
    ReviewOutcomeKind.KEEP: St.REGISTERED,
    ReviewOutcomeKind.RECTIFY: St.RECTIFYING,
    ReviewOutcomeKind.CANCEL: St.CANCELLED,
    ReviewOutcomeKind.CONVERT: St.CONVERTED,
}


@transaction.atomic
def review_outcome_record(
    *,
    campaign: ReviewCampaign,
    institution: TrainingInstitution,
    outcome: str,
    by: Any,
    reason: str = "",
    new_kind: str = "",
    on: datetime.date | None = None,
) -> ReviewOutcome:
    """Decide the campaign's outcome for an enrolled institution under review
    and move it accordingly: keep → registered, rectify → rectifying, cancel
    → cancelled, convert → converted (to ``new_kind``)."""
    _require_bureau(by)
    _open_campaign(campaign)
    try:
        kind = ReviewOutcomeKind(outcome)
    except ValueError as exc:
        raise InstitutionError(_("Choose the outcome: keep, rectify, cancel or convert.")) from exc
    row = ReviewOutcome.objects.select_for_update().filter(campaign=campaign, institution=institution).first()
    if row is None:
        raise InstitutionError(_("“%(name)s” is not in this review campaign.") % {"name": institution.name})
    if row.outcome:
        raise InstitutionError(
            _("The outcome for “%(name)s” is already decided: %(outcome)s.")
            % {"name": institution.name, "outcome": row.get_outcome_display()}
        )
    if TrainingInstitution.objects.values_list("status", flat=True).get(pk=institution.pk) != St.UNDER_REVIEW:
        raise InstitutionError(_("“%(name)s” is no longer under review.") % {"name": institution.name})
    note = reason.strip() or _("Review campaign: %(name)s") % {"name": campaign.name}
    if kind == ReviewOutcomeKind.CONVERT:
        institution_convert(institution=institution, by=by, new_kind=new_kind, reason=note)
    elif kind == ReviewOutcomeKind.CANCEL:
        institution_cancel(institution=institution, by=by, reason=note, on=on)
    elif kind == ReviewOutcomeKind.RECTIFY:
        institution_order_rectification(institution=institution, by=by, reason=note)
    else:
        institution_confirm(institution=institution, by=by, reason=note)
    row.outcome = kind
    row.reason = reason.strip()
    row.decided_on = on or timezone.localdate()
    row.by = by
    row.save()
    return row


@transaction.atomic
def review_campaign_close(*, campaign: ReviewCampaign, by: Any, on: datetime.date | None = None) -> ReviewCampaign:
    """Close a campaign once every enrolled institution has its outcome."""
    _require_bureau(by)
    row = _open_campaign(campaign)
    pending = ReviewOutcome.objects.filter(campaign=row, outcome="").count()
    if pending:
        raise InstitutionError(_("%(n)s institutions of this campaign have no outcome yet.") % {"n": pending})
    day = on or timezone.localdate()
    if day < row.started_on:
        raise InstitutionError(_("A campaign cannot close before it started."))
    row.closed_on = day
    row.save(update_fields=["closed_on"])
    campaign.closed_on = day
    return campaign


@dataclass(frozen=True)
class ReductionFigures:
    """The reduction figures of a campaign (压减): institutions reviewed
    (with an outcome), cut (cancelled or converted), and the rate as a
    whole percent."""

    reviewed: int
    cut: int
    kept: int
    rectifying: int

    @property
    def rate(self) -> Decimal | None:
        """cut / reviewed in percent, rounded half up to a whole percent, as
        the bureau's summary writes it: 21 / 32 = 65.625 % → 66 %."""
        if not self.reviewed:
            return None
        return (Decimal(self.cut) * 100 / Decimal(self.reviewed)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate}%"


def reduction_figures(*, counts: dict[str, int]) -> ReductionFigures:
    """Figures from outcome counts ({outcome: n}); pending ("") not counted."""
    return ReductionFigures(
        reviewed=sum(n for k, n in counts.items() if k),
        cut=sum(counts.get(k, 0) for k in CUT_OUTCOMES),
        kept=counts.get(ReviewOutcomeKind.KEEP, 0),
        rectifying=counts.get(ReviewOutcomeKind.RECTIFY, 0),
    )


# --- inspections and rectification demands ---------------------------------------


@dataclass(frozen=True)
class Demand:
    title: str
    description: str
    deadline: datetime.date


def institution_rectification_raise(
    *,
    institution: TrainingInstitution,
    title: str,
    description: str,
    deadline: datetime.date,
    by: Any,
    inspection: InstitutionInspection | None = None,
    source_note: str = "",
) -> Rectification:
    """A rectification demand (整改) to a training institution. It is the
    same :class:`Rectification` as a school's: answered (bureau staff record
    the institution's answer, institutions have no accounts), verified by
    bureau staff through :mod:`supervision.rectifications.services`."""
    _require_bureau(by)
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise InstitutionError(_("A rectification demand needs a title."))
    if not description:
        raise InstitutionError(_("Say what must be corrected."))
    if deadline < timezone.localdate():
        raise InstitutionError(_("The deadline cannot be in the past."))
    rectification = Rectification.objects.create(
        institution=institution,
        inspection=inspection,
        title=title[:200],
        description=description,
        deadline=deadline,
        source_note=source_note[:200],
        raised_by=by,
    )
    RectificationEvent.objects.create(
        rectification=rectification,
        action=RectificationAction.RAISED,
        from_status="",
        to_status=rectification.status,
        by=by,
        note=source_note,
    )
    return rectification


@transaction.atomic
def institution_inspection_record(
    *,
    institution: TrainingInstitution,
    date: datetime.date,
    inspectors: str,
    result: str,
    findings: str,
    by: Any,
    demands: Sequence[Demand] = (),
) -> InstitutionInspection:
    """Record an inspection; with problems found, its findings are required
    and each demand becomes a rectification demand to the institution."""
    _require_bureau(by)
    inspectors, findings = inspectors.strip(), findings.strip()
    if date > timezone.localdate():
        raise InstitutionError(_("An inspection cannot be in the future."))
    if not inspectors:
        raise InstitutionError(_("Name the inspectors."))
    if result not in InspectionResult.values:
        raise InstitutionError(_("Choose the result of the inspection."))
    if result == InspectionResult.PROBLEMS and not findings:
        raise InstitutionError(_("Describe the problems found."))
    if demands and result != InspectionResult.PROBLEMS:
        raise InstitutionError(_("Only an inspection that found problems demands rectification."))
    if institution.status == St.CANCELLED:
        raise InstitutionError(_("A cancelled institution is not inspected."))
    inspection = InstitutionInspection.objects.create(
        institution=institution, date=date, inspectors=inspectors, result=result, findings=findings, by=by
    )
    for demand in demands:
        if demand.deadline < date:
            raise InstitutionError(_("The deadline cannot be before the inspection."))
        institution_rectification_raise(
            institution=institution,
            title=demand.title,
            description=demand.description,
            deadline=demand.deadline,
            by=by,
            inspection=inspection,
            source_note=_("Inspection of %(date)s") % {"date": date.isoformat()},
        )
    return inspection


# --- the public lists ------------------------------------------------------------------


@transaction.atomic
def list_entry_add(
    *,
    institution: TrainingInstitution,
    kind: str,
    by: Any,
    listed_on: datetime.date | None = None,
    reason: str = "",
    internal_note: str = "",
) -> ListEntry:
    """A draft entry on the white or black list; public once published. A
    black-list entry needs the reason the public reads; a white-list entry
    only for an institution allowed to operate. The institution's current
    entry, if any, ends the day before the new one."""
    _require_bureau(by)
    reason, internal_note = reason.strip(), internal_note.strip()
    day = listed_on or timezone.localdate()
    if kind not in ListKind.values:
        raise InstitutionError(_("Choose the white list or the black list."))
    if kind == ListKind.BLACK and not reason:
        raise InstitutionError(_("Give the reason for the black-listing; the public reads it."))
    message = listed_on_error(day)
    if message:
        raise InstitutionError(message)
    row = _locked(institution)
    if kind == ListKind.WHITE and row.status not in OPERATING_STATUSES:
        raise InstitutionError(_("A cancelled institution cannot be on the white list."))
    current = ListEntry.objects.select_for_update().filter(institution=row, removed_on__isnull=True).first()
    if current is not None:
        if current.kind == kind:
            raise InstitutionError(_("The institution is already on this list."))
        if day < current.listed_on:
            # The current entry ends the day the new one starts: never before its own start.
            raise InstitutionError(
                _("The institution's current entry was listed on %(date)s; the new entry cannot start before it.")
                % {"date": f"{current.listed_on:%Y-%m-%d}"}
            )
        current.removed_on = day
        current.removal_reason = _("Moved to the other list")
        current.save(update_fields=["removed_on", "removal_reason"])
    try:
        with transaction.atomic():
            return ListEntry.objects.create(
                institution=row, kind=kind, listed_on=day, reason=reason, internal_note=internal_note, by=by
            )
    except IntegrityError as exc:
        raise InstitutionError(_("The institution is already on a list.")) from exc


@transaction.atomic
def list_entry_publish(*, entry: ListEntry, by: Any) -> ListEntry:
    """Make a draft entry public."""
    _require_bureau(by)
    row = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if row.published:
        raise InstitutionError(_("This entry is already published."))
    if row.removed_on is not None:
        raise InstitutionError(_("A removed entry cannot be published."))
    row.published, row.published_at = True, timezone.now()
    row.save(update_fields=["published", "published_at"])
    entry.published, entry.published_at = row.published, row.published_at
    return entry


@transaction.atomic
def list_entry_remove(*, entry: ListEntry, by: Any, reason: str, on: datetime.date | None = None) -> ListEntry:
    """Take an institution off its list (e.g. a black-listing lifted)."""
    _require_bureau(by)
    if not reason.strip():
        raise InstitutionError(_("Give the reason for the removal."))
    row = ListEntry.objects.select_for_update().get(pk=entry.pk)
    if row.removed_on is not None:
        raise InstitutionError(_("This entry was already removed."))
    day = on or timezone.localdate()
    if day < row.listed_on:
        raise InstitutionError(_("An entry cannot end before it was listed."))
    row.removed_on, row.removal_reason = day, reason.strip()
    row.save(update_fields=["removed_on", "removal_reason"])
    entry.removed_on, entry.removal_reason = row.removed_on, row.removal_reason
    return entry
