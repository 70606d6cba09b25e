"""Defects a walk of the public complaint form and the school's pages
found: files silently lost when the form comes back, the institution
involved shown for every category but kept for one, full-width characters
typed on Chinese keyboards, findings without a length limit, a second
error beside a too-long name, and the school field's missing marker."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from supervision.complaints.forms import COMPLAINT_TEXT_MAX_LENGTH, StatusForm
from supervision.complaints.identity import is_mainland_mobile, normalize_phone, phone_hash
from supervision.complaints.services import complaint_masked_identity
from supervision.institutions import services as inst
from supervision.models import ComplaintAttachment, ComplaintCase, ComplaintCategory, ListKind
from tests.supervision.complaint_factories import (
    case_in_status,
    category,
    file_case,
    jpeg_bytes,
    public_form_data,
    status_page_number,
    upload,
)
from tests.supervision.helpers import captcha_solve
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")
STATUS = reverse("complaints:public_status")
TUTORING = "学校或教师参与校外有偿培训"


def _post(school, *, ip: str = "10.31.0.1", captcha: str | None = None, **overrides):  # type: ignore[no-untyped-def]
    client = Client()
    client.get(FORM, REMOTE_ADDR=ip)
    data = public_form_data(school, captcha=captcha if captcha is not None else captcha_solve(client))
    data.update(overrides)
    return client.post(FORM, data, REMOTE_ADDR=ip)


def _public_institution(by, name: str = "金榜数学培训学校"):  # type: ignore[no-untyped-def]
    institution = make_institution(by, name=name)
    entry = inst.list_entry_add(institution=institution, kind=ListKind.WHITE, by=by)
    inst.list_entry_publish(entry=entry, by=by)
    return institution


def _notice(page: str) -> str | None:
    found = re.search(r'<div[^>]*data-testid="files-not-kept".*?</div>', page, re.S)
    return found.group(0) if found else None


# --- 1. the files a form sent back did not keep -----------------------------------


def test_a_form_sent_back_says_which_files_to_choose_again(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(
        world.school_a,
        captcha="999",
        attachments=[upload("孩子作业.jpg", jpeg_bytes()), upload("\u202egpj.exe", jpeg_bytes())],
    )
    assert response.status_code == 200 and "captcha" in response.context["form"].errors
    page = response.content.decode()
    notice = _notice(page)
    assert notice is not None, "no word that the files were not kept"
    assert "您选择的附件没有保留" in notice and "请在提交前重新选择" in notice
    assert "<li>孩子作业.jpg</li>" in notice
    # A direction mark cannot make a name read as another.
    assert "\u202e" not in notice and "<li>gpj.exe</li>" in notice
    # Beside the attachments field, rendered by the server.
    assert page.index('name="attachments"') < page.index('data-testid="files-not-kept"')
    assert ComplaintCase.objects.count() == 0 and ComplaintAttachment.objects.count() == 0


def test_no_notice_without_files_or_on_the_fresh_form(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(world.school_a, captcha="999")
    assert response.status_code == 200 and _notice(response.content.decode()) is None
    assert _notice(Client().get(FORM).content.decode()) is None


def test_a_refused_submission_with_files_says_so_too(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.COMPLAINT_RATE_LIMIT_PER_IP = 1
    assert _post(world.school_a, ip="10.31.0.9").status_code == 302
    response = _post(world.school_a, ip="10.31.0.9", attachments=[upload("photo.jpg", jpeg_bytes())])
    assert response.status_code == 429
    assert "<li>photo.jpg</li>" in (_notice(response.content.decode()) or "")


# --- 2. the institution involved: shown and kept for the same categories -----------


def test_each_category_option_says_whether_it_names_the_institution(world) -> None:  # type: ignore[no-untyped-def]
    tutoring = ComplaintCategory.objects.get(name=TUTORING)
    page = Client().get(FORM).content.decode()
    options = dict(re.findall(r'<option value="(\d+)"([^>]*)>', page))
    assert "data-links-institution" in options[str(tutoring.pk)]
    assert "data-links-institution" not in options[str(category().pk)]
    # A category changed in the administration shows at once (the cached
    # page and its cached fields).
    kind = category()
    kind.links_institution = True
    kind.save()
    options = dict(re.findall(r'<option value="(\d+)"([^>]*)>', Client().get(FORM).content.decode()))
    assert "data-links-institution" in options[str(kind.pk)]


def test_an_institution_named_for_another_category_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    _public_institution(world.bureau)
    response = _post(world.school_a, linked_institution_name="金榜数学培训学校")
    assert response.status_code == 200
    errors = response.context["form"].errors["linked_institution_name"]
    assert len(errors) == 1 and f"“{TUTORING}”" in errors[0], errors
    assert errors[0].startswith("只有以下类别的投诉才记录涉及的培训机构：") and errors[0].endswith("否则请清空此项。")
    assert ComplaintCase.objects.count() == 0
    # The same complaint without it, or in the paid-tutoring category, is kept.
    assert _post(world.school_a, ip="10.31.0.2", linked_institution_name="").status_code == 302
    tutoring = ComplaintCategory.objects.get(name=TUTORING)
    kept = _post(world.school_a, ip="10.31.0.3", category=str(tutoring.pk), linked_institution_name="金榜数学培训学校")
    assert kept.status_code == 302
    assert ComplaintCase.objects.get(category=tutoring).linked_institution.name == "金榜数学培训学校"


def test_an_unknown_institution_where_it_is_kept_is_an_error(world) -> None:  # type: ignore[no-untyped-def]
    tutoring = ComplaintCategory.objects.get(name=TUTORING)
    response = _post(world.school_a, category=str(tutoring.pk), linked_institution_name="没有这家机构")
    assert "linked_institution_name" in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0


def test_a_complaint_about_an_institution_refuses_a_second_one(world) -> None:  # type: ignore[no-untyped-def]
    about = _public_institution(world.bureau, "优才英语培训学校")
    response = _post(
        world.school_a,
        target="institution",
        institution_id=str(about.pk),
        institution_name=about.name,
        school_name="",
        school_code="",
        linked_institution_name="优才英语培训学校",
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["linked_institution_name"]
    assert ComplaintCase.objects.count() == 0


# --- 3. full-width characters --------------------------------------------------------


def test_phone_normalisation_gives_ascii_digits() -> None:
    assert normalize_phone("１３８１２３４５６７８") == "13812345678"
    assert normalize_phone("138１２３４５６７８") == "13812345678"
    assert normalize_phone("＋８６ １３８－１２３４－５６７８") == "13812345678"
    # Other scripts' digits are no mainland mobile (they were, mixed in).
    assert not is_mainland_mobile("138١٢٣٤٥٦٧٨")


@pytest.mark.parametrize("typed", ["１３８１２３４５６７８", "138１２３４５６７８", "138 1234 5678"])
def test_a_full_width_phone_is_stored_in_ascii(world, typed) -> None:  # type: ignore[no-untyped-def]
    response = _post(world.school_a, identity="real_name", name="王家长", phone=typed)
    assert response.status_code == 302
    case = ComplaintCase.objects.get()
    assert complaint_masked_identity(case=case).phone == "13812345678"
    assert case.phone_hash == phone_hash("13812345678")


@override_settings(COMPLAINT_RATE_LIMIT_PER_PHONE=1)
def test_a_full_width_phone_counts_against_the_same_limit(world) -> None:  # type: ignore[no-untyped-def]
    real = {"identity": "real_name", "name": "王家长"}
    assert _post(world.school_a, ip="10.31.1.1", phone="13812345678", **real).status_code == 302
    refused = _post(world.school_b, ip="10.31.1.2", phone="138１２３４５６７８", **real)
    assert refused.status_code == 429 and ComplaintCase.objects.count() == 1


def test_status_form_makes_number_and_code_ascii() -> None:
    for number in ("ＴＳ２０２６１２０２－０００２", "ts20261202—0002", "TS 2026 1202 —— 0002", "TS202612020002"):
        form = StatusForm({"number": number, "code": "ａｂｃｄ ｅｆ２３"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"number": "TS20261202-0002", "code": "ABCDEF23"}


def test_a_full_width_look_up_finds_the_case(world) -> None:  # type: ignore[no-untyped-def]
    filed = file_case(school=world.school_a)
    wide = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
    number = filed.case.number.translate(wide)
    code = filed.query_code.lower().translate(wide)
    assert number != filed.case.number and code.upper() != filed.query_code
    client = Client()
    client.get(STATUS, REMOTE_ADDR="10.31.2.1")
    response = client.post(STATUS, {"number": number, "code": code}, REMOTE_ADDR="10.31.2.1")
    assert status_page_number(response) == filed.case.number


# --- 4. the school's findings have a limit -------------------------------------------


def test_findings_longer_than_the_limit_are_refused_with_the_text_kept(world) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status("investigating", school=world.school_a, assign_to="school")
    client = Client()
    client.force_login(world.principal_a)
    url = reverse("complaints:assigned_action", args=[case.pk, "findings"])
    response = client.post(url, {"findings-findings": "查" * 25_000})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.findings == ""
    page = response.content.decode()
    message = f"最多能填写 {COMPLAINT_TEXT_MAX_LENGTH} 个字（现在是 25000 个），请删减。"
    assert message in page and "请填写核查情况" not in page
    assert [str(m) for m in response.context["messages"]] == [message]
    # The page cuts nothing itself: the refused text comes back whole.
    assert "查" * 25_000 in page and "maxlength" not in page.split('name="findings-findings"')[1].split(">")[0]
    assert client.post(url, {"findings-findings": "查" * COMPLAINT_TEXT_MAX_LENGTH}).status_code == 302
    case.refresh_from_db()
    assert len(case.findings) == COMPLAINT_TEXT_MAX_LENGTH


def test_the_limit_is_the_complaint_text_limit() -> None:
    from supervision.complaints.forms import FindingsForm, PublicComplaintForm

    assert FindingsForm.base_fields["findings"].max_length == COMPLAINT_TEXT_MAX_LENGTH  # type: ignore[attr-defined]
    assert PublicComplaintForm.base_fields["description"].max_length == COMPLAINT_TEXT_MAX_LENGTH  # type: ignore[attr-defined]


# --- 5. one error for a too-long name ------------------------------------------------


def test_a_too_long_name_shows_only_the_length_error(world) -> None:  # type: ignore[no-untyped-def]
    response = _post(world.school_a, identity="real_name", name="王" * 31, phone="13812345678")
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["最多能填写 30 个字（现在是 31 个），请删减。"]
    assert ComplaintCase.objects.count() == 0
    empty = _post(world.school_a, ip="10.31.3.1", identity="real_name", name="  ", phone="13812345678")
    assert empty.context["form"].errors["name"] == ["实名投诉需要填写您的姓名。"]


# --- 6. the school field's required marker -------------------------------------------


def _starred(page: str, field: str) -> bool:
    label = re.search(rf'<label\s+for="id_{field}"[^>]*>(.*?)</label>', page, re.S)
    assert label is not None, field
    return "asteriskField" in label.group(1)


def test_the_school_field_is_starred_as_it_is_required(world) -> None:  # type: ignore[no-untyped-def]
    Client().get(FORM)
    page = Client().get(FORM).content.decode()  # the cached page
    assert _starred(page, "school_name") and _starred(page, "category") and _starred(page, "description")
    # The institution's name is required for its target, the page showing one of the two.
    assert _starred(page, "institution_name")
    assert not _starred(page, "linked_institution_name") and not _starred(page, "happened_on")
    # The rule the marker stands for: empty gives "此项为必填项".
    response = _post(world.school_a, school_name="", school_code="")
    assert response.context["form"].errors["school_name"] == ["此项为必填项。"]
    assert _starred(response.content.decode(), "school_name")


def test_a_complaint_about_an_institution_needs_no_school(world) -> None:  # type: ignore[no-untyped-def]
    about = _public_institution(world.bureau, "优才英语培训学校")
    common = {"target": "institution", "school_name": "", "school_code": ""}
    response = _post(world.school_a, institution_name="", **common)
    assert response.context["form"].errors["institution_name"] == ["请填写培训机构名称。"]
    assert "school_name" not in response.context["form"].errors
    kept = _post(world.school_a, ip="10.31.4.1", institution_id=str(about.pk), institution_name=about.name, **common)
    assert kept.status_code == 302 and ComplaintCase.objects.get().institution == about


def test_the_new_messages_are_translated() -> None:
    from supervision.complaints.forms import PublicComplaintForm

    with translation.override("zh-hans"):
        form = PublicComplaintForm(request=None)  # type: ignore[arg-type]
        assert "培训机构" in form._linked_refusal(about_institution=True)
        assert "请清空此项" in form._linked_refusal(about_institution=False)
