"""The public response form of a school's link and each of its abuse
controls: one response per device (signed cookie), the per-school rate
limit, the CAPTCHA after a burst, the opening dates; anonymous storage; bad
input changes nothing."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jianfu.counters import _redis_state
from jianfu.models import AuditEvent
from schools.models import SchoolType
from supervision.surveys.models import (
    Question,
    QuestionKind,
    SurveyAnswerTally,
    SurveyRateCounter,
    SurveyResponse,
    SurveySchoolTally,
    SurveyTally,
    SurveyTextAnswer,
)
from supervision.surveys.services import SurveyError, _count_hits, response_submit, round_create
from supervision.surveys.views import DEVICE_COOKIE
from tests.supervision.helpers import captcha_solve

from .helpers import entry, form_data, open_link, open_round, parents_questionnaire, post_link, public_client

pytestmark = pytest.mark.django_db


def test_a_parent_answers_once_and_the_summary_follows(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    client = public_client()
    page = open_link(client, survey_round, world.school_a)
    assert page.status_code == 200
    assert world.school_a.name in page.content.decode()
    assert DEVICE_COOKIE in page.cookies
    response = post_link(client, survey_round, world.school_a, minutes=75, grade=4, text="作业太多")
    assert response.status_code == 302
    stored = SurveyResponse.objects.get()
    assert (stored.school_id, stored.grade) == (world.school_a.pk, 4)
    tally = SurveyTally.objects.get()
    assert (tally.n, tally.hw_n, tally.hw_sum, tally.hw_over) == (1, 1, 75, 1)  # grade 4: cap 60
    assert SurveyTextAnswer.objects.get().text == "作业太多"

    again = post_link(client, survey_round, world.school_a, minutes=10)
    assert "已经填写过" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    assert SurveyTally.objects.get().n == 1
    # Opening the link again says so at once.
    assert "已经填写过" in open_link(client, survey_round, world.school_a).content.decode()


def test_nothing_identifying_is_stored(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    client = public_client(ip="198.51.100.77")
    open_link(client, survey_round, world.school_a)
    cookie = client.cookies[DEVICE_COOKIE].value
    post_link(client, survey_round, world.school_a)
    stored = SurveyResponse.objects.get()
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not fields & {"ip", "ip_address", "name", "phone", "user_agent"}
    row = str(SurveyResponse.objects.filter(pk=stored.pk).values().get())
    assert "198.51.100.77" not in row and cookie.split(":")[0] not in row
    counters = str(list(SurveyRateCounter.objects.values_list("counter_key", flat=True)))
    assert "198.51.100.77" not in counters
    # Nor does the audit trail tie the address to the response.
    assert not AuditEvent.objects.filter(ip_address="198.51.100.77").exists()


def test_without_the_cookie_nothing_is_stored(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    response = post_link(public_client(), survey_round, world.school_a)
    assert response.status_code == 400
    assert "Cookie" in response.content.decode() or "cookie" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_another_device_may_answer(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    for ip in ("203.0.113.1", "203.0.113.2"):
        client = public_client(ip=ip)
        open_link(client, survey_round, world.school_a)
        assert post_link(client, survey_round, world.school_a).status_code == 302
    assert SurveyResponse.objects.count() == 2


@pytest.mark.parametrize(
    ("days_ago", "days_left", "words"), [(-2, 5, "尚未开始"), (10, -1, "已结束")], ids=["before", "after"]
)
def test_outside_the_opening_dates_refused_clearly(world, days_ago, days_left, words) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world, days_ago=days_ago, days_left=days_left)
    client = public_client()
    page = open_link(client, survey_round, world.school_a)
    assert page.status_code == 403 and words in page.content.decode()
    client.cookies[DEVICE_COOKIE] = "x"  # even with a cookie of sorts
    refused = post_link(client, survey_round, world.school_a)
    assert refused.status_code == 403 and words in refused.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_round_closed_early_takes_no_more(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    client = public_client()
    open_link(client, survey_round, world.school_a)
    survey_round.closed_at = timezone.now()
    survey_round.save()
    assert post_link(client, survey_round, world.school_a).status_code == 403
    assert not SurveyResponse.objects.exists()


@override_settings(SURVEY_RATE_LIMIT_PER_SCHOOL_MINUTE=3, SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE=100)
def test_the_school_rate_limit(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    codes = []
    for i in range(4):
        client = public_client(ip=f"203.0.113.{10 + i}")
        open_link(client, survey_round, world.school_a)
        codes.append(post_link(client, survey_round, world.school_a).status_code)
    assert codes == [302, 302, 302, 429]
    assert SurveyResponse.objects.count() == 3
    # The limit is the school's: the other school's link still takes answers.
    client = public_client(ip="203.0.113.99")
    open_link(client, survey_round, world.school_b)
    assert post_link(client, survey_round, world.school_b).status_code == 302


@override_settings(SURVEY_CAPTCHA_AFTER_PER_CLIENT_HOUR=2)
def test_a_captcha_after_a_burst_from_one_client(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    for _i in range(2):
        client = public_client()  # the same address and browser, a fresh device each time
        open_link(client, survey_round, world.school_a)
        assert post_link(client, survey_round, world.school_a).status_code == 302
    client = public_client()
    open_link(client, survey_round, world.school_a)
    asked = post_link(client, survey_round, world.school_a)
    assert asked.status_code == 400
    assert 'data-testid="captcha"' in asked.content.decode()
    assert SurveyResponse.objects.count() == 2
    # A wrong answer: still refused.
    wrong = client.post(asked.request["PATH_INFO"], {**_data(survey_round), "captcha": "999"})
    assert wrong.status_code == 400 and SurveyResponse.objects.count() == 2
    answer = captcha_solve(client)
    solved = client.post(asked.request["PATH_INFO"], {**_data(survey_round), "captcha": answer})
    assert solved.status_code == 302
    assert SurveyResponse.objects.count() == 3


@override_settings(SURVEY_CAPTCHA_AFTER_PER_CLIENT_HOUR=1, TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_parent_is_a_client_of_their_own(world) -> None:  # type: ignore[no-untyped-def]
    """Behind the proxy every parent had the proxy's address: with the same
    phone browser, the second parent of the hour was asked for a CAPTCHA."""
    from django.test import Client

    survey_round = open_round(world)
    proxy, agent = "172.18.0.2", "Mozilla/5.0 (iPhone)"

    def parent(forwarded: str) -> Client:
        client = Client(REMOTE_ADDR=proxy, HTTP_USER_AGENT=agent, HTTP_X_FORWARDED_FOR=forwarded)
        open_link(client, survey_round, world.school_a)
        return client

    assert post_link(parent("203.0.113.5"), survey_round, world.school_a).status_code == 302
    assert post_link(parent("198.51.100.6"), survey_round, world.school_a).status_code == 302
    # The first parent again (another device, a forged first entry): their own limit holds.
    again = post_link(parent("1.2.3.4, 203.0.113.5"), survey_round, world.school_a)
    assert again.status_code == 400 and 'data-testid="captcha"' in again.content.decode()
    assert SurveyResponse.objects.count() == 2


@override_settings(SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE=2)
def test_a_captcha_after_a_burst_on_the_school(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    codes = []
    for i in range(3):
        client = public_client(ip=f"203.0.113.{20 + i}")
        open_link(client, survey_round, world.school_a)
        codes.append(post_link(client, survey_round, world.school_a).status_code)
    assert codes == [302, 302, 400]


def _data(survey_round):  # type: ignore[no-untyped-def]
    from .helpers import form_data

    return form_data(survey_round)


def test_bad_input_gets_a_chinese_message_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    survey_round = open_round(world)
    client = public_client()
    open_link(client, survey_round, world.school_a)
    response = post_link(client, survey_round, world.school_a, minutes=900)
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写" in body and "0" in body and "300" in body
    missing = post_link(client, survey_round, world.school_a, grade="")
    assert "请选择年级" in missing.content.decode()
    outside = post_link(client, survey_round, world.school_a, grade=12)
    assert outside.status_code == 400
    assert not SurveyResponse.objects.exists() and not SurveyTally.objects.exists()


def test_a_primary_school_link_offers_and_takes_grades_1_to_6_only(world) -> None:  # type: ignore[no-untyped-def]
    """The walk answered grade 8 on a primary school's link, and it was stored."""
    survey_round = open_round(world)  # grades 1-9; school_a is a primary school
    client = public_client()
    page = open_link(client, survey_round, world.school_a).content.decode()
    assert "六年级" in page and "七年级" not in page and "八年级" not in page
    refused = post_link(client, survey_round, world.school_a, grade=8)
    body = refused.content.decode()
    assert refused.status_code == 400
    assert world.school_a.name in body and "一年级、二年级、三年级、四年级、五年级、六年级" in body
    assert not SurveyResponse.objects.exists() and not SurveyTally.objects.exists()
    # The service refuses it too, whatever the caller.
    with pytest.raises(SurveyError, match="请从中选择年级"):
        response_submit(
            entry=entry(survey_round, world.school_a),
            questions=list(survey_round.questionnaire.questions.all()),
            grade=8,
            class_number=None,
            answers={},
            texts={},
            device_id="test-device-grade-8",
        )
    assert not SurveyResponse.objects.exists()
    assert post_link(client, survey_round, world.school_a, grade=6).status_code == 302


@pytest.mark.parametrize(
    ("school_type", "offered", "refused"),
    [(SchoolType.JUNIOR, [7, 8, 9], 4), (SchoolType.NINE_YEAR, list(range(1, 10)), None)],
    ids=["junior", "nine-year"],
)
def test_a_link_offers_the_grades_the_school_teaches(world, school_type, offered, refused) -> None:  # type: ignore[no-untyped-def]
    world.school_b.school_type = school_type
    world.school_b.save()
    survey_round = open_round(world)
    assert entry(survey_round, world.school_b).grades == offered
    client = public_client()
    form = open_link(client, survey_round, world.school_b).context["form"]
    assert [value for value, _label in form.fields["grade"].choices if value != ""] == offered
    if refused is not None:
        assert post_link(client, survey_round, world.school_b, grade=refused).status_code == 400
        assert not SurveyResponse.objects.exists()
    assert post_link(client, survey_round, world.school_b, grade=offered[-1]).status_code == 302


def test_a_round_refuses_a_school_teaching_none_of_its_grades(world) -> None:  # type: ignore[no-untyped-def]
    world.school_b.school_type = SchoolType.JUNIOR
    world.school_b.save()
    today = timezone.localdate()
    with pytest.raises(SurveyError, match="没有本轮调查的年级"):
        round_create(
            name="小学段问卷",
            questionnaire=parents_questionnaire(),
            schools=[world.school_a, world.school_b],
            grades=[1, 2, 3, 4, 5, 6],
            opens_on=today,
            closes_on=today,
            by=world.bureau,
        )


def _multiple(survey_round):  # type: ignore[no-untyped-def]
    return survey_round.questionnaire.questions.get(kind=QuestionKind.MULTIPLE)


def test_none_of_the_above_with_another_option_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    """The walk ticked 要求家长批改作业 and 以上都没有 together, and it was stored."""
    survey_round = open_round(world)
    question = _multiple(survey_round)
    assert question.choices[3] == "以上都没有"
    client = public_client()
    open_link(client, survey_round, world.school_a)
    url = reverse("surveys:public_form", args=[entry(survey_round, world.school_a).token])
    refused = client.post(url, {**form_data(survey_round), question.field_name: [1, 4]})
    body = refused.content.decode()
    assert refused.status_code == 400 and "“以上都没有”不能与其他选项同时选择" in body
    assert not SurveyResponse.objects.exists() and not SurveyTally.objects.exists()
    with pytest.raises(SurveyError, match="以上都没有"):
        response_submit(
            entry=entry(survey_round, world.school_a),
            questions=list(survey_round.questionnaire.questions.all()),
            grade=4,
            class_number=None,
            answers={question.field_name: [1, 4]},
            texts={},
            device_id="test-device-none-and-one",
        )
    assert not SurveyResponse.objects.exists() and not SurveyAnswerTally.objects.exists()
    # Alone it is a fine answer, and so are the other options together.
    assert client.post(url, {**form_data(survey_round), question.field_name: [4]}).status_code == 302
    other = public_client(ip="203.0.113.6")
    open_link(other, survey_round, world.school_a)
    assert other.post(url, {**form_data(survey_round), question.field_name: [1, 2, 3]}).status_code == 302
    assert SurveyResponse.objects.count() == 2
    # The rule is the question's data: its option 4 is marked exclusive.
    assert question.exclusive_choices == [4]


def test_an_exclusive_option_is_data_of_any_multiple_choice_question() -> None:
    from supervision.surveys.rules import exclusive_clash

    question = Question(kind=QuestionKind.MULTIPLE, choices=["甲", "乙", "都不是"], exclusive_choices=[3])
    assert exclusive_clash(question, [1, 3]) == 3
    assert exclusive_clash(question, [3]) is None and exclusive_clash(question, [1, 2]) is None
    assert exclusive_clash(Question(kind=QuestionKind.MULTIPLE, choices=["甲", "乙"]), [1, 2]) is None
    question.exclusive_choices = [1]
    assert exclusive_clash(question, [1, 2]) == 1
    # Only a multiple-choice question has them, and only of its own options.
    with pytest.raises(ValidationError):
        Question(kind=QuestionKind.SINGLE, choices=["甲", "乙"], exclusive_choices=[2]).clean()
    with pytest.raises(ValidationError):
        Question(kind=QuestionKind.MULTIPLE, choices=["甲", "乙"], exclusive_choices=[3]).clean()


def test_databases_seeded_before_exclusive_options_get_them_marked(world) -> None:  # type: ignore[no-untyped-def]
    from supervision.surveys.models import Questionnaire
    from supervision.surveys.seed import mark_exclusive_choices
    from supervision.surveys.services import questionnaire_new_version

    survey_round = open_round(world)
    copy = questionnaire_new_version(questionnaire=survey_round.questionnaire)
    Question.objects.update(exclusive_choices=[])
    assert mark_exclusive_choices(Questionnaire, Question) == 2  # both versions' multiple-choice question
    assert _multiple(survey_round).exclusive_choices == [4]
    assert copy.questions.get(kind=QuestionKind.MULTIPLE).exclusive_choices == [4]
    assert mark_exclusive_choices(Questionnaire, Question) == 0


def test_unknown_link_is_404(world) -> None:  # type: ignore[no-untyped-def]
    assert public_client().get("/s/no-such-token/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_rate_counter_loses_no_hit_under_concurrency() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    window = timezone.now().replace(second=0, microsecond=0)
    seen: list[int] = []
    lock = threading.Lock()

    def hit() -> None:
        try:
            for _ in range(5):
                count = _count_hits([("s:concurrency", window)])["s:concurrency"]
                with lock:
                    seen.append(count)
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 31))
    assert SurveyRateCounter.objects.get(counter_key="s:concurrency").hits == 30


@override_settings(
    REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens on port 1: a real refused connection
    SURVEY_RATE_LIMIT_PER_SCHOOL_MINUTE=2,
    SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE=100,
)
def test_with_redis_down_the_limits_count_in_the_database_and_nothing_is_lost(world) -> None:  # type: ignore[no-untyped-def]
    _redis_state["paused_until"] = 0.0
    survey_round = open_round(world)
    codes = []
    for i in range(3):
        client = public_client(ip=f"203.0.113.{40 + i}")
        open_link(client, survey_round, world.school_a)
        codes.append(post_link(client, survey_round, world.school_a).status_code)
    assert codes == [302, 302, 429]
    # Every response a parent was told was received is stored, with its summary rows.
    assert SurveyResponse.objects.count() == 2
    assert SurveySchoolTally.objects.get().n == 2
    assert SurveyRateCounter.objects.filter(counter_key__startswith="s:").get().hits == 3
    _redis_state["paused_until"] = 0.0


def test_with_redis_up_the_limits_count_in_redis(world) -> None:  # type: ignore[no-untyped-def]
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    survey_round = open_round(world)
    with override_settings(SURVEY_RATE_LIMIT_PER_SCHOOL_MINUTE=1, SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE=100):
        codes = []
        for i in range(2):
            client = public_client(ip=f"203.0.113.{50 + i}")
            open_link(client, survey_round, world.school_a)
            codes.append(post_link(client, survey_round, world.school_a).status_code)
    assert codes == [302, 429]
    assert not SurveyRateCounter.objects.exists()
    assert SurveyResponse.objects.count() == 1


def test_a_form_post_is_few_statements_and_no_session(world) -> None:  # type: ignore[no-untyped-def]
    """The hot path: the link, the counters (database when there is no
    Redis), and ONE statement storing the response, its text and its three
    summary rows; no session read or write."""
    survey_round = open_round(world)
    client = public_client()
    open_link(client, survey_round, world.school_a)
    url = reverse("surveys:public_form", args=[entry(survey_round, world.school_a).token])
    data = form_data(survey_round, text="作业太多")
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(url, data).status_code == 302
    sqls = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert not [s for s in sqls if "django_session" in s]
    if connection.vendor == "postgresql":  # one statement needs data-modifying CTEs
        inserts = [s for s in sqls if "supervision_surveyresponse" in s]
        assert len(inserts) == 1 and "supervision_surveyschooltally" in inserts[0]
        assert len(sqls) <= (2 if settings.REDIS_URL else 3), "\n".join(s[:150] for s in sqls)
    assert SurveyTextAnswer.objects.get().text == "作业太多"
    assert SurveyTally.objects.get().n == 1 and SurveySchoolTally.objects.get().n == 1
