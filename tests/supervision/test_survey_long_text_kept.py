"""The public survey form's free-text question carries no ``maxlength``: a
browser would cut a longer pasted text without a word. The server refuses a
text over 500 characters with the count in Chinese, stores nothing, and the
page gives the whole text back to be shortened; so does any other refusal
of the page."""

from __future__ import annotations

import html
import re

import pytest

from supervision.surveys.models import QuestionKind, SurveyResponse, SurveyTally, SurveyTextAnswer
from tests.supervision.surveys.helpers import open_link, open_round, post_link, public_client

pytestmark = pytest.mark.django_db


def long_text(n: int) -> str:
    head = "孩子说 A&B <作业>\n"
    return head + "多" * (n - len(head))


def textareas(page: str) -> dict[str, str]:
    """The text in each named text area, as the browser shows it (an HTML
    parser drops one line feed right after the opening tag)."""
    found = {}
    for attrs, body in re.findall(r"<textarea([^>]*)>(.*?)</textarea>", page, flags=re.S):
        name = re.search(r'name="([^"]+)"', attrs)
        assert name is not None
        text = html.unescape(body)
        found[name.group(1)] = text[1:] if text.startswith("\n") else text
    return found


def no_maxlength_on_textareas(page: str) -> bool:
    tags = re.findall(r"<textarea[^>]*>", page)
    return bool(tags) and not any("maxlength" in tag for tag in tags)


def text_field(survey_round) -> str:
    return survey_round.questionnaire.questions.get(kind=QuestionKind.TEXT).field_name


def test_the_form_has_no_maxlength(world) -> None:
    survey_round = open_round(world)
    page = open_link(public_client(), survey_round, world.school_a).content.decode()
    assert text_field(survey_round) in textareas(page)
    assert no_maxlength_on_textareas(page)


def test_too_long_text_is_refused_and_given_back(world) -> None:
    survey_round = open_round(world)
    client = public_client()
    open_link(client, survey_round, world.school_a)
    text = long_text(501)
    response = post_link(client, survey_round, world.school_a, minutes=75, text=text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "最多能填写 500 个字（现在是 501 个），请删减。" in page
    assert textareas(page)[text_field(survey_round)] == text
    assert no_maxlength_on_textareas(page)
    # The other answers come back too.
    assert 'value="75"' in page
    assert not SurveyResponse.objects.exists()
    assert not SurveyTextAnswer.objects.exists()
    assert not SurveyTally.objects.exists()
    # Shortened, it goes through.
    assert post_link(client, survey_round, world.school_a, minutes=75, text=text[:500]).status_code == 302
    assert SurveyTextAnswer.objects.get().text == text[:500]


def test_another_refusal_gives_the_text_back(world) -> None:
    """Without the survey's cookie the answer is refused; the text is kept."""
    survey_round = open_round(world)
    text = long_text(300)
    response = post_link(public_client(), survey_round, world.school_a, text=text)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="refusal"' in page
    assert textareas(page)[text_field(survey_round)] == text
    assert no_maxlength_on_textareas(page)
    assert not SurveyResponse.objects.exists()
