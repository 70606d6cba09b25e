"""Publishing a reviewed week of homework (审核、公示) and the public homework
page that the school's sign links to."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from schools.errors import RecordError
from schools.homework.services import homework_week_publish, homework_week_withdraw
from schools.models import HomeworkPublication
from tests.schools.factories import MONDAY, SchoolClassFactory, item, record_day

pytestmark = pytest.mark.django_db


def test_publish_then_withdraw(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a), MONDAY + datetime.timedelta(days=2), 30)
    publication = homework_week_publish(school=world.school_a, week=MONDAY, by=world.principal_a)
    assert (publication.week_start, publication.published_by) == (MONDAY, world.principal_a)
    assert publication.published_at is not None
    homework_week_withdraw(school=world.school_a, week=MONDAY, by=world.principal_a)
    assert not HomeworkPublication.objects.exists()


def test_publishing_twice_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 30)
    homework_week_publish(school=world.school_a, week=MONDAY, by=None)
    with pytest.raises(RecordError):
        homework_week_publish(school=world.school_a, week=MONDAY, by=None)


def test_an_empty_week_cannot_be_published(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_b), MONDAY, 30)  # another school's week
    with pytest.raises(RecordError):
        homework_week_publish(school=world.school_a, week=MONDAY, by=None)


def test_withdrawing_an_unpublished_week_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RecordError):
        homework_week_withdraw(school=world.school_a, week=MONDAY, by=None)


def test_a_week_starts_on_a_monday(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 30)
    with pytest.raises(RecordError):
        homework_week_publish(school=world.school_a, week=MONDAY + datetime.timedelta(days=1), by=None)


def test_public_page_shows_only_published_weeks_and_no_account_data(world) -> None:  # type: ignore[no-untyped-def]
    from schools.homework.services import homework_day_save

    school_class = SchoolClassFactory(school=world.school_a, grade=4, number=2)
    homework_day_save(
        school_class=school_class, date=MONDAY, items=[item(25, content="数学书第12页第3题")], by=world.principal_a
    )
    next_week = MONDAY + datetime.timedelta(days=7)
    homework_day_save(school_class=school_class, date=next_week, items=[item(20, content="尚未审核的作业")], by=None)
    url = reverse("homework_public", args=[world.school_a.code])
    client = Client()
    assert 'data-testid="no-homework-published"' in client.get(url).content.decode()
    homework_week_publish(school=world.school_a, week=MONDAY, by=world.principal_a)
    html = client.get(url).content.decode()
    assert "数学书第12页第3题" in html and "尚未审核的作业" not in html
    # The caps line reads with Chinese punctuation.
    caps = html[html.index('data-testid="caps"') :].split("</span>")[0]
    assert "；" in caps and "; " not in caps
    assert world.principal_a.username not in html and str(world.principal_a) not in html
    assert client.get(url + f"?week={next_week.isoformat()}").status_code == 404
    assert client.get(url + "?week=2026-13-01").status_code == 200  # an unreadable week is the latest one
    # Any day of the week finds the week.
    assert (
        "数学书第12页第3题"
        in client.get(url + f"?week={(MONDAY + datetime.timedelta(days=3)).isoformat()}").content.decode()
    )


def test_public_page_of_an_unknown_or_closed_school_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    assert Client().get(reverse("homework_public", args=["0000000000"])).status_code == 404
    world.school_a.active = False
    world.school_a.save()
    assert Client().get(reverse("homework_public", args=[world.school_a.code])).status_code == 404


def test_sign_page_links_to_the_homework_notice(world) -> None:  # type: ignore[no-untyped-def]
    html = Client().get(reverse("public_sign", args=[world.school_a.code])).content.decode()
    assert reverse("homework_public", args=[world.school_a.code]) in html


def test_public_page_runs_a_fixed_number_of_queries(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    classes = [SchoolClassFactory(school=world.school_a, grade=3, number=n) for n in range(1, 3)]
    for c in classes:
        record_day(c, MONDAY, 20, 10)
    homework_week_publish(school=world.school_a, week=MONDAY, by=None)
    url = reverse("homework_public", args=[world.school_a.code]) + f"?week={MONDAY.isoformat()}"
    client = Client()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(3, 9):
        c = SchoolClassFactory(school=world.school_a, grade=5, number=n)
        for d in range(5):
            record_day(c, MONDAY + datetime.timedelta(days=d), 20, 10, 5)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def post_publish(user, school, action="publish", week=MONDAY):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.post(reverse("homework_publish", args=[school.pk]), {"week": week.isoformat(), "action": action})


def test_school_account_publishes_from_the_week_page(world) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 30)
    response = post_publish(world.principal_a, world.school_a)
    assert response.status_code == 302 and HomeworkPublication.objects.filter(school=world.school_a).exists()
    post_publish(world.principal_a, world.school_a, action="withdraw")
    assert not HomeworkPublication.objects.exists()
    assert post_publish(world.principal_a, world.school_a, week=datetime.date(2026, 9, 8)).status_code == 302
    assert not HomeworkPublication.objects.exists()  # refused with a message: not a Monday


@pytest.mark.parametrize("persona", ["principal_b", "supervisor_x", "bureau"])
def test_only_the_school_account_publishes(world, persona) -> None:  # type: ignore[no-untyped-def]
    record_day(SchoolClassFactory(school=world.school_a), MONDAY, 30)
    assert post_publish(getattr(world, persona), world.school_a).status_code == 404
    assert not HomeworkPublication.objects.exists()
