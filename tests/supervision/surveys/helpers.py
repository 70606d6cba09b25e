"""Rounds and answers for the survey tests."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schools.models import SchoolType
from supervision.surveys.models import Question, Questionnaire, RoundSchool, SurveyRound
from supervision.surveys.seed import PARENTS_KEY, PUPILS_KEY, seed_questionnaires
from supervision.surveys.services import response_submit, round_create

_devices = itertools.count(1)


def parents_questionnaire() -> Questionnaire:
    seed_questionnaires(Questionnaire, Question)
    return Questionnaire.objects.get(key=PARENTS_KEY, version=1)


def pupils_questionnaire() -> Questionnaire:
    seed_questionnaires(Questionnaire, Question)
    return Questionnaire.objects.get(key=PUPILS_KEY, version=1)


def open_round(world: Any, *, schools: list[Any] | None = None, days_ago: int = 1, days_left: int = 10) -> SurveyRound:
    today = timezone.localdate()
    return round_create(
        name="测试问卷轮次",
        questionnaire=parents_questionnaire(),
        schools=schools if schools is not None else [world.school_a, world.school_b],
        grades=list(range(1, 10)),
        opens_on=today - datetime.timedelta(days=days_ago),
        closes_on=today + datetime.timedelta(days=days_left),
        by=world.bureau,
    )


def make_junior(school: Any) -> Any:
    """Make a school a junior secondary one (grades 7-9): the factory's
    schools are primary, whose links take grades 1-6 only."""
    school.school_type = SchoolType.JUNIOR
    school.save(update_fields=["school_type"])
    return school


def entry(survey_round: SurveyRound, school: Any) -> RoundSchool:
    return RoundSchool.objects.select_related("round__questionnaire", "school").get(round=survey_round, school=school)


def form_data(
    survey_round: SurveyRound,
    *,
    grade: int = 4,
    minutes: float = 50,
    sleep: float = 9.5,
    phone: int = 1,
    after: int = 1,
    tutor: int = 1,
    text: str = "",
) -> dict[str, Any]:
    """POST data of the parents' questionnaire."""
    data: dict[str, Any] = {"grade": grade}
    for q in survey_round.questionnaire.questions.all():
        if q.rule == "homework_minutes":
            data[q.field_name] = minutes
        elif q.rule == "sleep_hours":
            data[q.field_name] = sleep
        elif q.rule == "phone_in_school":
            data[q.field_name] = phone
        elif q.rule == "afterschool":
            data[q.field_name] = after
        elif q.rule == "paid_tutoring":
            data[q.field_name] = tutor
        elif q.kind == "single":
            data[q.field_name] = 1
        elif q.kind == "multiple":
            data[q.field_name] = [1, 2]
        elif q.kind == "scale":
            data[q.field_name] = 4
        elif q.kind == "text":
            data[q.field_name] = text
    return data


def answers_of(survey_round: SurveyRound, school: Any, **kwargs: Any) -> tuple[dict[str, Any], dict[int, str]]:
    """The same answers as the service takes them."""
    from supervision.surveys.forms import ResponseForm

    data = form_data(survey_round, **kwargs)
    questions = list(survey_round.questionnaire.questions.all())
    form = ResponseForm(data, entry=entry(survey_round, school), questions=questions)
    assert form.is_valid(), form.errors
    return form.answers()


def submit(survey_round: SurveyRound, school: Any, *, now: datetime.datetime | None = None, **kwargs: Any) -> Any:
    """A response stored through the service, as from a new device."""
    grade = kwargs.get("grade", 4)
    answers, texts = answers_of(survey_round, school, **kwargs)
    return response_submit(
        entry=entry(survey_round, school),
        questions=list(survey_round.questionnaire.questions.all()),
        grade=grade,
        class_number=None,
        answers=answers,
        texts=texts,
        device_id=f"test-device-{next(_devices):08d}",
        now=now,
    )


def public_client(ip: str = "203.0.113.5", agent: str = "Mozilla/5.0 (iPhone)") -> Client:
    return Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def open_link(client: Client, survey_round: SurveyRound, school: Any) -> Any:
    return client.get(reverse("surveys:public_form", args=[entry(survey_round, school).token]))


def post_link(client: Client, survey_round: SurveyRound, school: Any, **kwargs: Any) -> Any:
    data = form_data(survey_round, **kwargs)
    return client.post(reverse("surveys:public_form", args=[entry(survey_round, school).token]), data)
