"""Number formats of the survey pages and reports."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

WEEKDAYS = {
    0: _("paper"),
    1: _("Monday"),
    2: _("Tuesday"),
    3: _("Wednesday"),
    4: _("Thursday"),
    5: _("Friday"),
    6: _("Saturday"),
    7: _("Sunday"),
}


def _number(value: object) -> float | None:
    # A missing object in a template lookup arrives as "" (string_if_invalid).
    return float(value) if isinstance(value, int | float) else None


@register.filter
def pct(value: object) -> str:
    number = _number(value)
    return "—" if number is None else f"{number * 100:.1f}%"


@register.filter
def minutes(value: object) -> str:
    number = _number(value)
    return "—" if number is None else f"{number:.0f}"


@register.filter
def hours(value: object) -> str:
    number = _number(value)
    return "—" if number is None else f"{number:.1f}"


@register.filter
def weekday(value: int) -> str:
    return str(WEEKDAYS.get(int(value), value))


@register.filter
def grade_name(value: int) -> str:
    from schools.homework.rules import GRADE_NAMES

    return str(GRADE_NAMES.get(int(value), value))
