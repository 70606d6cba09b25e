"""What a valid public complaint costs the database (the list in
``bench/README.md``): a fixed set of statements, the day's number taken by
one upsert after everything slow and right before the inserts, the
deadlines from one calendar read, no extra UPDATE of the event and no
savepoint inside the filing; and numbers stay gap-free when a filing fails
after its number was taken."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.complaints.models import complaint_accept_due, complaint_conclude_due, complaint_due_dates
from supervision.models import CalendarDay, CalendarDayKind, ComplaintCase, ComplaintEvent
from tests.supervision.complaint_factories import category, file_case
from tests.supervision.helpers import captcha_solve

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")


def _statements(client: Client, school, *, ip: str, **extra: str) -> list[str]:  # type: ignore[no-untyped-def]
    client.get(FORM, REMOTE_ADDR=ip)
    data = {
        "school_code": school.code,
        "school_name": school.name,
        "category": str(category().pk),
        "happened_on": "2026-11-21",
        "description": "周六上午学校组织全年级集体补课，收取资料费。",
        "identity": "anonymous",
        "name": "",
        "phone": "",
        "website": "",
        "captcha": captcha_solve(client),
        **extra,
    }
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(FORM, data, REMOTE_ADDR=ip)
    assert response.status_code == 302
    return [q["sql"] for q in ctx.captured_queries]


def _kind(sql: str) -> str:
    words = sql.split()
    if words[0] in {"SAVEPOINT", "RELEASE"}:
        return words[0]
    table = next(w for w in words if w.startswith('"') and not w.startswith('"s1')).strip('"').split('"')[0]
    return f"{words[0]} {table}"


def test_a_public_complaint_runs_the_listed_statements(world) -> None:  # type: ignore[no-untyped-def]
    for ip in ("10.9.0.1", "10.9.0.2"):  # the first of the day creates the counter row, the second updates it
        kinds = [_kind(sql) for sql in _statements(Client(), world.school_a, ip=ip)]
        assert kinds == [
            "SAVEPOINT",  # the view's transaction (the test's savepoint; BEGIN in production)
            "SELECT supervision_complaintcategory",
            "SELECT jianfu_ratecounter",  # CAPTCHA failures of the address
            "INSERT jianfu_ratecounter",  # the CAPTCHA's nonce, spent once
            "SELECT schools_school",
            "SAVEPOINT",  # the filing's, so that a refusal keeps the spent CAPTCHA
            "INSERT jianfu_ratecounter",  # per address
            "SELECT supervision_calendarday",  # both deadlines
            "INSERT supervision_complaintnumbercounter",  # upsert: the lock is taken here ...
            "INSERT supervision_complaintcase",
            "INSERT jianfu_auditevent",
            "INSERT supervision_complaintevent",
            "INSERT jianfu_auditevent",
            "RELEASE",
            "RELEASE",  # ... and released here (COMMIT in production)
        ]
    assert [n[-4:] for n in ComplaintCase.objects.order_by("number").values_list("number", flat=True)] == [
        "0001",
        "0002",
    ]
    event = ComplaintEvent.objects.filter(action="received").latest("pk")
    assert event.at == event.case.received_at


def test_a_real_name_complaint_counts_the_phone_too(world) -> None:  # type: ignore[no-untyped-def]
    sql = _statements(Client(), world.school_a, ip="10.9.0.3", identity="real_name", name="王家长", phone="13812345678")
    scopes = [s for s in sql if s.startswith('INSERT INTO "jianfu_ratecounter"')]
    assert len(sql) == 16 and len(scopes) == 3 and "'submit_phone'" in scopes[-1]


def test_deadlines_from_one_read_match_the_rule(world) -> None:  # type: ignore[no-untyped-def]
    day = datetime.date(2026, 9, 30)  # just before the National Day week of the seeded calendar
    assert CalendarDay.objects.filter(date__month=10, date__year=2026, kind=CalendarDayKind.HOLIDAY).count() >= 5
    with CaptureQueriesContext(connection) as ctx:
        both = complaint_due_dates(day)
    assert len(ctx.captured_queries) == 1
    assert both == (complaint_accept_due(day), complaint_conclude_due(day))
    assert both[0] > day + datetime.timedelta(days=7)


def test_a_failed_filing_gives_its_number_back(world) -> None:  # type: ignore[no-untyped-def]
    first = file_case(school=world.school_a, by=world.bureau).case
    with pytest.raises(IntegrityError), transaction.atomic():
        # The number is taken, then the case cannot be saved: the rollback
        # returns the number with everything else.
        file_case(school=world.school_a, by=world.bureau)
        ComplaintCase.objects.create(number=first.number, query_code_hash="x", school=world.school_a)
    later = file_case(school=world.school_a, by=world.bureau).case
    assert (first.number[-4:], later.number[-4:]) == ("0001", "0002")
