"""The school never learns who complained: no school-side page, export,
e-mail or file name contains the complainant's name, phone or recording.

The page check walks every URL pattern of the project (not a hand-kept
list), fills its parameters with the ids of the case, school, files and
people at hand, and fetches each as the school's own account, so pages
added later by other features are covered too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from jianfu.crypto import mask_phone
from supervision.complaints import services
from supervision.complaints.files import prepare_upload
from supervision.models import ComplaintAttachment, ComplaintCase
from tests.supervision.complaint_factories import MP3_BYTES, file_case, jpeg_bytes, upload

pytestmark = pytest.mark.django_db

NAME = "欧阳秘密"
PHONE = "13987654321"


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern, dict[str, Any]]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue  # the admin refuses school accounts outright (tested below)
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, ns)
        elif entry.name:
            converters = getattr(entry.pattern, "converters", {})
            yield f"{namespace}{entry.name}", entry, converters


def _urls(values: dict[str, list[Any]]) -> Iterator[str]:
    for name, _pattern, converters in _patterns(get_resolver()):
        if not converters:
            try:
                yield reverse(name)
            except Exception:  # noqa: S112 - a pattern needing regex groups; not a page of ours
                continue
            continue
        combos: list[dict[str, Any]] = [{}]
        for kwarg, converter in converters.items():
            options = values["int"] if isinstance(converter, IntConverter) else values.get(kwarg, values["str"])
            combos = [{**c, kwarg: v} for c in combos for v in options]
        for kwargs in combos:
            try:
                yield reverse(name, kwargs=kwargs)
            except Exception:  # noqa: S112 - a value the converter refuses
                continue


def _body(response: Any) -> str:
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return content.decode("utf-8", errors="replace") + "\n" + "\n".join(f"{k}: {v}" for k, v in response.items())


def _forbidden(case: ComplaintCase, recording: ComplaintAttachment) -> list[str]:
    words = [NAME, PHONE, mask_phone(PHONE), PHONE[-8:], recording.file.name.rsplit("/", 1)[-1], case.description]
    # JSON endpoints escape non-ASCII: look for those spellings too.
    return words + [json.dumps(w)[1:-1] for w in words if not w.isascii()]


@pytest.fixture
def identified_case(world, django_capture_on_commit_callbacks, eager_tasks):  # type: ignore[no-untyped-def]
    """A real-name case with a photo and a call recording, given to school
    A for self-investigation, the school having started and answered."""
    world.principal_a.email = "principal-a@school.example"
    world.principal_a.save()
    filed = file_case(
        school=world.school_a,
        by=world.bureau,
        name=NAME,
        phone=PHONE,
        description="我是欧阳秘密，孩子在三年级二班，班主任周六在家里收费补课。",
        files=[
            prepare_upload(upload("欧阳秘密-13987654321.jpg", jpeg_bytes(gps=True))),
            prepare_upload(upload("来电录音.mp3", MP3_BYTES), is_recording=True),
        ],
    )
    case = filed.case
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_accept(case=case, by=world.bureau)
        services.complaint_assign(
            case=case, by=world.bureau, kind="school", school_summary="请自查三年级是否存在周六有偿补课。"
        )
    services.complaint_start_investigation(case=case, by=world.principal_a)
    services.complaint_submit_findings(case=case, by=world.principal_a, findings="已自查，正在核实。")
    return case


def test_no_school_side_page_contains_the_complainant(world, identified_case) -> None:  # type: ignore[no-untyped-def]
    case = identified_case
    photo = case.attachments.get(is_recording=False)
    recording = case.attachments.get(is_recording=True)
    event_ids = list(case.events.values_list("pk", flat=True))
    values = {
        "int": sorted({case.pk, world.school_a.pk, photo.pk, recording.pk, world.principal_a.pk, *event_ids}),
        "code": [world.school_a.code],
        "action": ["findings", "investigate"],
        "str": [world.school_a.code, case.number],
    }
    client = Client()
    client.force_login(world.principal_a)
    forbidden = _forbidden(case, recording)
    seen_ok: list[str] = []
    for url in sorted(set(_urls(values))):
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen_ok.append(url)
        body = _body(response)
        for word in forbidden:
            assert word not in body, f"{url} shows {word!r}"
    # The walk did reach the school's pages, including the case itself.
    assert reverse("complaints:assigned_list") in seen_ok
    assert reverse("complaints:assigned_detail", args=[case.pk]) in seen_ok
    assert reverse("school_detail", args=[world.school_a.pk]) in seen_ok
    # The school can fetch none of the case's files.
    assert reverse("complaints:attachment", args=[photo.pk]) not in seen_ok
    assert reverse("complaints:attachment", args=[recording.pk]) not in seen_ok


def test_school_sees_its_summary_and_can_answer(world, identified_case) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.principal_a)
    page = client.get(reverse("complaints:assigned_detail", args=[identified_case.pk])).content.decode()
    assert "请自查三年级是否存在周六有偿补课。" in page
    assert "已自查，正在核实。" in page


def test_findings_post_response_does_not_leak(world, identified_case) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.principal_a)
    url = reverse("complaints:assigned_action", args=[identified_case.pk, "findings"])
    for data in ({"findings-findings": ""}, {"findings-findings": "补充：已约谈班主任。"}):
        response = client.post(url, data, follow=True)
        body = _body(response)
        for word in _forbidden(identified_case, identified_case.attachments.get(is_recording=True)):
            assert word not in body


def test_emails_to_the_school_do_not_contain_the_complainant(world, identified_case) -> None:  # type: ignore[no-untyped-def]
    to_school = [m for m in mail.outbox if "principal-a@school.example" in m.to]
    assert to_school, "the school was told of the assignment"
    forbidden = _forbidden(identified_case, identified_case.attachments.get(is_recording=True))
    for message in to_school:
        text = message.subject + message.body + "".join(str(a) for a in message.attachments)
        for word in forbidden:
            assert word not in text
        assert "请自查三年级是否存在周六有偿补课。" in message.body


def test_school_account_cannot_enter_the_admin(world, identified_case) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.principal_a)
    for url in ("/admin/", f"/admin/supervision/complaintattachment/{identified_case.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_see_the_identity_masked_only(world, identified_case) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    for url in (reverse("complaints:staff_list"), reverse("complaints:staff_detail", args=[identified_case.pk])):
        body = client.get(url).content.decode()
        assert PHONE not in body and NAME not in body.replace(identified_case.description, "")
    detail = client.get(reverse("complaints:staff_detail", args=[identified_case.pk])).content.decode()
    assert mask_phone(PHONE) in detail and "欧**" in detail


def test_staff_with_permission_unmask_and_it_is_logged(world, identified_case) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission

    from supervision.models import ComplainantIdentityView

    world.bureau.user_permissions.add(Permission.objects.get(codename="unmask_complainant"))
    client = Client()
    client.force_login(world.bureau)
    detail = client.get(reverse("complaints:staff_detail", args=[identified_case.pk])).content.decode()
    assert PHONE not in detail and 'data-testid="reveal"' in detail
    response = client.post(reverse("complaints:staff_reveal", args=[identified_case.pk]), {"reveal-reason": "回访"})
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    log = ComplainantIdentityView.objects.get()
    assert (log.by, log.case, log.reason) == (world.bureau, identified_case, "回访")
    # The next ordinary view is masked again.
    assert PHONE not in client.get(reverse("complaints:staff_detail", args=[identified_case.pk])).content.decode()
