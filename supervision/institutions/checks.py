"""Checks of the register's input that the forms, the admin, the import and
the services share, so that the same bad value gets the same Chinese message
wherever it is typed: an institution's contact phone, and the dates that
record something that has already happened (a licence issued, a fee approved,
an entry listed), which cannot lie after the bureau's today.

Like :mod:`.credit_code`: ``…_error`` gives the message or None (for the
services and the import), ``validate_…`` raises it (for form fields)."""

from __future__ import annotations

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.complaints.identity import is_mainland_mobile
from supervision.complaints.identity import normalize_phone as phone_digits

# ASCII digits only (``\d`` would also take other scripts' digits). A landline
# is an area code (0 and two or three digits: 010, 021, 0573) and a local
# number of 7 or 8 digits not starting with 0 or 1, written 0573-85012345,
# 0573 85012345, (0573)85012345 or 057385012345, with an optional extension.
LANDLINE_RE = re.compile(r"(?:0[1-9][0-9]{1,2}|\(0[1-9][0-9]{1,2}\))[- ]?[2-9][0-9]{6,7}(?:(?:-|转)[0-9]{1,6})?")
# A mobile as typed: digits in groups (138 0000 1111, 138-0000-1111), the
# country code +86 allowed; whether the digits are a mainland mobile is the
# complaints' rule (``is_mainland_mobile`` of the digits).
MOBILE_TYPED_RE = re.compile(r"\+?[0-9][0-9 -]*")


def normalize_phone(text: str) -> str:
    """NFKC (Chinese keyboards type full-width digits and brackets:
    ``０５７３－８５０１２３４５``), without the spaces around it. Stored so,
    the register and its export read ASCII digits."""
    return unicodedata.normalize("NFKC", text or "").strip()


def contact_phone_error(text: str) -> str | None:
    """Why ``text`` (normalised, not empty) is not a plausible Chinese phone
    number, in words for the user, or None when it is one."""
    if LANDLINE_RE.fullmatch(text) or (MOBILE_TYPED_RE.fullmatch(text) and is_mainland_mobile(phone_digits(text))):
        return None
    return _(
        "“%(value)s” is not a phone number: write a landline with its area code, "
        "for example 0573-85012345, or an 11-digit mobile number."
    ) % {"value": text}


def validate_contact_phone(value: str) -> None:
    """A form or model validator; an empty phone is left to ``required``."""
    _raise(contact_phone_error(normalize_phone(value)) if value else None, "phone")


def not_after_today_error(day: datetime.date | None, message: str) -> str | None:
    """``message`` when ``day`` lies after the bureau's today (the local
    date, never UTC's)."""
    return message if day is not None and day > timezone.localdate() else None


def licence_issued_error(day: datetime.date | None) -> str | None:
    return not_after_today_error(day, _("A licence cannot be issued after today."))


def fee_approved_error(day: datetime.date | None) -> str | None:
    return not_after_today_error(day, _("A fee standard cannot be approved after today."))


def listed_on_error(day: datetime.date | None) -> str | None:
    return not_after_today_error(day, _("An entry cannot be listed after today."))


def _raise(message: str | None, code: str) -> None:
    if message:
        raise ValidationError(message, code=code)


def validate_licence_issued(value: datetime.date | None) -> None:
    _raise(licence_issued_error(value), "future")


def validate_fee_approved(value: datetime.date | None) -> None:
    _raise(fee_approved_error(value), "future")


def validate_listed_on(value: datetime.date | None) -> None:
    _raise(listed_on_error(value), "future")
