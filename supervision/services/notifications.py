"""E-mails of the rectification loop and the bureau's daily overdue digest.

Each send first claims its row with a conditional update (``notified_at`` or
the day's :class:`OverdueDigest`), so a task that runs twice sends once; a
failed send releases the claim so that the retry can send. Subjects go
through :func:`jianfu.validators.one_line`: a school name saved with a line
break would otherwise fail the header check on every retry."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jianfu.roles import Role
from jianfu.validators import one_line
from supervision.models import OverdueDigest, Rectification, RectificationAnswer
from supervision.selectors import current_supervisors_of_school
from supervision.selectors.rectifications import overdue_rectifications


def absolute_url(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def _emails(users: Any) -> list[str]:
    return sorted({u.email for u in users if u.is_active and u.email})


def principal_emails(school_id: int) -> list[str]:
    user_model = get_user_model()
    return _emails(user_model.objects.filter(school_id=school_id, role=Role.PRINCIPAL))


def bureau_emails() -> list[str]:
    user_model = get_user_model()
    return _emails(user_model.objects.filter(Q(role=Role.BUREAU) | Q(is_superuser=True)))


def notify_rectifications_raised(*, rectification_ids: Sequence[int]) -> int:
    """E-mail each school's principal about its new demands, one e-mail per
    school. Returns the number of e-mails sent."""
    now = timezone.now()
    claimed = [
        pk
        for pk in rectification_ids
        if Rectification.objects.filter(pk=pk, notified_at__isnull=True).update(notified_at=now)
    ]
    by_school: dict[int, list[Rectification]] = defaultdict(list)
    for rectification in Rectification.objects.filter(pk__in=claimed).select_related("school").order_by("pk"):
        by_school[rectification.school_id].append(rectification)
    sent = 0
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for school_id, rows in by_school.items():
                recipients = principal_emails(school_id)
                if not recipients:
                    continue
                school = rows[0].school
                body = render_to_string(
                    "supervision/email/rectifications_raised.txt",
                    {
                        "school": school,
                        "rows": [(r, absolute_url(reverse("rectification_detail", args=[r.pk]))) for r in rows],
                        "list_url": absolute_url(reverse("rectification_list")),
                    },
                )
                subject = _("[Burden-reduction supervision] %(n)s new rectification demand(s) for %(school)s") % {
                    "n": len(rows),
                    "school": school.name,
                }
                send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients)
                sent += 1
    except Exception:
        Rectification.objects.filter(pk__in=claimed).update(notified_at=None)
        raise
    return sent


def notify_rectification_answered(*, answer_id: int) -> int:
    """E-mail the supervisors responsible for the school (and the one who
    raised the demand) that the school has answered."""
    if not RectificationAnswer.objects.filter(pk=answer_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    ):
        return 0
    answer = RectificationAnswer.objects.select_related("rectification__school", "rectification__raised_by", "by").get(
        pk=answer_id
    )
    rectification = answer.rectification
    users = [s.user for s in current_supervisors_of_school(school=rectification.school) if s.user_id]
    if rectification.raised_by.role == Role.SUPERVISOR:
        users.append(rectification.raised_by)
    recipients = _emails(users)
    if not recipients:
        return 0
    try:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "supervision/email/rectification_answered.txt",
                {
                    "rectification": rectification,
                    "answer": answer,
                    "url": absolute_url(reverse("rectification_detail", args=[rectification.pk])),
                },
            )
            subject = _("[Burden-reduction supervision] %(school)s answered a rectification demand") % {
                "school": rectification.school.name
            }
            send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        RectificationAnswer.objects.filter(pk=answer_id).update(notified_at=None)
        raise
    return 1


def send_overdue_digest(*, day: datetime.date | None = None, force: bool = False) -> OverdueDigest | None:
    """Send the day's digest of overdue demands to bureau staff, once a day.

    Returns the day's row, or None when it had already been sent (or is
    being sent) and ``force`` is not set. No e-mail goes out when nothing is
    overdue or no bureau account has an address; the day still counts as done."""
    day = day or timezone.localdate()
    digest, _created = OverdueDigest.objects.get_or_create(day=day)
    claim = OverdueDigest.objects.filter(pk=digest.pk)
    if not force:
        claim = claim.filter(claimed_at__isnull=True, sent_at__isnull=True)
    if not claim.update(claimed_at=timezone.now()):
        return None
    try:
        rows = list(overdue_rectifications(on=day))
        recipients = bureau_emails()
        if rows and recipients:
            with translation.override(settings.LANGUAGE_CODE):
                body = render_to_string(
                    "supervision/email/overdue_digest.txt",
                    {
                        "day": day,
                        "rows": [(r, (day - r.deadline).days) for r in rows],
                        "list_url": absolute_url(reverse("rectification_list") + "?state=overdue"),
                    },
                )
                subject = _("[Burden-reduction supervision] %(n)s overdue rectification demand(s) on %(day)s") % {
                    "n": len(rows),
                    "day": day.isoformat(),
                }
                send_mail(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        OverdueDigest.objects.filter(pk=digest.pk).update(claimed_at=None)
        raise
    OverdueDigest.objects.filter(pk=digest.pk).update(
        sent_at=timezone.now(), rectification_count=len(rows), recipient_count=len(recipients) if rows else 0
    )
    digest.refresh_from_db()
    return digest
