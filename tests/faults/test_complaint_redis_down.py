"""Redis stopped: the public complaint form still takes a complaint within
two seconds, and the notices the complaint workflow would have queued are
not lost.

What the workflow queues: filing a complaint (public form, hotline intake)
queues nothing; its rate limits and the CAPTCHA's spent nonces and wrong
answers are counted in Redis when it answers and in PostgreSQL when it does
not (tests/supervision/test_complaint_counters.py), and the case and its
number live in PostgreSQL. Assigning a case queues the assignee's
e-mail, and a school answering a rectification demand queues the
supervisors'; with the broker down those tasks cannot be published, so the
request still succeeds, the notice stays marked unsent on its row, and
``sweep_notifications`` sends it once Redis (or just cron) is back."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supervision.models import ComplaintCase, ComplaintEvent, ComplaintEventAction, RectificationAnswer
from supervision.rectifications.services import rectification_answer
from tests.supervision.complaint_factories import case_in_status, category, ensure_complaint_seed_data, status_page_case
from tests.supervision.factories import RectificationFactory
from tests.supervision.helpers import captcha_solve

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

FORM = reverse("complaints:public_form")


@pytest.fixture(autouse=True)
def _seed(transactional_db: None) -> None:
    # Transactional tests empty the tables the data migrations filled.
    ensure_complaint_seed_data()


def _sweep() -> str:
    out = StringIO()
    call_command("sweep_notifications", "--older-than", "0", stdout=out)
    return out.getvalue().strip()


def test_public_complaint_form_accepts_a_complaint_within_two_seconds_with_redis_down(  # type: ignore[no-untyped-def]
    world, redis_down
) -> None:
    client = Client()
    started = time.monotonic()
    form = client.get(FORM, {"school": world.school_a.code})
    image = client.get(reverse("complaints:captcha"))
    assert (form.status_code, image.status_code) == (200, 200)
    data = {
        "school_code": world.school_a.code,
        "school_name": world.school_a.name,
        "category": category().pk,
        "happened_on": "2026-11-21",
        "description": "周六上午学校组织全年级集体补课，收取资料费。",
        "identity": "real_name",
        "name": "王家长",
        "phone": "13812345678",
        "website": "",
        "captcha": captcha_solve(client),
    }
    posted = time.monotonic()
    response = client.post(FORM, data)
    elapsed = time.monotonic() - posted

    assert elapsed < 2, f"the complaint took {elapsed:.2f}s with Redis down"
    assert response.status_code == 302, response.content.decode()[:500]
    case = ComplaintCase.objects.get()
    assert (case.school, case.status, case.channel, case.real_name) == (world.school_a, "received", "web", True)
    assert ComplaintEvent.objects.filter(case=case, action=ComplaintEventAction.RECEIVED).exists()
    # The receipt, then the status look-up with the number and the code.
    receipt = client.get(response["Location"]).context["receipt"]
    assert receipt["number"] == case.number
    status = client.post(reverse("complaints:public_status"), {"number": case.number, "code": receipt["code"]})
    assert status.status_code == 200 and status_page_case(status) == (case.number, ["received"])
    assert time.monotonic() - started < 4, "the form, its picture, the receipt and the status page together"
    # Nothing was waiting in Redis for this complaint: it is whole without it.
    redis_down.start()
    assert redis_down.client().llen("celery") == 0


def test_case_assigned_with_redis_down_notifies_the_assignee_by_the_sweep(  # type: ignore[no-untyped-def]
    world, redis_down
) -> None:
    world.supervisor_x.email = "sup-x@example.cn"
    world.supervisor_x.save()
    case = case_in_status("accepted", school=world.school_a, by=world.bureau)
    staff = Client()
    staff.force_login(world.bureau)
    supervisor = world.supervisor_x.supervisor_profile
    mail.outbox.clear()

    started = time.monotonic()
    response = staff.post(
        reverse("complaints:staff_action", args=[case.pk, "assign"]),
        {"assign-kind": "supervisor", "assign-supervisor": supervisor.pk, "assign-note": "请三日内核查"},
    )
    elapsed = time.monotonic() - started

    assert elapsed < 2, f"assigning took {elapsed:.2f}s with Redis down"
    assert response.status_code == 302
    event = ComplaintEvent.objects.get(case=case, action=ComplaintEventAction.ASSIGNED)
    assert event.notified_at is None and mail.outbox == []

    redis_down.start()
    assert redis_down.client().llen("celery") == 0  # the task's message never reached Redis
    assert _sweep() == "1"
    assert [m.to for m in mail.outbox] == [["sup-x@example.cn"]]
    assert case.number in mail.outbox[0].subject
    event.refresh_from_db()
    assert event.notified_at is not None
    assert _sweep() == "0" and len(mail.outbox) == 1  # sent once


def test_rectification_answered_with_redis_down_is_not_lost(world, redis_down) -> None:  # type: ignore[no-untyped-def]
    world.supervisor_x.email = "sup-x@example.cn"
    world.supervisor_x.save()
    # Its own "raised" notice went out when it was raised.
    rectification = RectificationFactory(
        school=world.school_a, raised_by=world.supervisor_x, notified_at=timezone.now()
    )
    mail.outbox.clear()

    started = time.monotonic()
    answer = rectification_answer(rectification=rectification, by=world.principal_a, plan="已取消周六集体补课。")
    assert time.monotonic() - started < 2
    assert RectificationAnswer.objects.get(pk=answer.pk).notified_at is None

    redis_down.start()
    assert _sweep() == "1"
    assert [m.to for m in mail.outbox] == [["sup-x@example.cn"]]
    assert _sweep() == "0"
