from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import SupervisorAssignmentFactory

pytestmark = pytest.mark.django_db


def test_sign_page_is_public_and_names_current_supervisors(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(f"/schools/{world.school_a.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world.school_a.name in html
    sup = world.supervisor_x.supervisor_profile
    assert sup.name in html and sup.phone in html
    assert "督学乙" not in html  # the other district's supervisor
    assert f"/complain/?school={world.school_a.code}" in html


def test_sign_page_lists_the_eight_items(world) -> None:  # type: ignore[no-untyped-def]
    html = Client().get(f"/schools/{world.school_a.code}/").content.decode()
    for title in ["校务管理和制度执行", "招生、收费、择校", "校风、教风、学风"]:
        assert title in html
    assert html.count("<li>") >= 8


def test_sign_page_drops_supervisor_after_term_ends(world) -> None:  # type: ignore[no-untyped-def]
    assignment = world.supervisor_x.supervisor_profile.assignments.get()
    assignment.end_date = datetime.date(2025, 8, 31)
    assignment.save()
    successor = SupervisorAssignmentFactory(district=world.district_x, start_date=datetime.date(2025, 9, 1))
    html = Client().get(f"/schools/{world.school_a.code}/").content.decode()
    assert "督学甲" not in html
    assert successor.supervisor.name in html


def test_unknown_or_inactive_school_is_404(world) -> None:  # type: ignore[no-untyped-def]
    assert Client().get("/schools/9999999999/").status_code == 404
    world.school_a.active = False
    world.school_a.save()
    assert Client().get(f"/schools/{world.school_a.code}/").status_code == 404


def test_sign_page_query_count_does_not_grow_with_supervisors(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    url = f"/schools/{world.school_a.code}/"
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(3):
        SupervisorAssignmentFactory(district=world.district_x)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_supervisor_photo_served_only_for_active_supervisors(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.base import ContentFile

    sup = world.supervisor_x.supervisor_profile
    sup.photo.save("p.jpg", ContentFile(b"\xff\xd8\xff\xe0fakejpeg"), save=True)
    response = Client().get(f"/supervisor-photo/{sup.pk}/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    sup.active = False
    sup.save()
    assert Client().get(f"/supervisor-photo/{sup.pk}/").status_code == 404


def test_sign_page_shows_duties_avatar_and_a_tap_to_call_hotline(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_HOTLINE = "0573-85012345"
    html = Client().get(f"/schools/{world.school_a.code}/").content.decode()
    assert "责任督学职责" in html and "受理有关学校的投诉和举报，并及时调查核实" in html
    sup = world.supervisor_x.supervisor_profile
    assert not sup.photo
    assert f'data-testid="sign-avatar">{sup.name[0]}</div>' in html
    assert 'href="tel:057385012345"' in html and "0573-85012345" in html
    assert f"/schools/{world.school_a.code}/poster/" in html


def test_poster_has_a_qr_code_to_the_prefilled_complaint_form(world) -> None:  # type: ignore[no-untyped-def]
    import segno

    response = Client().get(f"/schools/{world.school_a.code}/poster/")
    assert response.status_code == 200
    html = response.content.decode()
    assert world.school_a.name in html and "责任督学职责" in html
    url = f"http://testserver/complain/?school={world.school_a.code}"
    # The page carries exactly the SVG segno draws for the pre-filled form.
    assert segno.make(url, error="m").svg_inline(scale=6, border=2) in html
    assert "@page" in (Path(settings.BASE_DIR) / "static" / "jianfu" / "poster.css").read_text()
    assert Client().get("/schools/9999999999/poster/").status_code == 404


def test_status_and_form_pages_give_the_hotline(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_HOTLINE = "12345"
    for url in ("/complain/", "/complain/status/"):
        assert 'href="tel:12345"' in Client().get(url).content.decode(), url
