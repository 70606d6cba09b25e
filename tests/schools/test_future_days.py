"""No record for a day that has not come yet (issue 14): after-school weeks,
homework days and homework uploads refuse it with a Chinese message, and
nothing is written."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from schools.afterschool.services import afterschool_week_save
from schools.errors import RecordError
from schools.homework.services import homework_day_save
from schools.models import AfterSchoolDay, HomeworkDay
from tests.schools.factories import SchoolClassFactory, item

pytestmark = pytest.mark.django_db


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def test_homework_for_tomorrow_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(grade=3, number=1)
    with translation.override("zh-hans"), pytest.raises(RecordError) as refused:
        homework_day_save(school_class=school_class, date=_tomorrow(), items=[item(10)], by=None)
    assert "还未到" in refused.value.messages[0]
    assert not HomeworkDay.objects.exists()
    homework_day_save(school_class=school_class, date=timezone.localdate(), items=[item(10)], by=None)
    assert HomeworkDay.objects.count() == 1


def test_upload_row_dated_tomorrow_is_a_row_error() -> None:
    from schools.homework.upload import HomeworkUploadError, homework_week_upload
    from tests.schools.test_homework_upload import row, school_with_classes, workbook

    school = school_with_classes(1, grades=[3])
    with translation.override("zh-hans"), pytest.raises(HomeworkUploadError) as refused:
        homework_week_upload(school=school, upload=workbook([row(date=_tomorrow().isoformat())]), by=None)
    (message,) = refused.value.messages
    assert "日期" in message and "还未到" in message, message
    assert not HomeworkDay.objects.exists()


def test_after_school_day_after_today_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    day = _tomorrow()
    while day.weekday() > 4:
        day += datetime.timedelta(days=1)
    fields = {"held": True, "start_time": datetime.time(15, 30), "end_time": datetime.time(17, 30)}
    with translation.override("zh-hans"), pytest.raises(RecordError) as refused:
        afterschool_week_save(school=world.school_a, week=day, days=[(day, fields)], by=None)
    assert f"{day.month}月{day.day}日还未到" in refused.value.messages[0]
    assert not AfterSchoolDay.objects.exists()


def test_after_school_week_page_disables_days_to_come(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.principal_a)
    today = timezone.localdate()
    url = reverse("afterschool_week", args=[world.school_a.pk, today.isoformat()])
    html = client.get(url).content.decode()
    monday = today - datetime.timedelta(days=today.weekday())
    for offset in range(5):
        day = monday + datetime.timedelta(days=offset)
        block = html.split(f'data-testid="afterschool-day-{day.isoformat()}"')[0].rsplit("<fieldset", 1)[1]
        assert ("disabled" in block) == (day > today), day
