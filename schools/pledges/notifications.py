"""Pledge reminders through the one outbox: recorded by
:func:`schools.pledges.services.pledge_remind_unsigned`, sent by
:func:`pledge_send_reminders` from a task queued after commit, and by the
outbox's sweep when the task was lost or the mail server refused."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jianfu.mailer import mail_send
from jianfu.outbox import NoticeKind, outbox_register
from schools.models import PledgeReminder


def pledge_send_reminders(*, reminder_ids: Sequence[int]) -> int:
    """Send each recorded reminder once: claimed with a conditional update,
    released if the mail server refuses it. Returns how many went out."""
    sent = 0
    for pk in reminder_ids:
        if not PledgeReminder.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=timezone.now()):
            continue
        reminder = PledgeReminder.objects.select_related("school", "school_year").get(pk=pk)
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Please sign the burden-reduction responsibility pledge for %(year)s") % {
                "year": reminder.school_year
            }
            body = _(
                "%(school)s:\n\n"
                "According to the education bureau's records, your school has not yet signed the "
                "burden-reduction responsibility pledge for %(year)s. Please sign it with the bureau, "
                "then upload the scanned signed copy and record your teachers' pledges in the portal:\n"
                "%(link)s\n\n"
                "%(bureau)s"
            ) % {
                "school": reminder.school.name,
                "year": reminder.school_year,
                "link": reminder.link,
                "bureau": settings.BUREAU_NAME,
            }
        try:
            sent += mail_send(subject=subject, recipients=reminder.recipients.split(), body=body)
        except Exception:
            PledgeReminder.objects.filter(pk=pk).update(sent_at=None)
            raise
    return sent


def _pending(since: datetime.datetime, until: datetime.datetime) -> list[int]:
    return list(
        PledgeReminder.objects.filter(sent_at__isnull=True, queued_at__gte=since, queued_at__lte=until)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send(ids: Sequence[int]) -> int:
    return pledge_send_reminders(reminder_ids=ids)


outbox_register(NoticeKind("pledge_reminder", _pending, _send))
