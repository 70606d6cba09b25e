"""Dates in addresses and forms outside the years the portal can show are
no date: pages answer as for a malformed one, never a 500 (the week or
month around 9999-12-31 does not exist)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from jianfu.params import date_param, month_param
from schools.homework.models import HomeworkPublication
from tests.schools.factories import SchoolClassFactory
from tests.supervision.helpers import login

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01", "2026-13-01", "", "²"])
def test_dates_outside_the_portal_s_years_are_no_date(value: str) -> None:
    assert date_param(value) is None


def test_a_date_within_them_is_read() -> None:
    assert date_param("2026-12-02") == datetime.date(2026, 12, 2)
    assert month_param("2026-12") == datetime.date(2026, 12, 1)
    assert month_param("9999-12") is None and month_param("0001-01") is None


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_the_homework_week_of_an_extreme_date_shows_this_week(world, week: str) -> None:  # type: ignore[no-untyped-def]
    client = login(world.principal_a)
    response = client.get(reverse("homework_week", args=[world.school_a.pk]), {"week": week})
    assert response.status_code == 200


def test_extreme_dates_in_the_class_day_and_the_publish_form_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a)
    client = login(world.principal_a)
    day = reverse("homework_day", args=[world.school_a.pk, school_class.pk, "9999-12-31"])
    assert client.get(day).status_code == 404
    publish = reverse("homework_publish", args=[world.school_a.pk])
    assert client.post(publish, {"week": "9999-12-31"}).status_code == 404
    assert not HomeworkPublication.objects.exists()


def test_the_visit_list_ignores_a_month_it_cannot_hold(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    assert client.get(reverse("visit_list"), {"month": "9999-12"}).status_code == 200
    public = reverse("homework_public", args=[world.school_a.code])
    assert Client().get(public, {"week": "9999-12-31"}).status_code == 200
