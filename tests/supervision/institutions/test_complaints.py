"""A complaint about a training institution goes through the same case
workflow as one about a school (deadlines, privacy), handled by a bureau
section, never by a school; a paid-tutoring school case names the
institution involved."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from supervision.complaints import services
from supervision.institutions import services as inst
from supervision.institutions.selectors import institution_figures
from supervision.models import (
    AssigneeKind,
    ComplaintCase,
    ComplaintCategory,
    ComplaintStatus,
    ListKind,
    Rectification,
)
from supervision.rectifications.services import rectification_accept, rectification_answer
from tests.supervision.complaint_factories import category
from tests.supervision.helpers import captcha_solve, login
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db
FORM = reverse("complaints:public_form")


def _public(by, name: str = "优才英语培训学校"):  # type: ignore[no-untyped-def]
    institution = make_institution(by, name=name)
    entry = inst.list_entry_add(institution=institution, kind=ListKind.WHITE, by=by)
    inst.list_entry_publish(entry=entry, by=by)
    return institution


def _file_public(client: Client, institution, **overrides):  # type: ignore[no-untyped-def]
    client.get(FORM, {"institution": institution.pk})
    data = {
        "target": "institution",
        "institution_id": institution.pk,
        "institution_name": institution.name,
        "school_name": "",
        "category": ComplaintCategory.objects.get(name="校外培训").pk,
        "description": "周六上午仍在上数学课，收费高于公示标准。",
        "identity": "real_name",
        "name": "王家长",
        "phone": "13912345678",
        "website": "",
        "captcha": captcha_solve(client),
    }
    data.update(overrides)
    return client.post(FORM, data, REMOTE_ADDR="10.0.0.9")


def test_institution_complaint_through_the_whole_workflow(world, eager_tasks) -> None:  # type: ignore[no-untyped-def]
    institution = _public(world.bureau)
    client = Client()
    page = client.get(FORM, {"institution": institution.pk})
    assert page.context["form"].initial["institution_name"] == institution.name
    assert _file_public(client, institution).status_code == 302
    case = ComplaintCase.objects.get()
    assert case.institution == institution and case.school is None
    assert case.accept_due and case.conclude_due  # the same time limits as a school case
    receipt = client.get(reverse("complaints:public_done")).context["receipt"]

    staff = login(world.bureau)
    assert institution.name in staff.get(reverse("complaints:staff_list")).content.decode()
    detail = staff.get(reverse("complaints:staff_detail", args=[case.pk])).content.decode()
    assert 'data-testid="case-institution"' in detail and "13912345678" not in detail

    services.complaint_accept(case=case, by=world.bureau)
    # No school investigates an institution, nor a district supervisor.
    with pytest.raises(services.ComplaintError):
        services.complaint_assign(case=case, by=world.bureau, kind=AssigneeKind.SCHOOL, school_summary="请自查")
    supervisor = world.supervisor_x.supervisor_profile
    with pytest.raises(services.ComplaintError):
        services.complaint_assign(case=case, by=world.bureau, kind=AssigneeKind.SUPERVISOR, supervisor=supervisor)
    section = world.bureau.groups.first()
    services.complaint_assign(case=case, by=world.bureau, kind=AssigneeKind.SECTION, section=section)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCase.objects.filter(pk=case.pk).update(assignee_kind=AssigneeKind.SCHOOL, assigned_section=None)
    assert institution_figures().open_cases == 1

    services.complaint_start_investigation(case=case, by=world.bureau)
    services.complaint_submit_findings(case=case, by=world.bureau, findings="周六确有学科类培训。")
    services.complaint_conclude(
        case=case,
        by=world.bureau,
        outcome="substantiated",
        liability="individual",
        liable_person="机构负责人",
        measures="责令停止周末学科类培训，退还超收费用",
        conclusion="情况属实。",
    )
    # The rectification loop of visits, with bureau staff recording the
    # institution's answer and verifying it.
    rectification = services.complaint_raise_rectification(
        case=case, by=world.bureau, deadline=datetime.date.today() + datetime.timedelta(days=10)
    )
    assert isinstance(rectification, Rectification)
    assert rectification.institution == institution and rectification.school is None
    rectification_answer(rectification=rectification, by=world.bureau, plan="已停止周末课程并退费。")
    rectification_accept(rectification=rectification, by=world.bureau, note="回访核实")
    assert rectification.status == "accepted"
    page = staff.get(reverse("rectification_detail", args=[rectification.pk])).content.decode()
    assert institution.name in page
    # Principals and supervisors never see it.
    assert login(world.principal_a).get(reverse("rectification_detail", args=[rectification.pk])).status_code == 404

    services.complaint_reply(case=case, by=world.bureau, reply="经核查情况属实，已责令整改。")
    services.complaint_close(case=case, by=world.bureau)
    assert case.status == ComplaintStatus.CLOSED
    assert institution_figures().open_cases == 0

    status = client.post(
        reverse("complaints:public_status"),
        {"number": receipt["number"], "code": receipt["code"]},
        REMOTE_ADDR="10.0.0.9",
    ).content.decode()
    assert institution.name in status and "已责令整改" in status and "王家长" not in status


def test_unlisted_institution_cannot_be_named_on_the_public_form(world) -> None:  # type: ignore[no-untyped-def]
    hidden = make_institution(world.bureau, name="未公示培训学校")
    response = _file_public(Client(), hidden)
    assert response.status_code == 200 and "institution_name" in response.context["form"].errors
    assert not ComplaintCase.objects.exists()


def test_exactly_one_target_and_paid_tutoring_link(world) -> None:  # type: ignore[no-untyped-def]
    institution = _public(world.bureau)
    with pytest.raises(services.ComplaintError):
        services.complaint_file(
            school=world.school_a, institution=institution, category=category(), channel="hotline", description="x" * 12
        )
    with pytest.raises(services.ComplaintError):
        services.complaint_file(category=category(), channel="hotline", description="x" * 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCase.objects.create(
            number="TS1",
            query_code_hash="x",
            category=category(),
            channel="hotline",
            description="x",
            accept_due=datetime.date.today(),
        )
    # The paid-tutoring category (seeded by the migration) links a school case to the institution.
    tutoring = ComplaintCategory.objects.get(name="学校或教师参与校外有偿培训")
    assert tutoring.links_institution
    with pytest.raises(services.ComplaintError):
        services.complaint_file(
            school=world.school_a,
            linked_institution=institution,
            category=category(),
            channel="hotline",
            description="x" * 12,
        )
    filed = services.complaint_intake(
        by=world.bureau,
        school=world.school_a,
        linked_institution=institution,
        category=tutoring,
        channel="hotline",
        received_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5),
        description="班主任把学生介绍到机构补课并收取提成。",
    )
    assert filed.case.school == world.school_a and filed.case.linked_institution == institution
    page = login(world.bureau).get(reverse("institutions:detail", args=[institution.pk])).content.decode()
    assert filed.case.number in page


def test_public_form_links_the_institution_for_paid_tutoring(world) -> None:  # type: ignore[no-untyped-def]
    institution = _public(world.bureau, "金榜数学培训学校")
    client = Client()
    response = _file_public(
        client,
        institution,
        target="school",
        school_name=world.school_a.name,
        school_code=world.school_a.code,
        institution_name="",
        linked_institution_name="金榜数学",
        category=ComplaintCategory.objects.get(name="学校或教师参与校外有偿培训").pk,
    )
    assert response.status_code == 302
    case = ComplaintCase.objects.get()
    assert case.school == world.school_a and case.institution is None and case.linked_institution == institution
