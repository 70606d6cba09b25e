"""Reading ids and dates from query strings and forms.

``str.isdigit`` is not the test for an id: it is true for "²", "①" and
other Unicode digits that ``int`` refuses (a 500), and a 30-digit number
overflows the database's integer (another 500). An id is 1 to 9 ASCII
digits; anything else is no id.

A date is an ISO date within the years the portal can hold a school year
in: ``9999-12-31`` parses, but the week or month around it does not exist
(``date + 7 days`` overflows, a 500), and ``0001-01-01`` is no record's
day either. Outside the range it is no date, as a malformed one is."""

from __future__ import annotations

import datetime
import re

_ID = re.compile(r"[0-9]{1,9}")


def int_param(value: object) -> int | None:
    """``value`` as an id, or None when it is not one."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


EARLIEST_DAY = datetime.date(2000, 1, 1)
LATEST_DAY = datetime.date(2099, 12, 31)


def date_param(value: object) -> datetime.date | None:
    """``value`` (``YYYY-MM-DD``) as a date the portal can show, or None."""
    if not isinstance(value, str) or not value:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def month_param(value: object) -> datetime.date | None:
    """``value`` (``YYYY-MM``) as the first day of that month, or None."""
    if not isinstance(value, str):
        return None
    try:
        day = datetime.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None
