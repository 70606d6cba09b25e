"""The public complaint form and status page: what is saved, what is
refused (CAPTCHA, honeypot, rate limits) with nothing half-saved, and the
look-up that needs both the number and the code."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from supervision.complaints import captcha, views_public
from supervision.complaints.ratelimit import SUBMIT_BY_IP
from supervision.complaints.services import complaint_check_query, query_code_digest
from supervision.models import ComplaintAttachment, ComplaintCase, ComplaintEvent
from tests.supervision.complaint_factories import (
    case_in_status,
    category,
    jpeg_bytes,
    public_form_data,
    status_page_case,
    upload,
)
from tests.supervision.helpers import captcha_solve, counter_names, counters_expire

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")
STATUS = reverse("complaints:public_status")


def _answer(client: Client) -> str:
    return captcha_solve(client)


def _post(client: Client, school, *, ip: str = "10.0.0.1", **overrides):  # type: ignore[no-untyped-def]
    client.get(FORM, {"school": school.code}, REMOTE_ADDR=ip)
    data = public_form_data(school, captcha=_answer(client))
    data.update(overrides)
    return client.post(FORM, data, REMOTE_ADDR=ip)


def test_form_prefills_school_from_sign_link(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(FORM, {"school": world.school_a.code})
    assert response.status_code == 200
    assert response.context["form"].initial["school_name"] == world.school_a.name
    assert f'value="{world.school_a.name}"' in response.content.decode()


def test_anonymous_complaint_gets_number_and_code_shown_once(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = _post(client, world.school_a)
    assert response.status_code == 302
    case = ComplaintCase.objects.get()
    assert re.fullmatch(r"TS\d{8}-0001", case.number)
    assert case.school == world.school_a and case.status == "received" and case.channel == "web"
    assert not case.real_name and case.name_encrypted == "" and case.phone_hash == ""
    cookie = response.cookies[views_public.RECEIPT_COOKIE]
    assert cookie["httponly"] and cookie["path"] == response["Location"]
    done = client.get(response["Location"])
    code = done.context["receipt"]["code"]
    assert done.context["receipt"]["number"] == case.number
    assert case.query_code_hash == query_code_digest(code=code) and code not in case.query_code_hash
    # Shown once: a second visit does not show it again.
    again = client.get(response["Location"])
    assert again.status_code == 302 and code not in again.content.decode()
    # Nor does a copy of the receipt's cookie sent again, nor a forged one.
    client.cookies[views_public.RECEIPT_COOKIE] = cookie.value
    copied = client.get(response["Location"])
    assert copied.status_code == 302 and code not in copied.content.decode()
    client.cookies[views_public.RECEIPT_COOKIE] = cookie.value[:-3] + "AAA"
    assert client.get(response["Location"]).status_code == 302
    assert ComplaintEvent.objects.filter(case=case, action="received", by=None).exists()


def test_real_name_complaint_stores_identity_encrypted(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(Client(), world.school_a, identity="real_name", name="王家长", phone="+86 138-1234-5678")
    assert response.status_code == 302
    case = ComplaintCase.objects.get()
    assert case.real_name
    assert "王家长" not in case.name_encrypted and "13812345678" not in case.phone_encrypted
    assert len(case.phone_hash) == 64 and "5678" not in case.phone_hash
    from supervision.complaints.services import complaint_masked_identity

    identity = complaint_masked_identity(case=case)
    assert (identity.name, identity.phone) == ("王家长", "13812345678")
    assert identity.masked_phone == "138****5678"


@pytest.mark.parametrize(
    ("name", "phone", "field"),
    [("", "13812345678", "name"), ("王家长", "12345", "phone"), ("王家长", "02112345678", "phone")],
)
def test_real_name_needs_name_and_mainland_mobile(world, name, phone, field) -> None:  # type: ignore[no-untyped-def]
    response = _post(Client(), world.school_a, identity="real_name", name=name, phone=phone)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0


def test_anonymous_report_drops_name_and_phone_typed_anyway(world) -> None:  # type: ignore[no-untyped-def]
    _post(Client(), world.school_a, identity="anonymous", name="王家长", phone="13812345678")
    case = ComplaintCase.objects.get()
    assert case.name_encrypted == "" and case.phone_encrypted == "" and case.phone_hash == ""


def test_school_found_by_part_of_its_name(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(Client(), world.school_a, school_code="", school_name="甲小")
    assert response.status_code == 302
    assert ComplaintCase.objects.get().school == world.school_a


def test_ambiguous_or_unknown_school_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(Client(), world.school_a, school_code="", school_name="学")
    assert "school_name" in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0


def test_wrong_captcha_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(Client(), world.school_a, captcha="999")
    assert response.status_code == 200
    assert "captcha" in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0


def test_captcha_is_single_use(world) -> None:  # type: ignore[no-untyped-def]
    first = _post(Client(), world.school_a, ip="10.0.5.1")
    assert first.status_code == 302
    client = Client()
    client.get(FORM, REMOTE_ADDR="10.0.5.2")
    right = captcha_solve(client)
    wrong = right[::-1] if right != right[::-1] else right + "A"
    response = client.post(FORM, {"captcha": wrong}, REMOTE_ADDR="10.0.5.2")
    assert "captcha" in response.context["form"].errors
    # A wrong answer uses the challenge up too: no second guess.
    response = client.post(FORM, {"captcha": right}, REMOTE_ADDR="10.0.5.2")
    assert "captcha" in response.context["form"].errors
    assert ComplaintCase.objects.count() == 1


def test_expired_captcha_is_refused_with_its_own_message(world, settings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(FORM)
    answer = captcha_solve(client)
    settings.COMPLAINT_CAPTCHA_TTL_SECONDS = -1
    response = client.post(
        FORM,
        {
            "school_name": world.school_a.name,
            "category": category().pk,
            "description": "周六上午学校组织全年级集体补课。",
            "identity": "anonymous",
            "captcha": answer,
        },
    )
    assert "captcha" in response.context["form"].errors
    assert "图片已过期" in response.content.decode()
    assert ComplaintCase.objects.count() == 0


def test_form_page_writes_nothing_and_the_picture_sets_the_token(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cold:
        Client().get(FORM, {"school": world.school_a.code})
    assert all(q["sql"].split()[0] in ("SELECT", "DECLARE") for q in cold.captured_queries)
    client = Client()
    with CaptureQueriesContext(connection) as page:
        response = client.get(FORM, {"school": world.school_a.code})
    assert response.status_code == 200
    # Once the page is cached (issue 17): no read at all; no session, no
    # CAPTCHA, no write.
    assert page.captured_queries == []
    Client().get(FORM)
    with CaptureQueriesContext(connection) as plain:
        Client().get(FORM)
    assert len(plain.captured_queries) == 0
    assert "sessionid" not in client.cookies and captcha.COOKIE not in client.cookies
    monkeypatch.setattr(captcha, "_new_answer", lambda: "ACDEF")
    with CaptureQueriesContext(connection) as picture:
        image = client.get(reverse("complaints:captcha"))
    assert image["Content-Type"] == "image/png" and image.content.startswith(b"\x89PNG")
    assert len(picture.captured_queries) == 0
    token = client.cookies[captcha.COOKIE]
    assert token["httponly"] and "ACDEF" not in token.value
    response = _post_solved(client, world.school_a, "acd ef")
    assert response.status_code == 302


def _post_solved(client: Client, school, answer: str):  # type: ignore[no-untyped-def]
    data = {
        "school_code": school.code,
        "school_name": school.name,
        "category": category().pk,
        "description": "周六上午学校组织全年级集体补课，收取资料费。",
        "identity": "anonymous",
        "captcha": answer,
    }
    return client.post(FORM, data, REMOTE_ADDR="10.0.5.9")


def test_honeypot_refuses_and_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(Client(), world.school_a, website="http://spam.example", attachments=upload("a.jpg", jpeg_bytes()))
    assert response.status_code == 200
    assert response.context["form"].is_spam
    assert "refusal" in response.content.decode()
    assert ComplaintCase.objects.count() == 0 and ComplaintAttachment.objects.count() == 0


def test_rate_limit_per_ip_refuses_with_message_and_saves_nothing(world, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_RATE_LIMIT_PER_IP = 2
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    assert _post(client, world.school_a, ip="10.1.1.1").status_code == 302
    assert _post(client, world.school_a, ip="10.1.1.1").status_code == 302
    refused = _post(client, world.school_a, ip="10.1.1.1", attachments=upload("a.jpg", jpeg_bytes()))
    assert refused.status_code == 429
    assert "Nothing was saved" in refused.context["refusal"] or "没有保存" in refused.context["refusal"]
    assert ComplaintCase.objects.count() == 2
    assert ComplaintAttachment.objects.count() == 0
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    # Another address is not affected.
    assert _post(client, world.school_a, ip="10.1.1.2").status_code == 302
    # The address is never stored in clear.
    names = counter_names(SUBMIT_BY_IP)
    assert names and not any("10.1.1.1" in name for name in names)


def test_rate_limit_per_phone_across_addresses(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_RATE_LIMIT_PER_PHONE = 1
    client = Client()
    ok = _post(client, world.school_a, ip="10.2.0.1", identity="real_name", name="王家长", phone="13900001111")
    assert ok.status_code == 302
    refused = _post(client, world.school_b, ip="10.2.0.2", identity="real_name", name="王家长", phone="139 0000 1111")
    assert refused.status_code == 429
    assert ComplaintCase.objects.count() == 1
    # The same person may still report anonymously, within the address limit.
    assert _post(client, world.school_b, ip="10.2.0.3").status_code == 302


def test_rate_limit_window_expires(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_RATE_LIMIT_PER_IP = 1
    client = Client()
    assert _post(client, world.school_a, ip="10.3.0.1").status_code == 302
    assert _post(client, world.school_a, ip="10.3.0.1").status_code == 429
    counters_expire(SUBMIT_BY_IP)
    assert _post(client, world.school_a, ip="10.3.0.1").status_code == 302


def test_case_numbers_count_up_per_day(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    _post(client, world.school_a, ip="10.4.0.1")
    _post(client, world.school_b, ip="10.4.0.2")
    numbers = sorted(ComplaintCase.objects.values_list("number", flat=True))
    assert numbers[0].endswith("-0001") and numbers[1].endswith("-0002")
    assert numbers[0][:10] == numbers[1][:10]


# --- the status page ---------------------------------------------------------------


def _file_and_receipt(client: Client, school) -> dict[str, str]:  # type: ignore[no-untyped-def]
    response = _post(client, school)
    return client.get(response["Location"]).context["receipt"]


def test_status_page_shows_progress_to_holder_of_number_and_code(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    receipt = _file_and_receipt(client, world.school_a)
    response = Client().post(STATUS, {"number": receipt["number"], "code": receipt["code"].lower()})
    assert response.status_code == 200
    assert status_page_case(response) == (receipt["number"], ["received"])
    # Nothing of the complaint's words, nor of any note, on the page.
    assert "集体补课" not in response.content.decode()


def test_wrong_code_and_wrong_number_look_the_same(world) -> None:  # type: ignore[no-untyped-def]
    receipt = _file_and_receipt(Client(), world.school_a)
    wrong_code = Client().post(STATUS, {"number": receipt["number"], "code": "AAAAAAAA"})
    wrong_number = Client().post(STATUS, {"number": "TS20990101-0001", "code": receipt["code"]})
    assert wrong_code.status_code == wrong_number.status_code == 200
    assert status_page_case(wrong_code) is None and status_page_case(wrong_number) is None
    assert 'data-testid="lookup-error"' in wrong_code.content.decode()
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*"', "", r.content.decode())  # noqa: E731
    assert strip(wrong_code) == strip(wrong_number)


def test_status_page_takes_no_personal_data_by_get(world) -> None:  # type: ignore[no-untyped-def]
    receipt = _file_and_receipt(Client(), world.school_a)
    response = Client().get(STATUS, {"number": receipt["number"], "code": receipt["code"]})
    assert status_page_case(response) is None
    assert 'method="post"' in response.content.decode()


def test_status_lookups_are_rate_limited_per_address(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_STATUS_FAILURES_PER_IP_HOUR = 3
    receipt = _file_and_receipt(Client(), world.school_a)
    client = Client()
    for _ in range(3):
        client.post(STATUS, {"number": receipt["number"], "code": "WRONG"}, REMOTE_ADDR="10.9.9.9")
    blocked = client.post(STATUS, {"number": receipt["number"], "code": receipt["code"]}, REMOTE_ADDR="10.9.9.9")
    assert status_page_case(blocked) is None and 'data-testid="lookup-error"' in blocked.content.decode()
    other = client.post(STATUS, {"number": receipt["number"], "code": receipt["code"]}, REMOTE_ADDR="10.9.9.8")
    assert status_page_case(other) is not None


def test_status_page_shows_reply_and_not_accepted_reason(world) -> None:  # type: ignore[no-untyped-def]
    from supervision.complaints import services

    replied = case_in_status("replied", school=world.school_a, by=world.bureau)
    declined = case_in_status("not_accepted", school=world.school_a, by=world.bureau)
    for case in (replied, declined):
        code = services.new_query_code()
        ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=make_password(code))
        response = Client().post(STATUS, {"number": case.number, "code": code})
        page = response.content.decode()
        if case == replied:
            assert 'data-testid="reply"' in page and "已责令整改" in page
            assert "张秘密" not in page and "13812345678" not in page
        else:
            assert 'data-testid="not-accepted-reason"' in page and "不属于减负督导受理范围" in page


def test_check_query_service_normalises_input(world) -> None:  # type: ignore[no-untyped-def]
    receipt = _file_and_receipt(Client(), world.school_a)
    found = complaint_check_query(
        number=f" {receipt['number'].lower()} ", code=" ".join(receipt["code"].lower()), ip=None
    )
    assert found is not None


def test_status_page_of_a_closed_case_shows_the_public_milestones_with_dates(world) -> None:  # type: ignore[no-untyped-def]
    """The complainant's timeline names only 已接收, 已受理, 办理中 (once, for
    交办, 开始核查 and 结论), 已答复 and 已办结, each with its date."""
    from django.utils import timezone

    from supervision.complaints import services

    case = case_in_status("closed", school=world.school_a, by=world.bureau)
    code = services.new_query_code()
    ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=make_password(code))
    response = Client().post(STATUS, {"number": case.number, "code": code}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert status_page_case(response) == (case.number, ["received", "accepted", "in_progress", "replied", "closed"])
    page = response.content.decode()
    listed = re.search(r'data-testid="timeline">(.*?)</ol>', page, re.S)
    assert listed is not None
    rows = re.findall(r"<span>([^<]+)</span><span class=\"text-muted\">([^<]+)</span>", listed.group(1))
    today = timezone.localdate().isoformat()
    assert rows == [(label, today) for label in ("已接收", "已受理", "办理中", "已答复", "已办结")]
    for internal in ("交办", "核查", "结论", "验收销号"):
        assert internal not in listed.group(1)
