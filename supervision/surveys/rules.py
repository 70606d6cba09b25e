"""How an answer counts against a national rule, shared by the response
form, the incremental summary and the rebuild, so they never disagree."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from schools.homework.rules import written_cap

from .models import Question, QuestionKind, RuleKind

# Senior secondary pupils need 8 hours (the "five managements" sleep notice);
# the portal surveys compulsory-education grades 1-9, so it applies only to a
# grade above 9, should a questionnaire ever reach one.
SLEEP_HOURS_SENIOR = 8


def sleep_need(grade: int) -> int:
    """Hours of sleep a pupil of ``grade`` needs: 10 primary, 9 junior, 8 senior."""
    if grade <= 6:
        return int(settings.SLEEP_HOURS_PRIMARY)
    if grade <= 9:
        return int(settings.SLEEP_HOURS_JUNIOR)
    return SLEEP_HOURS_SENIOR


def previous_school_day(day: datetime.date) -> datetime.date:
    """The school day a response on ``day`` describes ("yesterday"): Monday
    to Friday before ``day``; on Sunday and Monday that is Friday."""
    back = {0: 3, 6: 2}.get(day.weekday(), 1)
    return day - datetime.timedelta(days=back)


_RULE_COLUMNS = {
    RuleKind.PHONE_IN_SCHOOL.value: ("phone_n", "phone_flag"),
    RuleKind.AFTERSCHOOL.value: ("after_n", "after_flag"),
    RuleKind.PAID_TUTORING.value: ("tutor_n", "tutor_flag"),
}

# (question id, field name, kind, rule, options that count)
Compiled = list[tuple[int, str, str, str, frozenset[int]]]


def compile_questions(questions: Iterable[Question]) -> Compiled:
    """The questions as plain tuples: a rebuild reads a round's responses
    through this, hundreds of thousands of times."""
    return [
        (q.pk, q.field_name, str(q.kind), str(q.rule), frozenset(int(f) for f in q.flag_choices or []))
        for q in questions
        if q.kind != QuestionKind.TEXT
    ]


def exclusive_clash(question: Question, chosen: Iterable[Any] | None) -> int | None:
    """The option marked exclusive (such as “none of the above”) that ``chosen``
    names together with another option of ``question``, or None. Such an
    answer contradicts itself: the form and the service both refuse it."""
    picked = {int(v) for v in chosen or []}
    if len(picked) < 2:
        return None
    return next((int(n) for n in question.exclusive_choices or [] if int(n) in picked), None)


def _chosen(value: Any) -> list[int]:
    if isinstance(value, list):
        return [int(v) for v in value]
    return [int(value)]


def contributions(
    questions: Iterable[Question] | Compiled, answers: Mapping[str, Any], *, grade: int
) -> tuple[dict[str, float], list[tuple[int, int, int, float]]]:
    """What one response adds to the summary rows: the rule columns of
    :class:`SurveyTally` (``n`` included) and ``(question, option, count,
    sum)`` rows of :class:`SurveyAnswerTally`."""
    compiled = questions if isinstance(questions, list) and questions and isinstance(questions[0], tuple) else None
    if compiled is None:
        compiled = compile_questions(questions)  # type: ignore[arg-type]
    tally: dict[str, float] = {"n": 1}
    rows: list[tuple[int, int, int, float]] = []
    for pk, field_name, kind, rule, flags in compiled:
        value = answers.get(field_name)
        if value is None or value == "" or value == []:
            continue
        if kind == "number":
            number = float(value)
            rows.append((pk, 0, 1, number))
            if rule == "homework_minutes":
                tally["hw_n"] = tally.get("hw_n", 0) + 1
                tally["hw_sum"] = tally.get("hw_sum", 0) + number
                tally["hw_over"] = tally.get("hw_over", 0) + (number > written_cap(grade))
            elif rule == "sleep_hours":
                tally["sleep_n"] = tally.get("sleep_n", 0) + 1
                tally["sleep_sum"] = tally.get("sleep_sum", 0) + number
                tally["sleep_under"] = tally.get("sleep_under", 0) + (number < sleep_need(grade))
            continue
        chosen = _chosen(value)
        rows.extend((pk, option, 1, 0.0) for option in chosen)
        columns = _RULE_COLUMNS.get(rule)
        if columns is not None:
            answered, flagged = columns
            tally[answered] = tally.get(answered, 0) + 1
            tally[flagged] = tally.get(flagged, 0) + (not flags.isdisjoint(chosen))
    return tally, rows


# Week-day names in the report files (their format: Chinese); 0 is a paper tally.
WEEKDAY_NAMES = {
    0: "纸质问卷",
    1: "星期一",
    2: "星期二",
    3: "星期三",
    4: "星期四",
    5: "星期五",
    6: "星期六",
    7: "星期日",
}
