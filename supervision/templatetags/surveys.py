"""Number formats of the survey pages and reports."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe
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


@register.filter
def figure_cells(f: object) -> SafeString:
    """The eight figure cells of a row (responses, homework, over the cap,
    sleep, short of sleep, phones, after-school, tutoring), matching
    ``_figures_head.html``. A filter, not an included template: the bureau's
    page has some 200 such rows, and an include per row cost more than the
    page's queries."""
    if f is None or f == "":
        return SafeString("")
    values = (
        str(int(getattr(f, "n", 0) or 0)),
        minutes(getattr(f, "hw_avg", None)),
        pct(getattr(f, "hw_over_share", None)),
        hours(getattr(f, "sleep_avg", None)),
        pct(getattr(f, "sleep_under_share", None)),
        pct(getattr(f, "phone_share", None)),
        pct(getattr(f, "after_share", None)),
        pct(getattr(f, "tutor_share", None)),
    )
    # Safe without escaping: each value is a number this module formatted
    # (digits, ".", "%" or "—"), never text from a user.
    return mark_safe("".join(f'<td class="text-end">{v}</td>' for v in values))
