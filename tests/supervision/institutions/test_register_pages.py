"""Bureau staff keep the register on its pages: every field of an
institution (code checked, licence and its dates, insurance, premises,
capacity), its approved fees, and the status history the page shows; a bad
code or a kind change outside conversion is refused in Chinese and saves
nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from supervision.institutions import services
from supervision.models import FeeStandard, InstitutionEvent, ListKind, TrainingInstitution
from tests.supervision.helpers import login
from tests.supervision.institutions.factories import VALID_CODES

pytestmark = pytest.mark.django_db

# Ahead of whatever day the suite runs: the public page shows only insurance
# still in force, so fixed dates would fail the test once they passed.
LICENCE_EXPIRES = datetime.date.today() + datetime.timedelta(days=700)
INSURANCE_EXPIRES = datetime.date.today() + datetime.timedelta(days=300)


def _fields(world, **overrides: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "name": "平湖市启航英语培训学校",
        "credit_code": VALID_CODES[0].lower(),
        "kind": "subject",
        "address": "当湖街道新华路8号",
        "district": world.district_x.pk,
        "licence_number": "教民1330482000123号",
        "licence_issued_on": "2024-09-01",
        "licence_expires_on": LICENCE_EXPIRES.isoformat(),
        "insurance_policy": "PZAA202433048200001",
        "insurance_expires_on": INSURANCE_EXPIRES.isoformat(),
        "premises": "新华路8号二楼",
        "premises_area": "320.5",
        "capacity": "120",
        "contact_phone": "0573-85012345",
        "internal_note": "举报较多，重点关注",
    }
    data.update(overrides)
    return data


def test_staff_register_an_institution_with_every_field_and_its_fees(world) -> None:  # type: ignore[no-untyped-def]
    staff = login(world.bureau)
    new = reverse("institutions:new")
    # A wrong check character: refused in Chinese, nothing saved.
    response = staff.post(new, _fields(world, credit_code="91350100M000100Y44"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "校验码" in str(response.context["form"].errors["credit_code"])
    # Licence dates out of order: refused.
    assert staff.post(new, _fields(world, licence_expires_on="2023-01-01")).status_code == 400
    assert not TrainingInstitution.objects.exists()

    response = staff.post(new, _fields(world))
    assert response.status_code == 302
    i = TrainingInstitution.objects.get()
    assert (i.credit_code, i.kind, i.district, i.status) == (VALID_CODES[0], "subject", world.district_x, "registered")
    assert (i.licence_number, i.licence_issued_on, i.licence_expires_on) == (
        "教民1330482000123号",
        datetime.date(2024, 9, 1),
        LICENCE_EXPIRES,
    )
    assert (i.insurance_policy, i.insurance_expires_on) == ("PZAA202433048200001", INSURANCE_EXPIRES)
    assert (i.premises, i.premises_area, i.capacity) == ("新华路8号二楼", Decimal("320.5"), 120)
    assert InstitutionEvent.objects.filter(institution=i, from_status="", to_status="registered").exists()

    # Editing keeps the status; a subject institution becomes non-subject only by conversion.
    edit = reverse("institutions:edit", args=[i.pk])
    assert staff.post(edit, _fields(world, capacity="150")).status_code == 302
    assert staff.post(edit, _fields(world, kind="sports")).status_code == 400
    i.refresh_from_db()
    assert (i.capacity, i.kind) == (150, "subject")

    fees = {
        "fees-TOTAL_FORMS": "2",
        "fees-INITIAL_FORMS": "0",
        "fees-MIN_NUM_FORMS": "0",
        "fees-MAX_NUM_FORMS": "50",
        "fees-0-course": "小学英语小班",
        "fees-0-unit": "课时",
        "fees-0-amount": "55.00",
        "fees-0-approved_on": "2026-09-01",
        "fees-1-course": "初中英语小班",
        "fees-1-unit": "课时",
        "fees-1-amount": "65",
        "fees-1-approved_on": "2026-09-01",
    }
    assert staff.post(reverse("institutions:fees", args=[i.pk]), fees).status_code == 302
    assert sorted(FeeStandard.objects.filter(institution=i).values_list("course", "amount")) == [
        ("初中英语小班", Decimal("65.00")),
        ("小学英语小班", Decimal("55.00")),
    ]
    # The same course and unit twice: refused, the saved fees stay.
    twice = {**fees, "fees-1-course": "小学英语小班", "fees-1-amount": "99"}
    assert staff.post(reverse("institutions:fees", args=[i.pk]), twice).status_code == 400
    assert FeeStandard.objects.filter(institution=i).count() == 2

    services.institution_order_rectification(institution=i, by=world.bureau, reason="消防设施不全")
    page = staff.get(reverse("institutions:detail", args=[i.pk])).content.decode()
    assert "消防设施不全" in page and "举报较多" in page  # status history and the internal note, for staff

    # On the public list: fees and insurance, never the internal note.
    entry = services.list_entry_add(institution=i, kind=ListKind.WHITE, by=world.bureau)
    services.list_entry_publish(entry=entry, by=world.bureau)
    public = Client().get(reverse("institutions:public_detail", args=[i.pk])).content.decode()
    assert "65.00" in public and INSURANCE_EXPIRES.isoformat() in public and "举报较多" not in public
