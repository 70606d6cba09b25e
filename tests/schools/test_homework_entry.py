"""A school's account enters a class's homework for a day; others read it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from schools.errors import RecordError
from schools.homework.services import homework_day_save
from schools.models import GradeEnrolment, HomeworkDay, HomeworkItem, SchoolClass
from schools.register.classes import school_classes_sync
from tests.schools.factories import MONDAY, SchoolClassFactory, item, record_day

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def day_url(school_class, date=MONDAY) -> str:  # type: ignore[no-untyped-def]
    return reverse("homework_day", args=[school_class.school_id, school_class.pk, date.isoformat()])


def post_rows(rows: list[dict]) -> dict:  # type: ignore[type-arg]
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "30",
    }
    for i, row in enumerate(rows):
        data[f"form-{i}-kind"] = row.get("kind", "basic")
        for key in ("subject", "content", "minutes"):
            data[f"form-{i}-{key}"] = str(row.get(key, ""))
        if row.get("written", True):
            data[f"form-{i}-written"] = "on"
        if row.get("layered"):
            data[f"form-{i}-layered"] = "on"
    return data


def test_classes_follow_the_register() -> None:
    school_class = SchoolClassFactory(grade=3, number=1)
    school = school_class.school
    GradeEnrolment.objects.create(school=school, grade=3, classes=2, pupils=80)
    GradeEnrolment.objects.create(school=school, grade=4, classes=1, pupils=40)
    active = school_classes_sync(school=school)
    assert [(c.grade, c.number) for c in active] == [(3, 1), (3, 2), (4, 1)]
    GradeEnrolment.objects.filter(school=school, grade=3).update(classes=1)
    record_day(SchoolClass.objects.get(school=school, grade=3, number=2), MONDAY, 30)
    assert [(c.grade, c.number) for c in school_classes_sync(school=school)] == [(3, 1), (4, 1)]
    retired = SchoolClass.objects.get(school=school, grade=3, number=2)
    assert not retired.active and retired.homework_days.count() == 1
    GradeEnrolment.objects.filter(school=school, grade=3).update(classes=2)
    assert len(school_classes_sync(school=school)) == 3
    assert SchoolClass.objects.filter(school=school).count() == 3


def test_inactive_class_cannot_get_homework() -> None:
    school_class = SchoolClassFactory(active=False)
    with pytest.raises(RecordError):
        homework_day_save(school_class=school_class, date=MONDAY, items=[item(10)], by=None)


def test_item_needs_minutes_in_range() -> None:
    school_class = SchoolClassFactory()
    with pytest.raises(RecordError):
        homework_day_save(school_class=school_class, date=MONDAY, items=[item(0)], by=None)
    with pytest.raises(RecordError):
        homework_day_save(school_class=school_class, date=MONDAY, items=[item(241)], by=None)
    assert not HomeworkDay.objects.exists()


def test_principal_enters_a_day_and_sees_the_over_cap_warning(world) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a, grade=4, number=1)
    client = login(world.principal_a)
    page = client.get(day_url(school_class))
    assert page.status_code == 200
    assert 'id="homework-entry"' in page.content.decode()
    rows = [
        {"subject": "maths", "content": "口算练习第3页", "minutes": 35},
        {"subject": "chinese", "content": "抄写生字", "minutes": 30},
        {"subject": "pe", "content": "跳绳", "minutes": 20, "written": False},
        {},  # a blank row is no item
    ]
    response = client.post(day_url(school_class), post_rows(rows), follow=True)
    assert response.status_code == 200
    day = HomeworkDay.objects.get(school_class=school_class, date=MONDAY)
    assert (day.written_minutes, day.total_minutes, day.item_count, day.updated_by) == (65, 85, 3, world.principal_a)
    html = response.content.decode()
    assert 'data-testid="over-cap-warning"' in html
    assert "65" in html


def test_saving_again_replaces_the_items_and_clears_the_warning(world) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a, grade=4, number=1)
    record_day(school_class, MONDAY, 50, 30)
    client = login(world.principal_a)
    response = client.post(
        day_url(school_class), post_rows([{"subject": "maths", "content": "练习", "minutes": 40}]), follow=True
    )
    assert list(HomeworkItem.objects.values_list("minutes", flat=True)) == [40]
    html = response.content.decode()
    assert 'data-testid="within-cap"' in html and 'data-testid="over-cap-warning"' not in html


def test_incomplete_row_is_refused_and_nothing_changes(world) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a, grade=4, number=1)
    record_day(school_class, MONDAY, 30)
    response = login(world.principal_a).post(
        day_url(school_class), post_rows([{"subject": "maths", "content": "", "minutes": 20}])
    )
    assert response.status_code == 200
    assert list(HomeworkItem.objects.values_list("minutes", flat=True)) == [30]


def test_entry_page_shows_the_existing_items(world) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a, grade=4, number=1)
    homework_day_save(school_class=school_class, date=MONDAY, items=[item(25, content="应用题五道")], by=None)
    html = login(world.principal_a).get(day_url(school_class)).content.decode()
    assert "应用题五道" in html and 'value="25"' in html


@pytest.mark.parametrize("persona", ["bureau", "supervisor_x"])
def test_readers_see_the_day_but_cannot_write(world, persona) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a, grade=4, number=1)
    homework_day_save(school_class=school_class, date=MONDAY, items=[item(25, content="应用题五道")], by=None)
    client = login(getattr(world, persona))
    page = client.get(day_url(school_class))
    assert page.status_code == 200
    html = page.content.decode()
    assert "应用题五道" in html and 'id="homework-entry"' not in html
    response = client.post(day_url(school_class), post_rows([{"subject": "maths", "content": "改", "minutes": 10}]))
    assert response.status_code == 404
    assert HomeworkItem.objects.get().minutes == 25


def test_class_of_another_school_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    other = SchoolClassFactory(school=world.school_b)
    url = reverse("homework_day", args=[world.school_a.pk, other.pk, MONDAY.isoformat()])
    assert login(world.principal_a).get(url).status_code == 404


def test_bad_date_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a)
    url = reverse("homework_day", args=[world.school_a.pk, school_class.pk, "2026-02-30"])
    assert login(world.principal_a).get(url).status_code == 404


def test_week_grid_marks_the_day_over_the_cap(world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    GradeEnrolment.objects.create(school=world.school_a, grade=3, classes=2, pupils=80)
    client = login(world.principal_a)
    url = reverse("homework_week", args=[world.school_a.pk]) + f"?week={MONDAY.isoformat()}"
    assert client.get(url).status_code == 200  # creates the classes from the register
    first, second = SchoolClass.objects.filter(school=world.school_a).order_by("number")
    record_day(first, MONDAY, 70)
    record_day(second, MONDAY, 40)
    html = client.get(url).content.decode()
    over_cell = html.split(f'data-testid="cell-3-1-{MONDAY.isoformat()}"')[1].split("</a>")[0]
    ok_cell = html.split(f'data-testid="cell-3-2-{MONDAY.isoformat()}"')[1].split("</a>")[0]
    assert "bg-danger-subtle" in html.split(f'data-testid="cell-3-1-{MONDAY.isoformat()}"')[0].rsplit("<a", 1)[1]
    assert "70" in over_cell and "40" in ok_cell
    assert 'data-testid="week-over"' in html
