"""Writes about responsibility pledges (责任书) and public commitments.

Bureau staff publish pledge text versions and remind unsigned schools; a
school's pledge file (signature, signed copy, teacher pledges, commitment) is
kept by its principal or by bureau staff on the school's behalf."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jianfu.audit import audit_bulk_created
from jianfu.documents import check_document
from jianfu.models import User
from jianfu.outbox import publish_after_commit
from schools.models import PledgeReminder, PledgeText, School, SchoolPledge, SchoolYear
from schools.pledges.selectors import unsigned_schools

MB = 1024 * 1024
COMMITMENT_MAX_CHARS = 2000
# A second click on "remind" within this many minutes does not e-mail the
# same school again.
REMINDER_QUIET_MINUTES = 10


class PledgeError(ValidationError):
    """A pledge action that is not allowed, with a message for the user."""


def _check_acts_for(*, school: School, by: Any) -> None:
    """Bureau staff act for every school, a principal only for their own."""
    if getattr(by, "is_bureau", False):
        return
    if getattr(by, "is_principal", False) and by.school_id == school.pk:
        return
    raise PledgeError(_("You may not act for this school."))


@transaction.atomic
def pledge_text_publish(
    *, school_year: SchoolYear, title: str, body: str, bureau_signatory: str = "", by: Any
) -> PledgeText:
    """Publish a new version of the year's pledge text. Earlier versions stay
    as they were, and so do the pledges signed on them."""
    if not getattr(by, "is_bureau", False):
        raise PledgeError(_("Only bureau staff publish pledge texts."))
    if not body.strip() or not title.strip():
        raise PledgeError(_("A pledge text needs a title and a text."))
    # Lock the year so that two clerks publishing at once get versions n and n+1.
    SchoolYear.objects.select_for_update().filter(pk=school_year.pk).first()
    last = PledgeText.objects.filter(school_year=school_year).aggregate(v=Max("version"))["v"] or 0
    return PledgeText.objects.create(
        school_year=school_year,
        version=last + 1,
        title=title.strip(),
        body=body.strip(),
        bureau_signatory=bureau_signatory.strip(),
        created_by=by,
    )


def _pledge_for_update(*, school: School, school_year: SchoolYear) -> SchoolPledge:
    pledge, _created = SchoolPledge.objects.select_for_update().get_or_create(school=school, school_year=school_year)
    return pledge


@transaction.atomic
def pledge_record_signature(
    *,
    school: School,
    school_year: SchoolYear,
    text: PledgeText,
    signed_on: datetime.date,
    principal_signatory: str,
    bureau_signatory: str = "",
    by: Any,
    scan: UploadedFile | None = None,
) -> SchoolPledge:
    """Record that ``school`` signed version ``text`` of the year's pledge on
    ``signed_on``, optionally with the scanned signed copy. A pledge is
    signed once a year; the version it points to never changes after."""
    _check_acts_for(school=school, by=by)
    if text.school_year_id != school_year.pk:
        raise PledgeError(_("The pledge text belongs to another school year."))
    if signed_on > timezone.localdate():
        raise PledgeError(_("The signing date cannot be in the future."))
    if not principal_signatory.strip():
        raise PledgeError(_("Name who signed for the school."))
    pledge = _pledge_for_update(school=school, school_year=school_year)
    if pledge.is_signed:
        raise PledgeError(
            _("This school's pledge for %(year)s was already recorded as signed on %(date)s.")
            % {"year": school_year, "date": pledge.signed_on},
            code="already_signed",
        )
    pledge.text = text
    pledge.signed_on = signed_on
    pledge.principal_signatory = principal_signatory.strip()
    pledge.bureau_signatory = (bureau_signatory or text.bureau_signatory).strip()
    pledge.signature_recorded_by = by
    pledge.signature_recorded_at = timezone.now()
    pledge.save()
    if scan is not None:
        pledge_attach_scan(pledge=pledge, upload=scan, by=by)
    return pledge


@transaction.atomic
def pledge_attach_scan(*, pledge: SchoolPledge, upload: UploadedFile, by: Any) -> SchoolPledge:
    """Store the scanned signed copy (a PDF that parses, or an image, which
    is re-encoded), replacing an earlier one."""
    _check_acts_for(school=pledge.school, by=by)
    if not pledge.is_signed:
        raise PledgeError(_("Record the signature before uploading the signed copy."))
    checked = check_document(upload, max_bytes=settings.PLEDGE_SCAN_MAX_MB * MB)
    old_name = pledge.scan.name if pledge.scan else ""
    storage = pledge.scan.storage
    pledge.scan.save(checked.content.name or "scan", checked.content, save=False)
    pledge.scan_content_type = checked.content_type
    pledge.scan_uploaded_by = by
    pledge.scan_uploaded_at = timezone.now()
    pledge.save()
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return pledge


@transaction.atomic
def pledge_record_teacher_pledges(
    *, school: School, school_year: SchoolYear, teacher_count: int, teacher_pledge_count: int, by: Any
) -> SchoolPledge:
    """The pledges the school collected from its teachers, against its number
    of teachers (seed 000: each school signs pledges with its teachers)."""
    _check_acts_for(school=school, by=by)
    if teacher_count < 0 or teacher_pledge_count < 0:
        raise PledgeError(_("Counts cannot be negative."))
    if teacher_pledge_count > teacher_count:
        raise PledgeError(_("More teacher pledges than teachers."))
    pledge = _pledge_for_update(school=school, school_year=school_year)
    pledge.teacher_count = teacher_count
    pledge.teacher_pledge_count = teacher_pledge_count
    pledge.teacher_pledges_updated_at = timezone.now()
    pledge.save()
    return pledge


@transaction.atomic
def pledge_update_commitment(*, school: School, school_year: SchoolYear, commitment: str, by: Any) -> SchoolPledge:
    """The school's public commitment (承诺) for the year, shown on its public
    sign page."""
    _check_acts_for(school=school, by=by)
    text = commitment.strip()
    if len(text) > COMMITMENT_MAX_CHARS:
        raise PledgeError(_("The commitment is too long (at most %(n)s characters).") % {"n": COMMITMENT_MAX_CHARS})
    pledge = _pledge_for_update(school=school, school_year=school_year)
    pledge.commitment = text
    pledge.commitment_updated_by = by
    pledge.commitment_updated_at = timezone.now()
    pledge.save()
    return pledge


@dataclass
class ReminderOutcome:
    reminded: list[School] = field(default_factory=list)
    without_address: list[School] = field(default_factory=list)
    recently_reminded: list[School] = field(default_factory=list)


def pledge_remind_unsigned(
    *,
    school_year: SchoolYear,
    by: Any,
    link_for: Callable[[School], str],
    schools: Iterable[School] | None = None,
) -> ReminderOutcome:
    """Remind every unsigned school of the year (or those of ``schools``
    that are unsigned) at the addresses of its active accounts: each
    reminder is recorded, then e-mailed by the outbox after commit (a mail
    server or broker that is down delays it; the sweep sends it later). A
    school reminded in the last few minutes is skipped, so that a double
    click sends one e-mail."""
    if not getattr(by, "is_bureau", False):
        raise PledgeError(_("Only bureau staff send reminders."))
    targets = unsigned_schools(user=by, school_year=school_year)
    if schools is not None:
        wanted = {s.pk for s in schools}
        targets = [s for s in targets if s.pk in wanted]
    outcome = ReminderOutcome()
    if not targets:
        return outcome
    since = timezone.now() - datetime.timedelta(minutes=REMINDER_QUIET_MINUTES)
    recent = set(
        PledgeReminder.objects.filter(school_year=school_year, school__in=targets, queued_at__gte=since).values_list(
            "school_id", flat=True
        )
    )
    addresses: dict[int, list[str]] = {}
    for school_id, email in (
        User.objects.filter(school__in=targets, is_active=True).exclude(email="").values_list("school_id", "email")
    ):
        addresses.setdefault(school_id, []).append(email)
    logs: list[PledgeReminder] = []
    for school in targets:
        if school.pk in recent:
            outcome.recently_reminded.append(school)
            continue
        recipients = sorted(set(addresses.get(school.pk, [])))
        if not recipients:
            outcome.without_address.append(school)
            continue
        logs.append(
            PledgeReminder(
                school=school,
                school_year=school_year,
                sent_by=by,
                recipients="\n".join(recipients),
                link=link_for(school),
            )
        )
        outcome.reminded.append(school)
    if logs:
        from schools.pledges.tasks import send_pledge_reminders

        with transaction.atomic():
            created = PledgeReminder.objects.bulk_create(logs)
            audit_bulk_created(created)
            publish_after_commit(send_pledge_reminders, [r.pk for r in created])
    return outcome
