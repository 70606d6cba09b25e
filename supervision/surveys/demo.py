"""Demo surveys: the two ready questionnaires, one closed round of the
parents' questionnaire with answers from several schools (two of them under
the threshold) and one open round of the pupils' questionnaire. Idempotent:
a round of the demo's name is left as it is."""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.utils import timezone

from schools.models import School

from .models import Question, QuestionKind, Questionnaire, SurveyRound
from .seed import PARENTS_KEY, PUPILS_KEY, seed_questionnaires
from .services import response_submit, round_create

CLOSED_NAME = "本学期家长课业负担问卷（演示）"
OPEN_NAME = "学生课业负担问卷（演示，进行中）"
TEXTS = [
    "数学作业太多了，孩子经常写到晚上十点。",
    "希望王老师少布置抄写作业，我的电话13912345678可以联系。",
    "课后服务很好，孩子喜欢。",
    "周末有老师在外面办补习班，三班的家长都知道。",
    "",
]


def _answers(
    rng: random.Random, questions: list[Question], grade: int, heavy: bool
) -> tuple[dict[str, Any], dict[int, str]]:
    answers: dict[str, Any] = {}
    texts: dict[int, str] = {}
    for q in questions:
        if q.kind == QuestionKind.NUMBER and q.rule == "homework_minutes":
            base = 20 if grade <= 2 else (55 if grade <= 6 else 85)
            answers[q.field_name] = float(max(0, round(rng.gauss(base + (25 if heavy else 0), 20) / 5) * 5))
        elif q.kind == QuestionKind.NUMBER:
            need = 10 if grade <= 6 else 9
            answers[q.field_name] = round(rng.gauss(need - (1 if heavy else 0.3), 0.7) * 2) / 2
        elif q.kind == QuestionKind.SINGLE:
            weights = [6, 3, 1] if len(q.choices) == 3 else [1] * len(q.choices)
            answers[q.field_name] = rng.choices(range(1, len(q.choices) + 1), weights=weights)[0]
        elif q.kind == QuestionKind.MULTIPLE:
            answers[q.field_name] = sorted(rng.sample(range(1, len(q.choices)), rng.randint(1, 2)))
        elif q.kind == QuestionKind.SCALE:
            answers[q.field_name] = rng.randint(2 if heavy else 3, 5)
        elif q.kind == QuestionKind.TEXT and rng.random() < 0.15:
            text = rng.choice(TEXTS)
            if text:
                texts[q.pk] = text
    return answers, texts


def _fill(rng: random.Random, survey_round: SurveyRound, schools: list[School], counts: list[int]) -> None:
    questions = list(survey_round.questionnaire.questions.all())
    entries = {e.school_id: e for e in survey_round.entries.select_related("round__questionnaire", "school")}
    days = (min(survey_round.closes_on, timezone.localdate()) - survey_round.opens_on).days + 1
    for school, count in zip(schools, counts, strict=True):
        entry = entries[school.pk]
        grades = [g for g in survey_round.grades if g in school.grades]
        heavy = school.pk % 3 == 0
        for _i in range(count):
            grade = rng.choice(grades)
            day = survey_round.opens_on + datetime.timedelta(days=rng.randrange(days))
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, rng.randrange(60))))
            answers, texts = _answers(rng, questions, grade, heavy)
            response_submit(
                entry=entry,
                questions=questions,
                grade=grade,
                class_number=rng.randint(1, 6) if survey_round.questionnaire.ask_class else None,
                answers=answers,
                texts=texts,
                device_id=f"demo-{rng.getrandbits(64):016x}",
                now=min(at, timezone.now()),
            )


def build_surveys_demo(rng: random.Random, *, today: datetime.date, schools: list[School], bureau: Any) -> None:
    seed_questionnaires(Questionnaire, Question)
    if not SurveyRound.objects.filter(name=CLOSED_NAME).exists():
        chosen = schools[:8]
        closed = round_create(
            name=CLOSED_NAME,
            questionnaire=Questionnaire.objects.get(key=PARENTS_KEY, version=1),
            schools=chosen,
            grades=list(range(1, 10)),
            opens_on=today - datetime.timedelta(days=30),
            closes_on=today - datetime.timedelta(days=16),
            by=bureau,
        )
        # Six schools past the threshold, two under it.
        _fill(rng, closed, chosen, [36, 28, 45, 19, 24, 31, 6, 3])
    if not SurveyRound.objects.filter(name=OPEN_NAME).exists():
        chosen = [s for s in schools if set(s.grades) & set(range(3, 10))][8:14]
        opened = round_create(
            name=OPEN_NAME,
            questionnaire=Questionnaire.objects.get(key=PUPILS_KEY, version=1),
            schools=chosen,
            grades=list(range(3, 10)),
            opens_on=today - datetime.timedelta(days=2),
            closes_on=today + datetime.timedelta(days=12),
            by=bureau,
        )
        _fill(rng, opened, chosen, [12, 4, 9, 15, 2, 7])
