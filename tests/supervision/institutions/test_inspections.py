"""Inspections of training institutions: findings, and rectification demands
that follow the same rectification loop as a school's (bureau staff record
the institution's answer and verify it); refusals save nothing; findings
and demands never reach the public page. Hotline intake names an
institution like the public form does."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from supervision.institutions import services
from supervision.models import (
    ComplaintCase,
    ComplaintCategory,
    InspectionResult,
    InstitutionInspection,
    ListKind,
    Rectification,
    RectificationAction,
    RectificationStatus,
)
from tests.supervision.helpers import login
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db


def _listed(by):  # type: ignore[no-untyped-def]
    institution = make_institution(by, name="启明数学培训学校")
    entry = services.list_entry_add(institution=institution, kind=ListKind.WHITE, by=by)
    services.list_entry_publish(entry=entry, by=by)
    return institution


def _inspection_post(day: datetime.date, deadline: datetime.date, **overrides: str) -> dict[str, str]:
    data = {
        "date": day.isoformat(),
        "inspectors": "张督学、李科长",
        "result": InspectionResult.PROBLEMS,
        "findings": "消防通道堆放杂物；公示收费与实际收费不符。",
        "demands-TOTAL_FORMS": "2",
        "demands-INITIAL_FORMS": "0",
        "demands-MIN_NUM_FORMS": "0",
        "demands-MAX_NUM_FORMS": "10",
        "demands-0-title": "清理消防通道",
        "demands-0-description": "三日内清理消防通道杂物并报送照片。",
        "demands-0-deadline": deadline.isoformat(),
        "demands-1-title": "",
        "demands-1-description": "",
        "demands-1-deadline": "",
    }
    data.update(overrides)
    return data


def test_inspection_demands_follow_the_rectification_loop(world) -> None:  # type: ignore[no-untyped-def]
    institution = _listed(world.bureau)
    today = timezone.localdate()
    staff = login(world.bureau)
    response = staff.post(
        reverse("institutions:inspection", args=[institution.pk]),
        _inspection_post(today, today + datetime.timedelta(days=14)),
    )
    assert response.status_code == 302
    inspection = InstitutionInspection.objects.get()
    assert inspection.institution == institution and inspection.by == world.bureau
    assert "消防通道" in inspection.findings
    demand = Rectification.objects.get()
    assert (demand.institution, demand.inspection, demand.school) == (institution, inspection, None)
    assert demand.status == RectificationStatus.OPEN and demand.title == "清理消防通道"
    assert list(demand.events.values_list("action", flat=True)) == [RectificationAction.RAISED]

    page = staff.get(reverse("institutions:detail", args=[institution.pk])).content.decode()
    assert "公示收费与实际收费不符" in page and reverse("rectification_detail", args=[demand.pk]) in page

    # The rectification loop of visits: answered (bureau staff record the
    # institution's answer), returned, answered again, accepted.
    answer = reverse("rectification_answer", args=[demand.pk])
    review = reverse("rectification_review", args=[demand.pk])
    assert staff.post(answer, {"plan": "已清理一半。"}).status_code == 302
    assert staff.post(review, {"decision": "return", "note": "仍有杂物"}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == RectificationStatus.RETURNED
    assert staff.post(answer, {"plan": "已全部清理，附照片。"}).status_code == 302
    assert staff.post(review, {"decision": "accept", "note": "复查合格"}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == RectificationStatus.ACCEPTED and demand.closed_by == world.bureau
    actions = list(demand.events.order_by("pk").values_list("action", flat=True))
    assert actions == [
        RectificationAction.RAISED,
        RectificationAction.ANSWERED,
        RectificationAction.RETURNED,
        RectificationAction.ANSWERED,
        RectificationAction.ACCEPTED,
    ]
    # Nobody but bureau staff sees the demand; the public page shows neither
    # the findings nor the demand.
    for user in (world.principal_a, world.supervisor_x):
        assert login(user).get(reverse("rectification_detail", args=[demand.pk])).status_code == 404
    public = Client().get(reverse("institutions:public_detail", args=[institution.pk]))
    html = public.content.decode()
    assert public.status_code == 200 and "消防通道" not in html and "张督学" not in html


def test_inspection_refusals_save_nothing(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau)
    today = timezone.localdate()
    demand = services.Demand("整改", "说明要改正的问题。", today + datetime.timedelta(days=7))
    refused: list[dict[str, Any]] = [
        # problems found need their findings
        {"result": InspectionResult.PROBLEMS, "findings": ""},
        # only an inspection that found problems demands rectification
        {"result": InspectionResult.COMPLIANT, "findings": "", "demands": [demand]},
        # not in the future
        {"result": InspectionResult.COMPLIANT, "findings": "", "date": today + datetime.timedelta(days=1)},
        # a deadline already past (so before the inspection): the inspection is not kept either
        {
            "result": InspectionResult.PROBLEMS,
            "findings": "超标收费",
            "date": today - datetime.timedelta(days=10),
            "demands": [services.Demand("退费", "退还超收费用。", today - datetime.timedelta(days=12))],
        },
        # a demand needs what must be corrected
        {"result": InspectionResult.PROBLEMS, "findings": "超标收费", "demands": [services.Demand("退费", " ", today)]},
    ]
    for case in refused:
        kwargs = {"date": today, "inspectors": "张督学", "by": world.bureau, **case}
        with translation.override("zh-hans"), pytest.raises(services.InstitutionError) as caught:
            services.institution_inspection_record(institution=institution, **kwargs)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.messages[0]), case
    with pytest.raises(services.InstitutionError):
        services.institution_inspection_record(
            institution=institution,
            date=today,
            inspectors="  ",
            result=InspectionResult.COMPLIANT,
            findings="",
            by=world.bureau,
        )
    for user in (world.principal_a, world.supervisor_x):
        with pytest.raises(services.InstitutionError):
            services.institution_inspection_record(
                institution=institution,
                date=today,
                inspectors="某人",
                result=InspectionResult.COMPLIANT,
                findings="",
                by=user,
            )
    services.institution_cancel(institution=institution, by=world.bureau, reason="不符合设置标准")
    with pytest.raises(services.InstitutionError):
        services.institution_inspection_record(
            institution=institution,
            date=today,
            inspectors="张督学",
            result=InspectionResult.COMPLIANT,
            findings="",
            by=world.bureau,
        )
    assert not InstitutionInspection.objects.exists() and not Rectification.objects.exists()

    # The page says why and keeps nothing.
    other = make_institution(world.bureau)
    response = login(world.bureau).post(
        reverse("institutions:inspection", args=[other.pk]), _inspection_post(today, today, findings="")
    )
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not InstitutionInspection.objects.exists() and not Rectification.objects.exists()


def test_hotline_intake_names_an_institution(world) -> None:  # type: ignore[no-untyped-def]
    institution = make_institution(world.bureau, name="卓越英语培训学校")
    staff = login(world.bureau)
    received = timezone.localtime() - datetime.timedelta(minutes=30)
    data = {
        "channel": "hotline",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "school": "",
        "institution": institution.pk,
        "category": ComplaintCategory.objects.get(name="校外培训").pk,
        "description": "来电反映该机构周末仍开设初中英语学科类培训。",
        "real_name": "on",
        "name": "赵家长",
        "phone": "13800001111",
    }
    # Both a school and an institution, or neither: refused, nothing saved.
    for target in ({"school": world.school_a.pk}, {"institution": ""}):
        response = staff.post(reverse("complaints:staff_intake"), {**data, **target})
        assert response.status_code == 200 and "school" in response.context["form"].errors
    assert not ComplaintCase.objects.exists()

    response = staff.post(reverse("complaints:staff_intake"), data)
    assert response.status_code == 302
    case = ComplaintCase.objects.get()
    assert (case.institution, case.school, case.channel) == (institution, None, "hotline")
    assert case.accept_due and case.conclude_due  # the same time limits as a school case
    assert "13800001111" not in str(ComplaintCase.objects.filter(pk=case.pk).values().get())  # stored encrypted
    page = staff.get(reverse("institutions:detail", args=[institution.pk])).content.decode()
    assert case.number in page
