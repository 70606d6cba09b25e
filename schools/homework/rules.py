"""The national homework caps as database expressions.

The caps come from settings (the national rules' defaults: grades 1-2 no written
homework to take home, 3-6 at most 60 minutes, 7-9 at most 90), and are
applied when a page is read, not frozen into the rows: a class-day row
stores the facts (minutes of written homework), and whether it is compliant
is a condition on those columns that every aggregate, filter and list shares."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

GRADE_NAMES = {
    1: _("Grade 1"),
    2: _("Grade 2"),
    3: _("Grade 3"),
    4: _("Grade 4"),
    5: _("Grade 5"),
    6: _("Grade 6"),
    7: _("Grade 7"),
    8: _("Grade 8"),
    9: _("Grade 9"),
}


GRADE_RANGES = {1: _("Grades 1-2"), 3: _("Grades 3-6"), 7: _("Grades 7-9")}


# Why a class-day is not compliant: stable codes computed in the database.
REASON_LOWER_GRADES = "lower_grades_written"


REASON_OVER_CAP = "over_cap"


def written_cap(grade: int) -> int:
    """The most minutes of written homework a day allowed in ``grade``."""
    if grade <= 2:
        return int(settings.HOMEWORK_WRITTEN_CAP_GRADES_1_2)
    if grade <= 6:
        return int(settings.HOMEWORK_WRITTEN_CAP_GRADES_3_6)
    return int(settings.HOMEWORK_WRITTEN_CAP_GRADES_7_9)


def caps_summary() -> list[tuple[str, int]]:
    """(grades, cap) for pages that state the rule."""
    return [(str(label), written_cap(grade)) for grade, label in GRADE_RANGES.items()]


# The national rules' caps (the settings' defaults), by first grade of each
# range. Only the over-cap index (HomeworkDay.Meta) is built on these: a
# database condition cannot follow the settings.
NATIONAL_CAPS = {1: 0, 3: 60, 7: 90}


def _cap(grade: int, caps: dict[int, int] | None) -> int:
    return written_cap(grade) if caps is None else caps[grade]


def _lower_grades_q(prefix: str = "", caps: dict[int, int] | None = None) -> Q:
    return Q(**{f"{prefix}grade__lte": 2, f"{prefix}written_minutes__gt": _cap(1, caps)})


def _upper_grades_q(prefix: str = "", caps: dict[int, int] | None = None) -> Q:
    return Q(**{f"{prefix}grade__gte": 3, f"{prefix}grade__lte": 6, f"{prefix}written_minutes__gt": _cap(3, caps)}) | Q(
        **{f"{prefix}grade__gte": 7, f"{prefix}written_minutes__gt": _cap(7, caps)}
    )


def over_cap_q(prefix: str = "", *, caps: dict[int, int] | None = None) -> Q:
    """Class-day rows (HomeworkDay) whose written homework exceeds the cap of
    their grade (the caps of the settings unless ``caps`` are given). A plain
    condition on two columns, so that it serves as a filter, inside
    Count(filter=...) and in a Case alike."""
    return _lower_grades_q(prefix, caps) | _upper_grades_q(prefix, caps)


def reason_expression() -> Case:
    """The reason code of a class-day, "" when compliant."""
    return Case(
        When(_lower_grades_q(), then=Value(REASON_LOWER_GRADES)),
        When(_upper_grades_q(), then=Value(REASON_OVER_CAP)),
        default=Value(""),
        output_field=CharField(),
    )


def reason_text(reason: str, *, grade: int, written_minutes: int) -> str:
    """A sentence for the user saying why a class-day is not compliant."""
    if reason == REASON_LOWER_GRADES:
        return str(
            _("Grades 1 and 2 take no written homework home, but %(minutes)s minutes were recorded.")
            % {"minutes": written_minutes}
        )
    if reason == REASON_OVER_CAP:
        return str(
            _("%(minutes)s minutes of written homework is more than the %(cap)s minutes allowed in %(grade)s.")
            % {"minutes": written_minutes, "cap": written_cap(grade), "grade": GRADE_NAMES.get(grade, grade)}
        )
    return ""


def day_reason(*, grade: int, written_minutes: int) -> str:
    """The same rule as :func:`over_cap_q` for one row in memory (a form
    being filled in), so the page and the database never disagree."""
    if written_minutes <= written_cap(grade):
        return ""
    return REASON_LOWER_GRADES if grade <= 2 else REASON_OVER_CAP
