"""Reading ids from query strings and forms.

``str.isdigit`` is not the test for an id: it is true for "²", "①" and
other Unicode digits that ``int`` refuses (a 500), and a 30-digit number
overflows the database's integer (another 500). An id is 1 to 9 ASCII
digits; anything else is no id."""

from __future__ import annotations

import re

_ID = re.compile(r"[0-9]{1,9}")


def int_param(value: object) -> int | None:
    """``value`` as an id, or None when it is not one."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None
