"""Every complaint page and file, for each persona: who gets it, and that
an outsider gets a 404 (anonymous: the login page)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from supervision.complaints import services
from supervision.models import ComplaintAttachment
from tests.supervision.complaint_factories import MP3_BYTES, case_in_status, jpeg_bytes, upload

pytestmark = pytest.mark.django_db

PERSONAS = ["bureau", "principal_a", "principal_b", "supervisor_x", "supervisor_y", "anonymous"]


def client_for(world: Any, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    return client


@pytest.fixture
def cases(world):  # type: ignore[no-untyped-def]
    """A case of school A given to the school itself, one given to
    supervisor X, each with a photo; the supervisor's case also has a call
    recording."""
    from supervision.complaints.files import prepare_upload

    to_school = case_in_status("investigating", school=world.school_a, by=world.bureau)
    to_sup = case_in_status(
        "investigating",
        school=world.school_a,
        by=world.bureau,
        assign_to="supervisor",
        supervisor=world.supervisor_x.supervisor_profile,
    )
    for case in (to_school, to_sup):
        services.complaint_add_files(case=case, by=world.bureau, files=[prepare_upload(upload("p.jpg", jpeg_bytes()))])
    services.complaint_add_files(
        case=to_sup,
        by=world.bureau,
        files=[prepare_upload(upload("call.mp3", MP3_BYTES), is_recording=True)],
    )
    return {"to_school": to_school, "to_sup": to_sup}


def _status(response: Any) -> Any:
    if response.status_code == 302:
        return "login" if "/accounts/login/" in response["Location"] else 302
    return response.status_code


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("bureau", 200),
        ("principal_a", 404),
        ("principal_b", 404),
        ("supervisor_x", 404),
        ("supervisor_y", 404),
        ("anonymous", "login"),
    ],
)
def test_bureau_pages_only_for_bureau(world, cases, persona, expected) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, persona)
    pk = cases["to_school"].pk
    for url in (
        reverse("complaints:staff_list"),
        reverse("complaints:staff_intake"),
        reverse("complaints:staff_detail", args=[pk]),
    ):
        assert _status(client.get(url)) == expected, url
    post = client.post(reverse("complaints:staff_action", args=[pk, "findings"]), {"findings-findings": "x"})
    assert _status(post) == (302 if expected == 200 else expected)
    reveal = client.post(reverse("complaints:staff_reveal", args=[pk]))
    # The bureau account of the fixture lacks the unmask permission: 404 too.
    assert _status(reveal) == (404 if expected == 200 else expected)


@pytest.mark.parametrize(
    ("persona", "school_case", "sup_case"),
    [
        ("bureau", 404, 404),
        ("principal_a", 200, 404),
        ("principal_b", 404, 404),
        ("supervisor_x", 404, 200),
        ("supervisor_y", 404, 404),
        ("anonymous", "login", "login"),
    ],
)
def test_assigned_case_pages(world, cases, persona, school_case, sup_case) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, persona)
    for case, expected in ((cases["to_school"], school_case), (cases["to_sup"], sup_case)):
        assert _status(client.get(reverse("complaints:assigned_detail", args=[case.pk]))) == expected
        response = client.post(
            reverse("complaints:assigned_action", args=[case.pk, "findings"]), {"findings-findings": "核查结果"}
        )
        assert _status(response) == (302 if expected == 200 else expected)
    listing = client.get(reverse("complaints:assigned_list"))
    if persona in ("principal_a", "principal_b", "supervisor_x", "supervisor_y"):
        assert listing.status_code == 200
        shown = {c.pk for c in listing.context["cases"]}
        expected_shown = {
            "principal_a": {cases["to_school"].pk},
            "supervisor_x": {cases["to_sup"].pk},
        }.get(persona, set())
        assert shown == expected_shown
    else:
        assert _status(listing) == ("login" if persona == "anonymous" else 404)


def test_other_school_of_the_same_principal_role_never_sees_case_before_assignment(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status("accepted", school=world.school_a, by=world.bureau)
    response = client_for(world, "principal_a").get(reverse("complaints:assigned_detail", args=[case.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("persona", "school_photo", "sup_photo", "recording"),
    [
        ("bureau", 200, 200, 200),
        ("principal_a", 404, 404, 404),
        ("principal_b", 404, 404, 404),
        ("supervisor_x", 404, 200, 404),
        ("supervisor_y", 404, 404, 404),
        ("anonymous", "login", "login", "login"),
    ],
)
def test_files_served_only_to_those_allowed(world, cases, persona, school_photo, sup_photo, recording) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, persona)
    photo_school = ComplaintAttachment.objects.get(case=cases["to_school"])
    photo_sup = ComplaintAttachment.objects.get(case=cases["to_sup"], is_recording=False)
    rec = ComplaintAttachment.objects.get(case=cases["to_sup"], is_recording=True)
    for attachment, expected in ((photo_school, school_photo), (photo_sup, sup_photo), (rec, recording)):
        response = client.get(reverse("complaints:attachment", args=[attachment.pk]))
        assert _status(response) == expected
        if expected == 200:
            assert response["X-Content-Type-Options"] == "nosniff"
            disposition = response["Content-Disposition"]
            assert disposition.startswith("inline" if attachment.kind == "image" else "attachment")
            assert attachment.case.number in disposition


def test_public_pages_open_to_everyone(world) -> None:  # type: ignore[no-untyped-def]
    for persona in PERSONAS:
        client = client_for(world, persona)
        assert client.get(reverse("complaints:public_form")).status_code == 200
        assert client.get(reverse("complaints:public_status")).status_code == 200
        assert client.get(reverse("complaints:captcha")).status_code == 200
        assert client.get(reverse("complaints:public_done")).status_code == 302


def test_unknown_action_is_404(world, cases) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "bureau")
    assert client.post(reverse("complaints:staff_action", args=[cases["to_school"].pk, "delete"])).status_code == 404
    client = client_for(world, "principal_a")
    assert (
        client.post(reverse("complaints:assigned_action", args=[cases["to_school"].pk, "conclude"])).status_code == 404
    )
