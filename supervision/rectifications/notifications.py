"""E-mails of the rectification loop and the bureau's daily overdue digest,
through the one outbox and mailer (:mod:`jianfu.outbox`, :mod:`jianfu.mailer`).

Each send first claims its row with a conditional update (``notified_at``, or
the day's :class:`jianfu.models.DailyRun`), so a task that runs twice sends
once; a failed send releases the claim so that the retry can send."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jianfu.mailer import mail_send
from jianfu.models import DailyRun
from jianfu.outbox import NoticeKind, daily_once, outbox_register
from jianfu.roles import Role
from supervision.districts.selectors import current_supervisors_of_school
from supervision.models import Rectification, RectificationAnswer
from supervision.rectifications.selectors import overdue_rectifications


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
        for school_id, rows in by_school.items():
            school = rows[0].school
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("[Burden-reduction supervision] %(n)s new rectification demand(s) for %(school)s") % {
                    "n": len(rows),
                    "school": school.name,
                }
            sent += mail_send(
                subject=subject,
                recipients=principal_emails(school_id),
                template="supervision/email/rectifications_raised.txt",
                context={
                    "school": school,
                    "rows": [(r, absolute_url(reverse("rectification_detail", args=[r.pk]))) for r in rows],
                    "list_url": absolute_url(reverse("rectification_list")),
                },
            )
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
            subject = _("[Burden-reduction supervision] %(school)s answered a rectification demand") % {
                "school": rectification.school.name
            }
        mail_send(
            subject=subject,
            recipients=recipients,
            template="supervision/email/rectification_answered.txt",
            context={
                "rectification": rectification,
                "answer": answer,
                "url": absolute_url(reverse("rectification_detail", args=[rectification.pk])),
            },
        )
    except Exception:
        RectificationAnswer.objects.filter(pk=answer_id).update(notified_at=None)
        raise
    return 1


OVERDUE_DIGEST = "overdue_rectifications"


def send_overdue_digest(*, day: datetime.date | None = None, force: bool = False) -> DailyRun | None:
    """Send the day's digest of overdue demands to bureau staff, once a day.

    Returns the day's run, or None when it had already been sent (or is
    being sent) and ``force`` is not set. No e-mail goes out when nothing is
    overdue or no bureau account has an address; the day still counts as done."""
    day = day or timezone.localdate()
    with daily_once(kind=OVERDUE_DIGEST, day=day, force=force) as run:
        if run is None:
            return None
        rows = list(overdue_rectifications(on=day))
        recipients = bureau_emails()
        if rows and recipients:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("[Burden-reduction supervision] %(n)s overdue rectification demand(s) on %(day)s") % {
                    "n": len(rows),
                    "day": day.isoformat(),
                }
            mail_send(
                subject=subject,
                recipients=recipients,
                template="supervision/email/overdue_digest.txt",
                context={
                    "day": day,
                    "rows": [(r, (day - r.deadline).days) for r in rows],
                    "list_url": absolute_url(reverse("rectification_list") + "?state=overdue"),
                },
            )
        run.items = len(rows)
        run.recipients = len(recipients) if rows else 0
    return run


def _pending_raised(since: datetime.datetime, until: datetime.datetime) -> list[int]:
    return list(
        Rectification.objects.filter(notified_at__isnull=True, raised_at__gte=since, raised_at__lte=until)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send_raised(ids: Sequence[int]) -> int:
    notify_rectifications_raised(rectification_ids=ids)
    return Rectification.objects.filter(pk__in=ids, notified_at__isnull=False).count()


def _pending_answers(since: datetime.datetime, until: datetime.datetime) -> list[int]:
    return list(
        RectificationAnswer.objects.filter(notified_at__isnull=True, at__gte=since, at__lte=until)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _send_answers(ids: Sequence[int]) -> int:
    for answer_id in ids:
        notify_rectification_answered(answer_id=answer_id)
    return RectificationAnswer.objects.filter(pk__in=ids, notified_at__isnull=False).count()


outbox_register(NoticeKind("rectifications_raised", _pending_raised, _send_raised))
outbox_register(NoticeKind("rectification_answered", _pending_answers, _send_answers))
