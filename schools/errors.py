"""The domain error of the school records."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


class RecordError(ValidationError):
    """A write that the rules refuse, with a translated message for the user."""


def refuse_future_day(day: datetime.date) -> None:
    """A record describes what happened: a day after today (the bureau's
    local date) has nothing to record yet."""
    if day > timezone.localdate():
        raise RecordError(
            _("%(day)s has not come yet: a record can only be made for today or an earlier day.")
            % {"day": f"{day.month}月{day.day}日"},
            code="future_day",
        )
