"""The demo shows every records page with data, and running it again adds
nothing."""

from __future__ import annotations

import datetime

import pytest

from jianfu.demo import build_demo
from schools.homework.rules import over_cap_q
from schools.models import (
    AfterSchoolDay,
    AfterSchoolPlan,
    FiveManagementRecord,
    HomeworkDay,
    HomeworkItem,
    HomeworkPublication,
    SchoolClass,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)  # a Wednesday in the first semester


def counts() -> list[int]:
    models = [SchoolClass, HomeworkDay, HomeworkItem, HomeworkPublication, AfterSchoolPlan, AfterSchoolDay]
    return [m.objects.count() for m in [*models, FiveManagementRecord]]


def test_demo_records_are_realistic_and_idempotent(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build_demo(today=TODAY)
    first = counts()
    assert all(first), first
    days = HomeworkDay.objects.all()
    assert days.filter(over_cap_q()).exists() and days.exclude(over_cap_q()).count() > 0.8 * days.count()
    assert not days.filter(date__gt=TODAY).exists()
    assert not days.filter(date__week_day__in=[1, 7]).exists()  # no weekends
    assert 0 < FiveManagementRecord.objects.count() < AfterSchoolPlan.objects.count()
    build_demo(today=TODAY)
    assert counts() == first
