"""What a bureau user's walk of the register found: bad input refused with
a clear Chinese message on its field (never a constraint's name) and nothing
changed; an institution's and a campaign's name and a campaign's description
read as such, not as a person's name or a complaint's content; list entries
neither dated after today nor ended before they start; the admin's titles
in Chinese labels."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook

from supervision.institutions import services
from supervision.institutions.exports import InstitutionRegisterExcel
from supervision.institutions.forms import CampaignForm
from supervision.institutions.imports import InstitutionImporter
from supervision.models import (
    FeeStandard,
    InstitutionEvent,
    InstitutionInspection,
    ListEntry,
    ListKind,
    ReviewCampaign,
    ReviewOutcome,
    TrainingInstitution,
)
from tests.supervision.helpers import login
from tests.supervision.institutions.factories import VALID_CODES, credit_code, make_institution

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
LICENCE_EXPIRES = datetime.date.today() + datetime.timedelta(days=700)


def _today() -> datetime.date:
    return timezone.localdate()


def _fields(world, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "name": "平湖市启航英语培训学校",
        "credit_code": VALID_CODES[0],
        "kind": "subject",
        "district": world.district_x.pk,
        "licence_issued_on": "2024-09-01",
        "licence_expires_on": LICENCE_EXPIRES.isoformat(),
        "contact_phone": "0573-85012345",
    }
    data.update(overrides)
    return data


def _post_new(world, **overrides: object):  # type: ignore[no-untyped-def]
    return login(world.bureau).post(reverse("institutions:new"), _fields(world, **overrides), **ZH)


# --- 1. constraints: a Chinese message on the field, never the constraint's name ---------------


def test_licence_expiring_before_issue_is_refused_on_its_field_in_chinese(world) -> None:  # type: ignore[no-untyped-def]
    response = _post_new(world, licence_issued_on="2025-03-01", licence_expires_on="2025-01-01")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["licence_expires_on"] == ["许可证有效期不能早于发证日期。"]
    assert "__all__" not in errors
    page = response.content.decode()
    assert "约束" not in page and "institution_licence_dates_ordered" not in page
    assert not TrainingInstitution.objects.exists()


def test_editing_to_an_expiry_before_issue_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau, licence_issued_on=datetime.date(2024, 9, 1))
    edit = reverse("institutions:edit", args=[institution.pk])
    fields = _fields(world, credit_code=institution.credit_code, licence_expires_on="2024-08-31")
    response = login(world.bureau).post(edit, fields, **ZH)
    assert response.status_code == 400 and "约束" not in response.content.decode()
    assert response.context["form"].errors["licence_expires_on"] == ["许可证有效期不能早于发证日期。"]
    institution.refresh_from_db()
    assert institution.licence_expires_on is None


@pytest.mark.parametrize(
    "model",
    [
        TrainingInstitution,
        FeeStandard,
        InstitutionEvent,
        ReviewCampaign,
        ReviewOutcome,
        InstitutionInspection,
        ListEntry,
    ],
)
def test_every_constraint_of_the_institutions_has_a_chinese_message(model) -> None:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        for constraint in model._meta.constraints:
            message = str(constraint.get_violation_error_message())
            assert constraint.name not in message and "约束" not in message, constraint.name
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message), constraint.name
            assert constraint.violation_error_code, constraint.name


def test_a_constraint_in_the_admin_reads_its_chinese_message(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    entry = ListEntry(institution=institution, kind=ListKind.BLACK, listed_on=_today(), reason="")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "请填写列入黑名单的理由，该理由将向社会公示。" in caught.value.messages
    assert not any("约束" in m for m in caught.value.messages)


# --- 2 and 3. an institution's and a campaign's name; a campaign's description -------------------


def test_institution_name_column_reads_institution_name(world) -> None:  # type: ignore[no-untyped-def]
    make_institution(world.bureau)
    page = login(world.bureau).get(reverse("institutions:staff_list"), **ZH).content.decode()
    assert "<th>机构名称</th>" in page and "<th>姓名</th>" not in page


def test_register_sheets_name_the_institution_not_a_person(world) -> None:  # type: ignore[no-untyped-def]
    with translation.override("zh-hans"):
        sheets = InstitutionRegisterExcel().sheets({}, user=world.bureau, progress=lambda *a: None)
    by_title = {sheet.title: [column.header for column in sheet.columns] for sheet in sheets}
    assert by_title["状态与名单"][1] == "机构名称"
    assert by_title["核定收费标准"][1] == "机构名称"
    assert not any("姓名" in headers for headers in by_title.values())


def test_campaign_name_and_description_read_as_a_campaigns(world) -> None:  # type: ignore[no-untyped-def]
    page = login(world.bureau).get(reverse("institutions:campaigns"), **ZH).content.decode()
    assert "<th>名称</th>" in page and "专项说明" in page
    assert "姓名" not in page and "反映内容" not in page
    with translation.override("zh-hans"):
        form = CampaignForm()
        assert (str(form.fields["name"].label), str(form.fields["description"].label)) == ("名称", "专项说明")
        # A person's name keeps its translation.
        assert gettext("Name") == "姓名"


# --- 4. the public lists: not dated after today, never ending before they start --------------------


def test_a_list_entry_dated_after_today_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    tomorrow = _today() + datetime.timedelta(days=1)
    with translation.override("zh-hans"), pytest.raises(services.InstitutionError) as caught:
        services.list_entry_add(institution=institution, kind=ListKind.WHITE, by=world.bureau, listed_on=tomorrow)
    assert caught.value.messages == ["列入日期不能晚于今天。"]

    response = login(world.bureau).post(
        reverse("institutions:entry_add", args=[institution.pk]),
        {"entry-kind": "white", "entry-listed_on": tomorrow.isoformat()},
        follow=True,
        **ZH,
    )
    assert not ListEntry.objects.exists()
    assert "列入日期不能晚于今天。" in response.content.decode()
    # Today is fine.
    services.list_entry_add(institution=institution, kind=ListKind.WHITE, by=world.bureau, listed_on=_today())


def test_moving_lists_cannot_end_the_current_entry_before_it_started(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    started = _today() - datetime.timedelta(days=10)
    white = services.list_entry_add(institution=institution, kind=ListKind.WHITE, by=world.bureau, listed_on=started)
    with translation.override("zh-hans"), pytest.raises(services.InstitutionError) as caught:
        services.list_entry_add(
            institution=institution,
            kind=ListKind.BLACK,
            by=world.bureau,
            listed_on=started - datetime.timedelta(days=1),
            reason="违规开展学科类培训",
        )
    assert started.isoformat() in caught.value.messages[0] and "不能早于" in caught.value.messages[0]
    white.refresh_from_db()
    assert white.removed_on is None and ListEntry.objects.count() == 1


def test_cancelling_never_ends_a_white_list_entry_before_it_started(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    entry = services.list_entry_add(institution=institution, kind=ListKind.WHITE, by=world.bureau)
    # An entry dated ahead, as one could be before such dates were refused.
    ahead = _today() + datetime.timedelta(days=365)
    ListEntry.objects.filter(pk=entry.pk).update(listed_on=ahead)
    services.institution_cancel(institution=institution, by=world.bureau, reason="注销")
    entry.refresh_from_db()
    assert entry.removed_on == ahead


def test_the_admin_refuses_an_entry_ending_before_it_starts(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    entry = ListEntry(
        institution=institution,
        kind=ListKind.WHITE,
        listed_on=_today(),
        removed_on=_today() - datetime.timedelta(days=1),
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert caught.value.message_dict["listed_on"] == ["移出日期不能早于列入日期。"]


# --- 5. phones and dates of the register -------------------------------------------------------


def test_a_phone_that_is_no_phone_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    for bad in ("hello", "85012345", "12345"):
        response = _post_new(world, contact_phone=bad)
        assert response.status_code == 400, bad
        assert "不是有效的电话号码" in response.context["form"].errors["contact_phone"][0]
    assert not TrainingInstitution.objects.exists()
    with pytest.raises(services.InstitutionError):
        make_institution(world.bureau, contact_phone="hello")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0573-85012345", "0573-85012345"),
        ("010-62345678", "010-62345678"),
        ("13912345678", "13912345678"),
        ("139 1234 5678", "139 1234 5678"),
        ("０５７３－８５０１２３４５", "0573-85012345"),
        ("１３９１２３４５６７８", "13912345678"),
    ],
)
def test_landlines_with_area_code_and_mobiles_are_accepted(world, typed, stored) -> None:  # type: ignore[no-untyped-def]
    assert _post_new(world, contact_phone=typed).status_code == 302
    assert TrainingInstitution.objects.get().contact_phone == stored


def test_a_licence_issued_after_today_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    tomorrow = _today() + datetime.timedelta(days=1)
    response = _post_new(world, licence_issued_on=tomorrow.isoformat())
    assert response.status_code == 400
    assert response.context["form"].errors["licence_issued_on"] == ["发证日期不能晚于今天。"]
    assert not TrainingInstitution.objects.exists()
    with pytest.raises(services.InstitutionError):
        make_institution(world.bureau, licence_issued_on=tomorrow)


def test_a_fee_approved_after_today_is_refused_and_the_saved_fees_stay(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    services.institution_fees_set(
        institution=institution,
        rows=[services.FeeRow("小班数学", "课时", Decimal("55"), _today())],
        by=world.bureau,
    )
    tomorrow = _today() + datetime.timedelta(days=1)
    fees = {
        "fees-TOTAL_FORMS": "1",
        "fees-INITIAL_FORMS": "0",
        "fees-MIN_NUM_FORMS": "0",
        "fees-MAX_NUM_FORMS": "50",
        "fees-0-course": "小班英语",
        "fees-0-unit": "课时",
        "fees-0-amount": "60",
        "fees-0-approved_on": tomorrow.isoformat(),
    }
    response = login(world.bureau).post(reverse("institutions:fees", args=[institution.pk]), fees, **ZH)
    assert response.status_code == 400 and "核定日期不能晚于今天。" in response.content.decode()
    assert list(FeeStandard.objects.values_list("course", flat=True)) == ["小班数学"]
    with pytest.raises(services.InstitutionError):
        services.institution_fees_set(
            institution=institution,
            rows=[services.FeeRow("小班英语", "课时", Decimal("60"), tomorrow)],
            by=world.bureau,
        )


def test_the_import_refuses_the_same_phone_and_issue_date(world) -> None:  # type: ignore[no-untyped-def]
    headers = InstitutionImporter().headers
    book = Workbook()
    sheet = book.active
    sheet.title = "校外培训机构"
    sheet.append(headers)
    tomorrow = _today() + datetime.timedelta(days=1)
    rows = [
        {"统一社会信用代码": credit_code(901), "机构名称": "甲", "类别": "学科类", "联系电话": "85012345"},
        {"统一社会信用代码": credit_code(902), "机构名称": "乙", "类别": "学科类", "许可证发证日期": tomorrow},
    ]
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "机构.xlsx"  # type: ignore[attr-defined]
    response = login(world.bureau).post(reverse("institutions:import"), {"file": out}, **ZH)
    assert response.status_code == 400
    errors = [(e.row, e.column) for e in response.context["errors"]]
    assert (2, "联系电话") in errors and (3, "许可证发证日期") in errors
    assert not TrainingInstitution.objects.exists()


# --- 6. the admin's titles -------------------------------------------------------------------------


def test_events_and_entries_are_titled_in_chinese(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau, name="启航培训学校")
    services.institution_start_review(institution=institution, by=world.bureau)
    entry = services.list_entry_add(institution=institution, kind=ListKind.WHITE, by=world.bureau)
    event = InstitutionEvent.objects.filter(institution=institution).order_by("pk").last()
    assert event is not None
    with translation.override("zh-hans"):
        day = f"{timezone.localdate(event.at):%Y-%m-%d}"
        assert str(event) == f"启航培训学校 已登记→审核中 {day}"
        assert str(entry) == f"启航培训学校 白名单 {_today():%Y-%m-%d}"
        first = InstitutionEvent.objects.filter(institution=institution).order_by("pk").first()
        assert str(first).startswith("启航培训学校 —→已登记 ")


def test_the_admin_shows_the_chinese_titles(world, admin_client: Client) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau, name="启航培训学校")
    services.institution_start_review(institution=institution, by=world.bureau)
    url = reverse("admin:supervision_traininginstitution_change", args=[institution.pk])
    page = admin_client.get(url, **ZH).content.decode()
    assert "已登记→审核中" in page and "registered→under_review" not in page
