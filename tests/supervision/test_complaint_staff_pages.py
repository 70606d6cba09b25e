"""Bureau staff work a case through its page: each step's form posts to
its service, refusals come back as messages on the page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from jianfu.roles import SECTION_DISCIPLINE
from supervision.models import ComplaintCase, ComplaintReplyTemplate
from supervision.workdays.calendar import add_working_days
from tests.supervision.complaint_factories import case_in_status, file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    return client


def act(client: Client, case: ComplaintCase, action: str, **data: object):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("complaints:staff_action", args=[case.pk, action]), {f"{action}-{k}": v for k, v in data.items()}
    )


def test_full_run_through_the_case_page(world, staff) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, by=world.bureau).case
    detail = staff.get(reverse("complaints:staff_detail", args=[case.pk]))
    assert [name for name, _title, _form in detail.context["actions"]] == ["accept", "decline", "duplicate", "attach"]
    assert act(staff, case, "accept", note="实名举报，当日受理").status_code == 302
    sup = world.supervisor_x.supervisor_profile
    assert act(staff, case, "assign", kind="supervisor", supervisor=sup.pk, note="请三日内核查").status_code == 302
    assert act(staff, case, "investigate").status_code == 302
    assert act(staff, case, "findings", findings="走访家长三名，属实").status_code == 302
    response = act(
        staff,
        case,
        "conclude",
        outcome="substantiated",
        liability="individual",
        liable_person="三年级数学教师",
        measures="约谈并停止补课",
        conclusion="周六补课属实",
    )
    assert response.status_code == 302
    template = ComplaintReplyTemplate.objects.get(title="情况属实")
    prefilled = staff.get(reverse("complaints:staff_detail", args=[case.pk]), {"template": template.pk})
    reply_form = next(f for n, _t, f in prefilled.context["actions"] if n == "reply")
    assert case.number in reply_form.initial["reply"] and world.school_a.name in reply_form.initial["reply"]
    assert act(staff, case, "reply", reply=reply_form.initial["reply"]).status_code == 302
    assert act(staff, case, "close", note="").status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "substantiated" and case.reply.startswith("您好")


def test_refused_step_shows_the_reason_on_the_page(world, staff) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status("investigating", school=world.school_a, by=world.bureau)
    response = act(staff, case, "conclude", outcome="substantiated", liability="none", conclusion="属实")
    assert response.status_code == 400
    form = next(f for n, _t, f in response.context["actions"] if n == "conclude")
    assert form.non_field_errors()
    case.refresh_from_db()
    assert case.status == "investigating"


def test_step_not_offered_in_this_status_is_refused(world, staff) -> None:  # type: ignore[no-untyped-def]
    case = case_in_status("received", school=world.school_a, by=world.bureau)
    response = act(staff, case, "reply", reply="答复")
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "received" and case.reply == ""


def test_assign_to_section_extend_and_duplicate_through_the_page(world, staff) -> None:  # type: ignore[no-untyped-def]
    first = file_case(school=world.school_a, by=world.bureau).case
    case = case_in_status("accepted", school=world.school_a, by=world.bureau)
    section = Group.objects.get(name=SECTION_DISCIPLINE)
    assert act(staff, case, "assign", kind="section", section=section.pk).status_code == 302
    new_due = add_working_days(case.conclude_due, 5)
    assert act(staff, case, "extend", new_due=new_due.isoformat(), reason="需调取监控").status_code == 302
    assert act(staff, case, "duplicate", original=first.pk).status_code == 302
    case.refresh_from_db()
    assert case.assigned_section == section and case.conclude_due == new_due and case.duplicate_of == first
    mine = staff.get(reverse("complaints:staff_list"), {"mine": "1"})
    assert case not in list(mine.context["page"])
    world.bureau.groups.add(section)
    mine = staff.get(reverse("complaints:staff_list"), {"mine": "1"})
    assert [c.pk for c in mine.context["page"]] == [case.pk]


def test_intake_form_refuses_future_time(world, staff) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from tests.supervision.complaint_factories import category

    later = timezone.localtime() + datetime.timedelta(hours=3)
    response = staff.post(
        reverse("complaints:staff_intake"),
        {
            "channel": "letter",
            "received_at": later.strftime("%Y-%m-%dT%H:%M"),
            "school": world.school_a.pk,
            "category": category().pk,
            "description": "来信反映。",
        },
    )
    assert response.status_code == 200 and "received_at" in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"happened_on": "FUTURE"}, "happened_on"),
        ({"happened_on": "AFTER_RECEIVED"}, "happened_on"),
        ({"received_at": "2019-01-01T09:00"}, "received_at"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_intake_form_refuses_dates_and_phones_no_case_could_have(world, staff, change, field) -> None:  # type: ignore[no-untyped-def]
    """An incident after the case was received or in the future, a case
    received years ago (overdue on arrival: its deadlines count from it), a
    five-digit "phone": refused on their field, nothing saved."""
    from django.utils import timezone

    from tests.supervision.complaint_factories import category

    received = timezone.localtime() - datetime.timedelta(days=2)
    data = {
        "channel": "letter",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "school": world.school_a.pk,
        "category": category().pk,
        "description": "来信反映。",
        "phone": "0573-85012345",
    }
    value = {
        "FUTURE": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "AFTER_RECEIVED": timezone.localdate().isoformat(),
    }
    data.update({key: value.get(v, v) for key, v in change.items()})
    response = staff.post(reverse("complaints:staff_intake"), data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and field in response.context["form"].errors
    assert ComplaintCase.objects.count() == 0
    # The same case with the field as it should be is taken in.
    data.update({"happened_on": (received - datetime.timedelta(days=1)).date().isoformat(), "phone": "85012345"})
    data["received_at"] = received.strftime("%Y-%m-%dT%H:%M")
    assert staff.post(reverse("complaints:staff_intake"), data).status_code == 302
    assert ComplaintCase.objects.count() == 1


def test_list_filters_by_school_category_status_and_number(world, staff) -> None:  # type: ignore[no-untyped-def]
    a = case_in_status("received", school=world.school_a, by=world.bureau)
    b = case_in_status("closed", school=world.school_b, by=world.bureau)
    url = reverse("complaints:staff_list")
    assert [c.pk for c in staff.get(url, {"school": world.school_a.pk}).context["page"]] == [a.pk]
    assert [c.pk for c in staff.get(url, {"status": "open"}).context["page"]] == [a.pk]
    assert [c.pk for c in staff.get(url, {"status": "closed"}).context["page"]] == [b.pk]
    assert [c.pk for c in staff.get(url, {"number": b.number[-4:]}).context["page"]][-1] == b.pk
    assert {c.pk for c in staff.get(url, {"category": a.category_id}).context["page"]} == {a.pk, b.pk}
    assert staff.get(url, {"status": "bogus", "school": "x"}).status_code == 200


def test_accountability_register_lists_the_cases_of_an_individuals_liability(world, staff) -> None:  # type: ignore[no-untyped-def]
    # Seed 001: an individual's act makes that person accountable, not the
    # school; the register is the bureau's list of those cases and persons.
    individual = case_in_status("replied", school=world.school_a, by=world.bureau)
    school = case_in_status("replied", school=world.school_b, by=world.bureau)
    ComplaintCase.objects.filter(pk=school.pk).update(liability="school", liable_person="")
    open_case = case_in_status("received", school=world.school_a, by=world.bureau)
    url = reverse("complaints:staff_list")
    response = staff.get(url, {"liability": "individual"})
    assert [c.pk for c in response.context["page"]] == [individual.pk]
    html = response.content.decode()
    assert 'data-testid="liable-person"' in html and "三年级数学教师" in html
    assert {c.pk for c in staff.get(url, {"liability": "bogus"}).context["page"]} == {
        individual.pk,
        school.pk,
        open_case.pk,
    }
    assert 'data-testid="accountability-filter"' in staff.get(url).content.decode()


def test_rejected_conclusion_is_summarised_at_the_top_with_links_to_the_fields(world, staff) -> None:  # type: ignore[no-untyped-def]
    """A conclude form sent without outcome, liability or conclusion: the
    page opens with an error summary, before every form, whose links lead to
    the fields (a radio group's first choice has the field's id plus _0)."""
    case = case_in_status("investigating", school=world.school_a, by=world.bureau)
    response = act(staff, case, "conclude", **{"conclude-measures": "约谈"})
    assert response.status_code == 400
    page = response.content.decode()
    summary = re.search(r'<div[^>]*data-testid="error-summary".*?</div>', page, re.S)
    assert summary is not None
    assert page.index('data-testid="error-summary"') < page.index(f'action="/bureau/complaints/{case.pk}/')
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert links == ["id_conclude-outcome", "id_conclude-liability", "id_conclude-conclusion"]
    for field_id in links:
        assert f'id="{field_id}"' in page or f'id="{field_id}_0"' in page, field_id
    assert "办理结论</a>：此项为必填项。" in summary.group(0)
    case.refresh_from_db()
    assert case.status == "investigating"


def test_staff_texts_on_a_case_are_limited_like_the_complainant_s(world, staff) -> None:  # type: ignore[no-untyped-def]
    """A reason, note, conclusion or reply longer than the complaint's own
    limit is refused on its field; the case does not move."""
    from supervision.complaints.forms import COMPLAINT_TEXT_MAX_LENGTH

    case = file_case(school=world.school_a, by=world.bureau).case
    too_long = "字" * (COMPLAINT_TEXT_MAX_LENGTH + 1)
    response = act(staff, case, "decline", reason=too_long)
    assert response.status_code in (200, 400)
    case.refresh_from_db()
    assert case.status == "received"
    assert act(staff, case, "accept", note=too_long).status_code in (200, 400)
    case.refresh_from_db()
    assert case.status == "received"
    assert act(staff, case, "accept", note="字" * COMPLAINT_TEXT_MAX_LENGTH).status_code == 302
