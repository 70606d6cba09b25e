"""Responsibility pledges (责任书) between the bureau and each school, per
school year, and the school's public commitment (承诺).

The pledge text is versioned: bureau staff publish a new version instead of
editing one, and a school's signed pledge points to the exact version it
signed, so the text a school signed stays as it was."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def pledge_scan_path(instance: Any, filename: str) -> str:
    """A generated name: the uploaded name never reaches the disk. The
    extension comes from the checked content, passed in as ``filename``."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"pledges/{instance.school_year_id}/{uuid.uuid4().hex}.{ext}"


class PledgeText(models.Model):
    """责任书文本: one version of the pledge text of a school year. Never edited once
    published: a change is a new version."""

    school_year = models.ForeignKey(
        "schools.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="pledge_texts"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    bureau_signatory = models.CharField(
        _("bureau signatory"),
        max_length=50,
        blank=True,
        help_text=_("Who signs for the bureau, usually the director; each school's pledge may name another."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("pledge text")
        verbose_name_plural = _("pledge texts")
        ordering = ["-school_year__start_date", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["school_year", "version"], name="one_pledge_text_per_version"),
            models.CheckConstraint(name="pledge_text_version_positive", condition=Q(version__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.school_year} {self.title}（v{self.version}）"


class SchoolPledge(models.Model):
    """减负责任书: a school's pledge file for one school year: whether and when it signed
    (and which text version), the scanned signed copy, the teacher pledges
    it collected, and its public commitment."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="pledges"
    )
    school_year = models.ForeignKey(
        "schools.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="school_pledges"
    )
    text = models.ForeignKey(
        PledgeText,
        verbose_name=_("text version signed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signatures",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    principal_signatory = models.CharField(_("signed for the school by"), max_length=50, blank=True)
    bureau_signatory = models.CharField(_("signed for the bureau by"), max_length=50, blank=True)
    signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signature recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    signature_recorded_at = models.DateTimeField(_("signature recorded"), null=True, blank=True)
    scan = models.FileField(_("signed copy"), upload_to=pledge_scan_path, blank=True, max_length=200)
    scan_content_type = models.CharField(_("signed copy type"), max_length=50, blank=True)
    scan_uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed copy uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scan_uploaded_at = models.DateTimeField(_("signed copy uploaded"), null=True, blank=True)
    teacher_count = models.PositiveIntegerField(_("teachers"), null=True, blank=True)
    teacher_pledge_count = models.PositiveIntegerField(_("teacher pledges collected"), null=True, blank=True)
    teacher_pledges_updated_at = models.DateTimeField(_("teacher pledges updated"), null=True, blank=True)
    commitment = models.TextField(_("public commitment"), blank=True)
    commitment_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("commitment updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment_updated_at = models.DateTimeField(_("commitment updated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("school pledge")
        verbose_name_plural = _("school pledges")
        ordering = ["-school_year__start_date", "school__code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year"], name="one_pledge_per_school_year"),
            models.CheckConstraint(
                name="pledge_signed_with_text",
                condition=Q(text__isnull=True, signed_on__isnull=True) | Q(text__isnull=False, signed_on__isnull=False),
                violation_error_message=_("A signed pledge names the text version and the date."),
            ),
            models.CheckConstraint(
                name="pledge_scan_only_when_signed",
                condition=Q(scan="") | Q(signed_on__isnull=False),
                violation_error_message=_("A signed copy belongs to a signed pledge."),
            ),
            models.CheckConstraint(
                name="teacher_pledges_at_most_teachers",
                condition=Q(teacher_count__isnull=True)
                | Q(teacher_pledge_count__isnull=True)
                | Q(teacher_pledge_count__lte=F("teacher_count")),
                violation_error_message=_("More teacher pledges than teachers."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.school_year}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    @property
    def scan_is_pdf(self) -> bool:
        return self.scan_content_type == "application/pdf"

    def clean(self) -> None:
        if self.text is not None and self.school_year_id and self.text.school_year_id != self.school_year_id:
            raise ValidationError({"text": _("The pledge text belongs to another school year.")})


class PledgeReminder(models.Model):
    """An e-mail reminder (催签提醒) to sign, for one school: recorded when
    bureau staff click "remind", sent by the outbox (:mod:`jianfu.outbox`);
    the bureau's list shows when each unsigned school was last reminded."""

    school = models.ForeignKey(
        "schools.School", verbose_name=_("school"), on_delete=models.CASCADE, related_name="pledge_reminders"
    )
    school_year = models.ForeignKey(
        "schools.SchoolYear", verbose_name=_("school year"), on_delete=models.CASCADE, related_name="pledge_reminders"
    )
    queued_at = models.DateTimeField(_("reminded"), default=timezone.now)
    # Set when the e-mail is claimed for sending; released if the mail
    # server refuses it, so the outbox's sweep sends it later.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipients = models.TextField(_("recipients"), help_text=_("The e-mail addresses, one a line."))
    link = models.CharField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("pledge reminder")
        verbose_name_plural = _("pledge reminders")
        ordering = ["-queued_at"]
        indexes = [models.Index(fields=["school_year", "school", "-queued_at"], name="pledge_reminder_latest")]

    def __str__(self) -> str:
        return f"{self.school} {self.queued_at:%Y-%m-%d %H:%M}"
