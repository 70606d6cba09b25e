"""Ids in query strings that are not ids: "²" and "①" pass str.isdigit but
not int() (a 500), a 30-digit number overflows the database's integer.
Filters ignore them (200); pages that need the id answer 404, never 500.
And the supervisor photo of the public signs is served only for the
supervisors a sign shows today."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import SupervisorAssignmentFactory, SupervisorFactory, SupervisoryDistrictFactory

pytestmark = pytest.mark.django_db

NOT_IDS = ["²", "①", "٣x", "9" * 30, "-1", " 1", "1\n"]


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", NOT_IDS)
@pytest.mark.parametrize(
    ("persona", "url", "param", "status"),
    [
        ("bureau", "rectification_list", "school", 200),
        ("supervisor_x", "rectification_list", "school", 200),
        ("bureau", "visit_list", "school", 200),
        ("supervisor_x", "visit_list", "school", 200),
        ("bureau", "bureau_coverage", "semester", 200),
        ("bureau", "complaints:staff_list", "school", 200),
        ("bureau", "complaints:staff_list", "category", 200),
        ("bureau", "homework_compliance", "school", 404),
        ("bureau", "homework_compliance", "district", 404),
        ("bureau", "pledge_texts", "year", 404),
    ],
)
def test_a_bad_id_in_the_query_is_never_a_500(world, persona, url, param, status, value) -> None:  # type: ignore[no-untyped-def]
    response = client_for(getattr(world, persona)).get(reverse(url), {param: value})
    assert response.status_code == status


@pytest.mark.parametrize("value", ["²", "9" * 30])
def test_crosscheck_round_filter_ignores_a_bad_id(world, value) -> None:  # type: ignore[no-untyped-def]
    url = reverse("selfcheck_crosscheck_school", args=[world.school_a.pk])
    assert client_for(world.bureau).get(url, {"round": value}).status_code == 200


def _with_photo(supervisor) -> int:  # type: ignore[no-untyped-def]
    supervisor.photo.save("p.jpg", ContentFile(b"\xff\xd8\xff\xe0fakejpeg"), save=True)
    return supervisor.pk


def test_supervisor_photo_only_for_supervisors_on_a_sign_today(world) -> None:  # type: ignore[no-untyped-def]
    anonymous = Client()
    serving = _with_photo(world.supervisor_x.supervisor_profile)
    assert anonymous.get(f"/supervisor-photo/{serving}/").status_code == 200

    no_district = _with_photo(SupervisorFactory(name="未分配督学"))
    assert anonymous.get(f"/supervisor-photo/{no_district}/").status_code == 404

    empty = SupervisoryDistrictFactory(name="无学校责任区")
    in_empty_district = SupervisorFactory(name="空责任区督学")
    SupervisorAssignmentFactory(supervisor=in_empty_district, district=empty, start_date=datetime.date(2024, 9, 1))
    assert anonymous.get(f"/supervisor-photo/{_with_photo(in_empty_district)}/").status_code == 404

    former = SupervisorFactory(name="前任督学")
    SupervisorAssignmentFactory(
        supervisor=former,
        district=world.district_x,
        start_date=datetime.date(2021, 9, 1),
        end_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert anonymous.get(f"/supervisor-photo/{_with_photo(former)}/").status_code == 404
