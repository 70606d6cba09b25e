"""How an answer counts against a national rule, shared by the response
form, the incremental summary and the rebuild, so they never disagree."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from schools.rules import written_cap

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
    RuleKind.PHONE_IN_SCHOOL: ("phone_n", "phone_flag"),
    RuleKind.AFTERSCHOOL: ("after_n", "after_flag"),
    RuleKind.PAID_TUTORING: ("tutor_n", "tutor_flag"),
}


def _chosen(value: Any) -> list[int]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [int(v) for v in value]
    return [int(value)]


def contributions(
    questions: Iterable[Question], answers: Mapping[str, Any], *, grade: int
) -> tuple[dict[str, float], list[tuple[int, int, int, float]]]:
    """What one response adds to the summary rows: the rule columns of
    :class:`SurveyTally` (``n`` included) and ``(question, option, count,
    sum)`` rows of :class:`SurveyAnswerTally`."""
    tally: dict[str, float] = {"n": 1}
    rows: list[tuple[int, int, int, float]] = []
    for q in questions:
        value = answers.get(q.field_name)
        if value is None or value == "" or value == [] or q.kind == QuestionKind.TEXT:
            continue
        if q.kind == QuestionKind.NUMBER:
            number = float(value)
            rows.append((q.pk, 0, 1, number))
            if q.rule == RuleKind.HOMEWORK_MINUTES:
                tally["hw_n"] = tally.get("hw_n", 0) + 1
                tally["hw_sum"] = tally.get("hw_sum", 0) + number
                tally["hw_over"] = tally.get("hw_over", 0) + (number > written_cap(grade))
            elif q.rule == RuleKind.SLEEP_HOURS:
                tally["sleep_n"] = tally.get("sleep_n", 0) + 1
                tally["sleep_sum"] = tally.get("sleep_sum", 0) + number
                tally["sleep_under"] = tally.get("sleep_under", 0) + (number < sleep_need(grade))
            continue
        chosen = _chosen(value)
        rows.extend((q.pk, option, 1, 0.0) for option in chosen)
        if q.rule in _RULE_COLUMNS:
            answered, flagged = _RULE_COLUMNS[RuleKind(q.rule)]
            tally[answered] = tally.get(answered, 0) + 1
            flags = {int(f) for f in q.flag_choices or []}
            tally[flagged] = tally.get(flagged, 0) + bool(flags.intersection(chosen))
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
