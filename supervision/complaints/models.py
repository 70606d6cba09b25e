"""Complaint cases (投诉/举报) from the public form, the hotline, letters,
visits and referrals, and their workflow.

The complainant's name and phone number are stored encrypted
(:mod:`jianfu.crypto`) with a keyed hash of the phone for rate limits and
duplicate lookup; nothing here is ever rendered on a school-side page. The
state changes are made only by :mod:`supervision.complaints.services`, one
function per transition, each writing a :class:`ComplaintEvent`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintCategory(models.Model):
    """投诉类别: what a complaint is about, kept by bureau staff as data. The weight
    lets rankings count a substantiated case of one category more than
    another."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("How much a substantiated case of this category counts in rankings (1 = normal)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    links_institution = models.BooleanField(
        _("links a training institution"),
        default=False,
        help_text=_("A school case of this category (paid tutoring) may name the training institution involved."),
    )

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(name="complaint_category_weight_not_negative", condition=Q(weight__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name


class ComplaintReplyTemplate(models.Model):
    """答复模板: a standard reply staff start from. ``{case_number}`` and ``{school}``
    in the body are filled in for the case."""

    title = models.CharField(_("title"), max_length=50, unique=True)
    body = models.TextField(_("text"), help_text=_("You may use {case_number} and {school}."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class ComplaintChannel(models.TextChoices):
    WEB = "web", _("Public web form")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    IN_PERSON = "in_person", _("In person")
    REFERRED = "referred", _("Referred from above")


class ComplaintStatus(models.TextChoices):
    """The complaint case's workflow (投诉办理): 受理 → 交办 → 核查 → 结论 →
    答复 → 办结. The labels here are the only zh-hans names of these states
    (docs/glossary.md lists them; tests/jianfu/test_glossary.py checks)."""

    RECEIVED = "received", pgettext_lazy("complaint status", "Received")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("complaint status", "Not accepted")
    ACCEPTED = "accepted", pgettext_lazy("complaint status", "Accepted")
    ASSIGNED = "assigned", pgettext_lazy("complaint status", "Assigned")
    INVESTIGATING = "investigating", pgettext_lazy("complaint status", "Under investigation")
    CONCLUDED = "concluded", pgettext_lazy("complaint status", "Concluded")
    REPLIED = "replied", pgettext_lazy("complaint status", "Replied")
    CLOSED = "closed", pgettext_lazy("complaint status", "Closed")


# Statuses in which the bureau still owes the complainant something, and the
# time limit that applies in each.
AWAITING_ACCEPTANCE = (ComplaintStatus.RECEIVED,)


AWAITING_CONCLUSION = (
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.ASSIGNED,
    ComplaintStatus.INVESTIGATING,
    ComplaintStatus.CONCLUDED,
)


OPEN_STATUSES = AWAITING_ACCEPTANCE + AWAITING_CONCLUSION


def complaint_due_date(
    *, status: str, accept_due: datetime.date | None, conclude_due: datetime.date | None
) -> datetime.date | None:
    """The time limit that applies in ``status``, or None once the bureau has
    answered (a case's :attr:`ComplaintCase.due_date`; the status page reads
    it without a model instance)."""
    if status in AWAITING_ACCEPTANCE:
        return accept_due
    if status in AWAITING_CONCLUSION:
        return conclude_due
    return None


def complaint_subject_name(*, school_name: str | None, institution_name: str | None) -> str:
    """What a case is about, by name: its school's, else its training
    institution's (a case's :attr:`ComplaintCase.subject_name`; the status
    page reads it from the names alone)."""
    if school_name is not None:
        return school_name
    return institution_name or ""


class AssigneeKind(models.TextChoices):
    SUPERVISOR = "supervisor", _("A responsible supervisor")
    SECTION = "section", _("A bureau section")
    SCHOOL = "school", _("The school itself (self-investigation)")


class ComplaintOutcome(models.TextChoices):
    SUBSTANTIATED = "substantiated", _("Substantiated")
    PARTLY = "partly", _("Partly substantiated")
    NOT_SUBSTANTIATED = "not_substantiated", _("Not substantiated")


SUBSTANTIATED_OUTCOMES = (ComplaintOutcome.SUBSTANTIATED, ComplaintOutcome.PARTLY)


class Liability(models.TextChoices):
    WHOLE_SCHOOL = "school", _("The whole school (principal and responsible vice-principal)")
    INDIVIDUAL = "individual", _("An individual")
    NONE = "none", _("None")


def complaint_due_dates(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """THE time limits of a complaint received (or reopened) on ``day``: to
    accept it (受理), COMPLAINT_ACCEPT_WORKING_DAYS working days of the
    bureau's calendar, and to conclude it (办结),
    COMPLAINT_CONCLUDE_WORKING_DAYS; both from one read of the calendar, and
    that read kept in the cache for the day (under the calendar's version),
    so the day's other complaints read no calendar at all."""
    from supervision.workdays.calendar import calendar_cached, working_calendar_for

    accept = settings.COMPLAINT_ACCEPT_WORKING_DAYS
    conclude = settings.COMPLAINT_CONCLUDE_WORKING_DAYS

    def compute() -> tuple[datetime.date, datetime.date]:
        calendar = working_calendar_for(day, max(accept, conclude))
        return calendar.add_working_days(day, accept), calendar.add_working_days(day, conclude)

    return calendar_cached(f"complaint_due_dates:{day.isoformat()}:{accept}:{conclude}", compute)


def complaint_accept_due(day: datetime.date) -> datetime.date:
    """The time limit to accept a complaint received on ``day``."""
    return complaint_due_dates(day)[0]


def complaint_conclude_due(day: datetime.date) -> datetime.date:
    """The time limit to conclude a complaint received on ``day``."""
    return complaint_due_dates(day)[1]


def complaint_overdue_q(today: datetime.date) -> Q:
    """THE rule of an overdue case (lists, digests, the to-do panel, scoring):
    awaiting acceptance past its acceptance limit, or awaiting its conclusion
    past the conclusion limit. :attr:`ComplaintCase.due_date` is the same
    limit for a loaded row."""
    return Q(status__in=AWAITING_ACCEPTANCE, accept_due__lt=today) | Q(
        status__in=AWAITING_CONCLUSION, conclude_due__lt=today
    )


def complaint_due_soon_q(today: datetime.date) -> Q:
    """Not yet overdue, and its limit falls within COMPLAINT_DUE_SOON_WORKING_DAYS."""
    from supervision.workdays.calendar import add_working_days

    cutoff = add_working_days(today, settings.COMPLAINT_DUE_SOON_WORKING_DAYS)
    return Q(status__in=AWAITING_ACCEPTANCE, accept_due__gte=today, accept_due__lte=cutoff) | Q(
        status__in=AWAITING_CONCLUSION, conclude_due__gte=today, conclude_due__lte=cutoff
    )


class ComplaintCase(models.Model):
    """投诉案件: a complaint case from the hotline, a letter or the public form, followed from 受理 to 办结."""

    # Unique by a constraint in Meta, not ``unique=True``: that would also
    # build a second index for LIKE searches nothing runs.
    number = models.CharField(_("case number"), max_length=20, editable=False)
    query_code_hash = models.CharField(_("query code (hashed)"), max_length=128, editable=False)
    # Exactly one of school and institution: the case is about a school or
    # about an off-campus training institution (issue 16).
    school = models.ForeignKey(
        "schools.School",
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="complaint_cases",
        null=True,
        blank=True,
        db_index=False,
    )
    institution = models.ForeignKey(
        "supervision.TrainingInstitution",
        verbose_name=_("training institution"),
        on_delete=models.PROTECT,
        related_name="complaint_cases",
        null=True,
        blank=True,
        db_index=False,
    )
    # For a school case of a paid-tutoring category: the institution where the
    # school or its teachers tutor or send pupils.
    linked_institution = models.ForeignKey(
        "supervision.TrainingInstitution",
        verbose_name=_("training institution involved"),
        on_delete=models.PROTECT,
        related_name="linked_complaint_cases",
        null=True,
        blank=True,
        db_index=False,
    )
    category = models.ForeignKey(
        ComplaintCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=ComplaintChannel.choices)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    happened_on = models.DateField(_("when it happened"), null=True, blank=True)
    description = models.TextField(_("description"))
    school_summary = models.TextField(
        _("summary for the school"),
        blank=True,
        help_text=_("What the school is told when it investigates itself. Never name or describe the complainant."),
    )

    # The complainant. Never rendered school-side; see jianfu.crypto.
    real_name = models.BooleanField(_("real-name report"), default=False)
    name_encrypted = models.TextField(_("name (encrypted)"), blank=True, editable=False)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_hash = models.CharField(_("phone (keyed hash)"), max_length=64, blank=True, editable=False)

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    accept_due = models.DateField(_("acceptance decision due"))
    conclude_due = models.DateField(_("conclusion due"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    not_accepted_reason = models.TextField(_("reason for not accepting"), blank=True)

    assignee_kind = models.CharField(_("assigned to"), max_length=20, choices=AssigneeKind.choices, blank=True)
    assigned_supervisor = models.ForeignKey(
        "supervision.Supervisor",
        verbose_name=_("supervisor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint_cases",
        db_index=False,
    )
    assigned_section = models.ForeignKey(
        "auth.Group",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    assignment_note = models.TextField(_("instructions"), blank=True)

    findings = models.TextField(pgettext_lazy("complaint", "findings"), blank=True)
    findings_at = models.DateTimeField(_("findings submitted"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ComplaintOutcome.choices, blank=True)
    liability = models.CharField(_("liability"), max_length=20, choices=Liability.choices, blank=True)
    liable_person = models.CharField(
        _("person liable"), max_length=100, blank=True, help_text=_("For an individual's act: post and name.")
    )
    measures = models.TextField(_("measures taken"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    reply = models.TextField(_("reply to the complainant"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        db_index=False,
    )
    rectification_raised_at = models.DateTimeField(_("rectification demanded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("complaint case")
        verbose_name_plural = _("complaint cases")
        ordering = ["-received_at", "-pk"]
        permissions = [
            # Not named view_*: the section groups get every view_ permission
            # of the app, and this one must be given to people one by one.
            ("unmask_complainant", _("Can see a complainant's name and phone number")),
        ]
        indexes = [
            models.Index(fields=["status", "accept_due"], name="complaint_status_accept_due"),
            models.Index(fields=["status", "conclude_due"], name="complaint_status_conclude_due"),
            models.Index(fields=["school", "received_at"], name="complaint_school_received"),
            # The bureau's list, newest first, read a page at a time by keyset.
            models.Index(fields=["-received_at", "-id"], name="complaint_received_desc"),
            # (in Meta, not db_index=True, which adds an index for LIKE)
            models.Index(fields=["phone_hash"], name="complaint_phone_hash"),
            # The links most cases do not have, indexed where they are set:
            # a parent's complaint, which has none of them, adds nothing to
            # these indexes, and a search for one value (the list's filters,
            # the deletion checks) implies "is not null", so uses them.
            # The school needs no index of its own: it leads
            # complaint_school_received.
            *(
                models.Index(fields=[name], condition=Q(**{f"{name}__isnull": False}), name=f"complaint_{short}_set")
                for name, short in (
                    ("institution", "institution"),
                    ("linked_institution", "linked_inst"),
                    ("operator", "operator"),
                    ("assigned_supervisor", "supervisor"),
                    ("assigned_section", "section"),
                    ("duplicate_of", "duplicate_of"),
                )
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="complaint_number_unique"),
            models.CheckConstraint(
                name="complaint_school_xor_institution",
                condition=Q(school__isnull=False, institution__isnull=True)
                | Q(school__isnull=True, institution__isnull=False),
                violation_error_message=_("A case is about either a school or a training institution."),
            ),
            models.CheckConstraint(
                # An institution case is handled by bureau staff: no school
                # investigates it, and a linked institution belongs to a school case.
                name="complaint_institution_case_not_school_assigned",
                condition=Q(institution__isnull=True)
                | (~Q(assignee_kind=AssigneeKind.SCHOOL) & Q(linked_institution__isnull=True)),
            ),
            models.CheckConstraint(
                name="complaint_assignee_consistent",
                condition=(
                    Q(assignee_kind="", assigned_supervisor__isnull=True, assigned_section__isnull=True)
                    | Q(
                        assignee_kind=AssigneeKind.SUPERVISOR,
                        assigned_supervisor__isnull=False,
                        assigned_section__isnull=True,
                    )
                    | Q(
                        assignee_kind=AssigneeKind.SECTION,
                        assigned_supervisor__isnull=True,
                        assigned_section__isnull=False,
                    )
                    | Q(
                        assignee_kind=AssigneeKind.SCHOOL,
                        assigned_supervisor__isnull=True,
                        assigned_section__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="complaint_real_name_has_name", condition=Q(real_name=False) | ~Q(name_encrypted="")
            ),
            models.CheckConstraint(
                name="complaint_not_accepted_has_reason",
                condition=~Q(status=ComplaintStatus.NOT_ACCEPTED) | ~Q(not_accepted_reason=""),
            ),
            models.CheckConstraint(
                name="complaint_concluded_has_outcome",
                condition=~Q(status__in=[ComplaintStatus.CONCLUDED, ComplaintStatus.REPLIED]) | ~Q(outcome=""),
            ),
            models.CheckConstraint(
                name="complaint_not_own_duplicate",
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("pk")),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        if (
            self.duplicate_of_id
            and self.duplicate_of is not None
            and (self.duplicate_of.school_id, self.duplicate_of.institution_id) != (self.school_id, self.institution_id)
        ):
            raise ValidationError({"duplicate_of": _("A duplicate must be about the same school.")})

    @property
    def subject_name(self) -> str:
        """The name of the school or training institution the case is about."""
        if self.school_id is not None and self.school is not None:
            return complaint_subject_name(school_name=self.school.name, institution_name=None)
        # (the institution read only when there is no school: no query more)
        institution = self.institution
        return complaint_subject_name(school_name=None, institution_name=institution.name if institution else None)

    @property
    def is_about_institution(self) -> bool:
        return self.institution_id is not None

    @property
    def due_date(self) -> datetime.date | None:
        """The time limit that applies now, or None once the bureau has
        answered."""
        return complaint_due_date(status=self.status, accept_due=self.accept_due, conclude_due=self.conclude_due)

    @property
    def public_stage(self) -> ComplaintStage:
        """The milestone the complainant sees (internal steps read 办理中)."""
        return PUBLIC_STAGE_OF_STATUS[ComplaintStatus(self.status)]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_substantiated(self) -> bool:
        return self.outcome in SUBSTANTIATED_OUTCOMES


class ComplaintEventAction(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("complaint event", "Received")
    ACCEPTED = "accepted", pgettext_lazy("complaint event", "Accepted")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("complaint event", "Not accepted")
    ASSIGNED = "assigned", pgettext_lazy("complaint event", "Assigned")
    INVESTIGATION_STARTED = "investigation_started", pgettext_lazy("complaint event", "Investigation started")
    FINDINGS_SUBMITTED = "findings_submitted", pgettext_lazy("complaint event", "Findings submitted")
    CONCLUDED = "concluded", pgettext_lazy("complaint event", "Concluded")
    REPLIED = "replied", pgettext_lazy("complaint event", "Replied to the complainant")
    CLOSED = "closed", pgettext_lazy("complaint event", "Closed")
    REOPENED = "reopened", pgettext_lazy("complaint event", "Reopened")
    EXTENDED = "extended", pgettext_lazy("complaint event", "Time limit extended")
    DUPLICATE_LINKED = "duplicate_linked", pgettext_lazy("complaint event", "Linked as a duplicate")
    RECTIFICATION_RAISED = "rectification_raised", pgettext_lazy("complaint event", "Rectification demanded")


# Events the complainant sees on the status page (action and date only).
class ComplaintStage(models.TextChoices):
    """The milestones a complainant sees on the public status page (公开进度).
    Internal steps (交办, 开始核查, 结论) are folded into 办理中: who handles
    the case and how is the bureau's business, not the public's."""

    RECEIVED = "received", pgettext_lazy("complaint public stage", "Received")
    NOT_ACCEPTED = "not_accepted", pgettext_lazy("complaint public stage", "Not accepted")
    ACCEPTED = "accepted", pgettext_lazy("complaint public stage", "Accepted")
    IN_PROGRESS = "in_progress", pgettext_lazy("complaint public stage", "In progress")
    REPLIED = "replied", pgettext_lazy("complaint public stage", "Replied")
    CLOSED = "closed", pgettext_lazy("complaint public stage", "Closed")


PUBLIC_STAGE_OF_STATUS = {
    ComplaintStatus.RECEIVED: ComplaintStage.RECEIVED,
    ComplaintStatus.NOT_ACCEPTED: ComplaintStage.NOT_ACCEPTED,
    ComplaintStatus.ACCEPTED: ComplaintStage.ACCEPTED,
    ComplaintStatus.ASSIGNED: ComplaintStage.IN_PROGRESS,
    ComplaintStatus.INVESTIGATING: ComplaintStage.IN_PROGRESS,
    ComplaintStatus.CONCLUDED: ComplaintStage.IN_PROGRESS,
    ComplaintStatus.REPLIED: ComplaintStage.REPLIED,
    ComplaintStatus.CLOSED: ComplaintStage.CLOSED,
}

# Events the complainant sees on the status page, as the milestone each
# marks (date only; never who or any note).
PUBLIC_STAGE_OF_EVENT = {
    ComplaintEventAction.RECEIVED: ComplaintStage.RECEIVED,
    ComplaintEventAction.ACCEPTED: ComplaintStage.ACCEPTED,
    ComplaintEventAction.NOT_ACCEPTED: ComplaintStage.NOT_ACCEPTED,
    ComplaintEventAction.ASSIGNED: ComplaintStage.IN_PROGRESS,
    ComplaintEventAction.INVESTIGATION_STARTED: ComplaintStage.IN_PROGRESS,
    ComplaintEventAction.REPLIED: ComplaintStage.REPLIED,
    ComplaintEventAction.CLOSED: ComplaintStage.CLOSED,
    ComplaintEventAction.REOPENED: ComplaintStage.IN_PROGRESS,
}
PUBLIC_EVENT_ACTIONS = tuple(PUBLIC_STAGE_OF_EVENT)


class ComplaintEvent(models.Model):
    """案件办理记录: one step of a case: who did what, when and why."""

    case = models.ForeignKey(ComplaintCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30, choices=ComplaintEventAction.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ComplaintStatus.choices, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    notified_at = models.DateTimeField(_("assignee notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        # Who acted, indexed only where someone did: a public complaint's
        # "received" has nobody and adds nothing to it.
        indexes = [models.Index(fields=["by"], condition=Q(by__isnull=False), name="complaint_event_by_set")]

    def __str__(self) -> str:
        return f"{self.case} {self.get_action_display()}"


class AttachmentKind(models.TextChoices):
    IMAGE = "image", _("Image")
    PDF = "pdf", _("PDF document")
    AUDIO = "audio", _("Audio")


class ComplaintAttachment(models.Model):
    """投诉附件: a file of a case. The name on disk is generated; the uploaded name is
    not kept, since it may carry the complainant's name."""

    case = models.ForeignKey(
        ComplaintCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    is_recording = models.BooleanField(_("call recording"), default=False)
    file = models.FileField(_("file"), upload_to="complaints/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="complaint_recording_is_audio", condition=Q(is_recording=False) | Q(kind=AttachmentKind.AUDIO)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.pk}"


class ComplainantIdentityView(models.Model):
    """投诉人身份查阅记录: a record of every time somebody had a complainant's name and phone
    shown unmasked."""

    case = models.ForeignKey(
        ComplaintCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="identity_views"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("complainant identity view")
        verbose_name_plural = _("complainant identity views")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.case} {self.by} {self.at:%Y-%m-%d %H:%M}"


class ComplaintNumberCounter(models.Model):
    """案件编号计数器: the last sequence number used on a day, for case numbers
    TSyyyymmdd-nnnn. Incremented with an UPDATE, so two submissions at the
    same moment never get the same number."""

    day = models.DateField(_("day"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self) -> str:
        return f"{self.day} {self.last}"
