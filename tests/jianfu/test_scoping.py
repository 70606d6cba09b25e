"""The scoping rule on the pages of the foundation: each persona sees its own
schools, and an outsider's request is a 404."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from jianfu.scoping import districts_visible_to, schools_visible_to
from tests.factories import SupervisorAssignmentFactory

pytestmark = pytest.mark.django_db


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_bureau_sees_every_school(world) -> None:  # type: ignore[no-untyped-def]
    assert set(schools_visible_to(world.bureau)) == {world.school_a, world.school_b}


def test_principal_sees_only_own_school(world) -> None:  # type: ignore[no-untyped-def]
    assert list(schools_visible_to(world.principal_a)) == [world.school_a]
    assert list(districts_visible_to(world.principal_a)) == []


def test_supervisor_sees_schools_of_current_districts(world) -> None:  # type: ignore[no-untyped-def]
    assert list(schools_visible_to(world.supervisor_x)) == [world.school_a]
    assert list(districts_visible_to(world.supervisor_x)) == [world.district_x]


def test_supervisor_loses_school_when_assignment_ends(world) -> None:  # type: ignore[no-untyped-def]
    assignment = world.supervisor_x.supervisor_profile.assignments.get()
    assignment.end_date = datetime.date(2025, 8, 31)
    assignment.save()
    assert list(schools_visible_to(world.supervisor_x)) == []
    # ...but on a day of the old term it was responsible.
    assert list(schools_visible_to(world.supervisor_x, on=datetime.date(2025, 3, 1))) == [world.school_a]


def test_new_term_assignment_gives_new_schools(world) -> None:  # type: ignore[no-untyped-def]
    SupervisorAssignmentFactory(
        supervisor=world.supervisor_x.supervisor_profile,
        district=world.district_y,
        start_date=datetime.date(2025, 9, 1),
    )
    assert set(schools_visible_to(world.supervisor_x)) == {world.school_a, world.school_b}


def test_anonymous_and_inactive_see_nothing(world) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    assert list(schools_visible_to(AnonymousUser())) == []
    world.principal_a.is_active = False
    assert list(schools_visible_to(world.principal_a)) == []


@pytest.mark.parametrize(
    ("persona", "school", "status"),
    [
        ("bureau", "school_a", 200),
        ("bureau", "school_b", 200),
        ("principal_a", "school_a", 200),
        ("principal_a", "school_b", 404),
        ("principal_b", "school_a", 404),
        ("supervisor_x", "school_a", 200),
        ("supervisor_x", "school_b", 404),
        ("supervisor_y", "school_a", 404),
    ],
)
def test_school_page_scoped(world, persona, school, status) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).get(reverse("school_detail", args=[getattr(world, school).pk]))
    assert response.status_code == status


def test_school_page_needs_login(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(reverse("school_detail", args=[world.school_a.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("bureau", "bureau_overview"), ("supervisor_x", "supervisor_home"), ("principal_a", "school_detail")],
)
def test_each_role_lands_on_its_page(world, persona, expected) -> None:  # type: ignore[no-untyped-def]
    response = login(getattr(world, persona)).get(reverse("home"))
    assert response.status_code == 302
    if expected == "school_detail":
        assert response["Location"] == reverse("school_detail", args=[world.school_a.pk])
    else:
        assert response["Location"] == reverse(expected)


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        ("bureau", "bureau_overview", 200),
        ("principal_a", "bureau_overview", 404),
        ("supervisor_x", "bureau_overview", 404),
        ("supervisor_x", "supervisor_home", 200),
        ("principal_a", "supervisor_home", 404),
        ("bureau", "supervisor_home", 404),
    ],
)
def test_role_pages_are_404_for_other_roles(world, persona, url_name, status) -> None:  # type: ignore[no-untyped-def]
    assert login(getattr(world, persona)).get(reverse(url_name)).status_code == status


def test_supervisor_home_lists_own_schools_only(world) -> None:  # type: ignore[no-untyped-def]
    response = login(world.supervisor_x).get(reverse("supervisor_home"))
    assert world.school_a.name in response.content.decode()
    assert world.school_b.name not in response.content.decode()


@pytest.mark.parametrize("persona", ["principal_a", "supervisor_x"])
def test_admin_is_closed_to_school_and_supervisor_accounts(world, persona) -> None:  # type: ignore[no-untyped-def]
    user = getattr(world, persona)
    user.is_staff = True  # even a wrongly flagged account stays out
    user.save()
    response = login(user).get(reverse("admin:schools_school_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_bureau_can_use_admin_register(world) -> None:  # type: ignore[no-untyped-def]
    client = login(world.bureau)
    for name in [
        "schools_school",
        "schools_educationgroup",
        "schools_schoolyear",
        "schools_semester",
        "supervision_supervisorydistrict",
        "supervision_supervisor",
        "supervision_supervisorassignment",
        "supervision_districtmembership",
    ]:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200, name
