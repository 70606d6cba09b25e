"""The one mailer: every e-mail of the portal goes through :func:`mail_send`.

It renders in the portal's language whoever triggered it (a task has no
request), puts the bureau's name in every template's context, and keeps
the subject on one line: a subject built from a name with a line break in
it would make Django refuse the header, and a notice that can never be
sent would be retried for ever."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from jianfu.validators import one_line

# Only a mail server that is down or refuses for now is worth a task retry.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


def mail_subject_line(subject: str) -> str:
    """``subject`` on one line (:func:`jianfu.validators.one_line`, the one
    rule of single-line text), runs of spaces collapsed."""
    return " ".join(one_line(subject).split())


def mail_send(
    *,
    subject: str,
    recipients: Sequence[str],
    template: str = "",
    context: dict[str, Any] | None = None,
    body: str = "",
) -> bool:
    """Send one e-mail to ``recipients`` (nothing when there are none):
    ``body`` as given, or ``template`` rendered with ``context``. Returns
    whether an e-mail went out; a mail server error is raised to the caller,
    whose claim on its notice is then released for the retry."""
    to = sorted({r for r in recipients if r})
    if not to:
        return False
    if template:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(template, {**(context or {}), "BUREAU_NAME": settings.BUREAU_NAME})
    message = EmailMessage(subject=mail_subject_line(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.send()
    return True
