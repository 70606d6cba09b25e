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


@register.filter
def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


@register.filter
def hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.filter
def weekday(value: int) -> str:
    return str(WEEKDAYS.get(int(value), value))


@register.filter
def grade_name(value: int) -> str:
    from schools.rules import GRADE_NAMES

    return str(GRADE_NAMES.get(int(value), value))
