"""Every page of the school records against every persona: the school's
own account, its district's supervisor and the bureau read it; the other
school's account and the other district's supervisor get 404; anonymous
users are sent to sign in."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import SemesterFactory
from tests.schools.factories import MONDAY, SchoolClassFactory

pytestmark = pytest.mark.django_db

READERS = {"bureau": 200, "principal_a": 200, "supervisor_x": 200, "principal_b": 404, "supervisor_y": 404}
WRITER_ONLY = {"bureau": 404, "principal_a": 200, "supervisor_x": 404, "principal_b": 404, "supervisor_y": 404}


def urls(world) -> dict[str, tuple[str, dict[str, int]]]:  # type: ignore[no-untyped-def]
    school_class = SchoolClassFactory(school=world.school_a)
    semester = SemesterFactory()
    pk = world.school_a.pk
    return {
        "homework_week": (reverse("homework_week", args=[pk]), READERS),
        "homework_day": (reverse("homework_day", args=[pk, school_class.pk, MONDAY.isoformat()]), READERS),
        "homework_upload": (reverse("homework_upload", args=[pk]), WRITER_ONLY),
        "homework_template": (reverse("homework_template", args=[pk]), WRITER_ONLY),
        "afterschool_page": (reverse("afterschool_page", args=[pk]) + f"?semester={semester.pk}", READERS),
        "afterschool_week": (reverse("afterschool_week", args=[pk, MONDAY.isoformat()]), READERS),
        "five_management_page": (reverse("five_management_page", args=[pk]) + f"?semester={semester.pk}", READERS),
    }


@pytest.mark.parametrize(
    "name",
    [
        "homework_week",
        "homework_day",
        "homework_upload",
        "homework_template",
        "afterschool_page",
        "afterschool_week",
        "five_management_page",
    ],
)
@pytest.mark.parametrize("persona", list(READERS))
def test_school_record_pages_are_scoped(world, name, persona) -> None:  # type: ignore[no-untyped-def]
    url, expected = urls(world)[name]
    client = Client()
    client.force_login(getattr(world, persona))
    assert client.get(url).status_code == expected[persona]


@pytest.mark.parametrize(
    "name", ["homework_week", "homework_day", "homework_upload", "afterschool_page", "five_management_page"]
)
def test_anonymous_is_sent_to_sign_in(world, name) -> None:  # type: ignore[no-untyped-def]
    url, _expected = urls(world)[name]
    response = Client().get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("bureau", 200), ("supervisor_x", 200), ("principal_a", 404)],
)
def test_records_overview_is_for_bureau_and_supervisors(world, persona, status) -> None:  # type: ignore[no-untyped-def]
    SemesterFactory()
    client = Client()
    client.force_login(getattr(world, persona))
    assert client.get(reverse("records_overview")).status_code == status


def test_records_overview_lists_only_visible_schools(world) -> None:  # type: ignore[no-untyped-def]
    semester = SemesterFactory()
    client = Client()
    client.force_login(world.supervisor_x)
    html = client.get(reverse("records_overview") + f"?semester={semester.pk}").content.decode()
    assert world.school_a.name in html and world.school_b.name not in html
    client.force_login(world.bureau)
    html = client.get(reverse("records_overview") + f"?semester={semester.pk}").content.decode()
    assert world.school_a.name in html and world.school_b.name in html
    assert client.get(reverse("records_overview") + "?semester=999999").status_code == 404


def test_school_page_links_to_the_records(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.principal_a)
    html = client.get(reverse("school_detail", args=[world.school_a.pk])).content.decode()
    assert reverse("homework_week", args=[world.school_a.pk]) in html
    assert reverse("afterschool_page", args=[world.school_a.pk]) in html
    assert reverse("five_management_page", args=[world.school_a.pk]) in html
