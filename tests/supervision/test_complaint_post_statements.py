"""What a valid public complaint costs the database (the list in
``bench/README.md``): on PostgreSQL one statement, the day's number, the
case, its "received" event and their audit entries together, with the
CAPTCHA and the rate limits counted in Redis and the form's rows and the
day's time limits read through the cache; and numbers stay gap-free when a
filing fails after its number was taken."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jianfu.audit import _snapshot
from jianfu.models import AuditAction, AuditEvent
from jianfu.prepared import prepared_deallocate_all, prepared_statements_apply
from supervision.complaints import services
from supervision.complaints.models import complaint_accept_due, complaint_conclude_due, complaint_due_dates
from supervision.models import CalendarDay, CalendarDayKind, ComplaintCase, ComplaintEvent
from tests.supervision.complaint_factories import ensure_complaint_seed_data, file_case, public_form_data
from tests.supervision.helpers import captcha_solve

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")


def _statements(client: Client, school, *, ip: str, **extra: str) -> list[str]:  # type: ignore[no-untyped-def]
    client.get(FORM, REMOTE_ADDR=ip)
    data = public_form_data(school, captcha=captcha_solve(client), **extra)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(FORM, data, REMOTE_ADDR=ip)
    assert response.status_code == 302
    # The first filing on a database connection prepares its statement.
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("PREPARE ")]


def _kind(sql: str) -> str:
    words = sql.split()
    if words[0] in {"SAVEPOINT", "RELEASE"}:
        return words[0]
    if words[0] in {"PREPARE", "EXECUTE"}:
        # The server-side name ends in a digest of the text (jianfu/prepared.py).
        return f"{words[0]} {words[1].rsplit('_', 1)[0]}"
    table = next(w for w in words if w.startswith('"') and not w.startswith('"s1')).strip('"').split('"')[0]
    return f"{words[0]} {table}"


def _filing() -> list[str]:
    """The filing's statements: ONE on PostgreSQL (the number counter's
    upsert, the case, its event and both audit entries as data-modifying
    CTEs), prepared once per database connection; the ORM's inserts
    elsewhere."""
    if connection.vendor == "postgresql":
        return [f"EXECUTE {services.FILING_STATEMENT}"]
    return [
        "INSERT supervision_complaintnumbercounter",  # upsert: the lock is taken here ...
        "INSERT supervision_complaintcase",
        "INSERT jianfu_auditevent",
        "INSERT supervision_complaintevent",
        "INSERT jianfu_auditevent",  # ... and released at the commit
    ]


def test_a_public_complaint_runs_the_listed_statements(world) -> None:  # type: ignore[no-untyped-def]
    # The CAPTCHA's nonce and the address's wrong answers (one round trip),
    # then the limit per address: in Redis, or one statement each when
    # there is no Redis.
    captcha_counts = [] if settings.REDIS_URL else ["INSERT jianfu_ratecounter", "SELECT jianfu_ratecounter"]
    address_limit = [] if settings.REDIS_URL else ["INSERT jianfu_ratecounter"]
    # The first complaint after the rows changed (the test's schools were
    # just saved) reads the active categories, the school and the calendar
    # and keeps them in the cache; the next one reads none of them. The
    # first of the day also creates the number counter's row, in the same
    # statement as the next ones update it.
    first = [_kind(sql) for sql in _statements(Client(), world.school_a, ip="10.9.0.1")]
    assert first == [
        "SELECT supervision_complaintcategory",
        "SELECT schools_school",
        *captcha_counts,
        *address_limit,
        "SELECT supervision_calendarday",  # both deadlines
        *_filing(),
    ]
    second = [_kind(sql) for sql in _statements(Client(), world.school_a, ip="10.9.0.2")]
    assert second == [*captcha_counts, *address_limit, *_filing()]
    assert [n[-4:] for n in ComplaintCase.objects.order_by("number").values_list("number", flat=True)] == [
        "0001",
        "0002",
    ]
    event = ComplaintEvent.objects.filter(action="received").latest("pk")
    assert event.at == event.case.received_at


def test_a_real_name_complaint_counts_the_phone_too(world) -> None:  # type: ignore[no-untyped-def]
    sql = _statements(Client(), world.school_a, ip="10.9.0.3", identity="real_name", name="王家长", phone="13812345678")
    counted = [s for s in sql if s.startswith('INSERT INTO "jianfu_ratecounter"')]
    if settings.REDIS_URL:
        # In Redis, with the address's limit in the same round trip.
        from jianfu.counters import REDIS_PREFIX, counters_redis

        assert counted == []
        assert list(counters_redis().scan_iter(match=f"{REDIS_PREFIX}submit_phone:*"))
    else:
        assert len(counted) == 3 and "'submit_phone'" in counted[-1]


def test_the_one_statement_writes_the_entries_the_signals_write(world) -> None:  # type: ignore[no-untyped-def]
    """Whichever way a case is filed (one statement on PostgreSQL, the ORM's
    inserts elsewhere or with files), its audit entries are what the
    signals write for the saved rows: the same fields, values and names,
    attributed to the request's address."""
    client = Client()
    _statements(client, world.school_a, ip="10.9.0.4", identity="real_name", name="王家长", phone="13812345678")
    case = ComplaintCase.objects.get()
    event = ComplaintEvent.objects.get(case=case)
    filed = ["supervision.complaintcase", "supervision.complaintevent"]
    entries = list(AuditEvent.objects.filter(object_type__in=filed).order_by("pk"))
    assert [(e.object_type, e.object_id) for e in entries] == [
        ("supervision.complaintcase", str(case.pk)),
        ("supervision.complaintevent", str(event.pk)),
    ]
    for entry, row in zip(entries, (case, event), strict=True):
        assert entry.action == AuditAction.CREATE
        assert (entry.user_id, entry.username, entry.ip_address, entry.note) == (None, "", "10.9.0.4", "")
        assert entry.object_repr == str(row)
        assert entry.changes == {k: [None, v] for k, v in _snapshot(row).items()}
    # The identity is in neither (encrypted and hashed fields are left out).
    assert "王家长" not in str(entries[0].changes) and "13812345678" not in str(entries[0].changes)
    assert "name_encrypted" not in entries[0].changes and "phone_hash" not in entries[0].changes


def test_the_statement_is_prepared_once_per_connection(world) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's one statement")
    prepared_deallocate_all()  # as on a new database connection
    with CaptureQueriesContext(connection) as ctx:
        file_case(school=world.school_a)
        file_case(school=world.school_a)
    kinds = [_kind(q["sql"]) for q in ctx.captured_queries if q["sql"].split()[0] in {"PREPARE", "EXECUTE", "WITH"}]
    statement = services.FILING_STATEMENT
    assert kinds == [f"PREPARE {statement}", f"EXECUTE {statement}", f"EXECUTE {statement}"]


def test_behind_pgbouncer_in_transaction_mode_nothing_is_prepared(world) -> None:  # type: ignore[no-untyped-def]
    """The next statement may run on another server connection there."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's one statement")
    connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
    try:
        with CaptureQueriesContext(connection) as ctx:
            file_case(school=world.school_a)
    finally:
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
    words = [q["sql"].split()[0] for q in ctx.captured_queries]
    assert words[-1] == "WITH" and not {"PREPARE", "EXECUTE"} & set(words)


@pytest.mark.django_db(transaction=True)
def test_a_server_connection_that_never_saw_the_prepare_still_files_the_complaint(world) -> None:  # type: ignore[no-untyped-def]
    """Behind a pool that shares server connections (PgBouncer in transaction
    mode with DATABASE_POOL_MODE forgotten), EXECUTE may reach a connection
    without the statement. In autocommit, as the public form runs, the
    complaint is filed all the same, by the statement's text."""
    if not prepared_statements_apply():
        pytest.skip("PostgreSQL's prepared statement")
    ensure_complaint_seed_data()
    prepared_deallocate_all()
    assert not connection.in_atomic_block
    try:
        with CaptureQueriesContext(connection) as ctx:
            file_case(school=world.school_a)
            with connection.cursor() as cursor:
                # What another server connection knows; the portal still
                # thinks the statement prepared here.
                cursor.execute("DEALLOCATE ALL")
            file_case(school=world.school_a)
            file_case(school=world.school_a)
    finally:
        prepared_deallocate_all()  # the connection as the next test expects it
    kinds = [_kind(q["sql"]) for q in ctx.captured_queries if q["sql"].split()[0] in {"PREPARE", "EXECUTE", "WITH"}]
    statement = services.FILING_STATEMENT
    assert kinds == [
        f"PREPARE {statement}",
        f"EXECUTE {statement}",
        f"EXECUTE {statement}",  # unknown there: refused, nothing ran ...
        "WITH supervision_complaintnumbercounter",  # ... so the text itself
        f"PREPARE {statement}",
        f"EXECUTE {statement}",
    ]
    numbers = ComplaintCase.objects.order_by("number").values_list("number", flat=True)
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003"]


def test_a_filing_that_fails_in_its_statement_takes_no_number(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A constraint of the case failing inside the one statement undoes the
    number counter's upsert with it: the next case gets the number."""
    real_sealed = services.sealed
    # A real-name case without its sealed name: refused by the database's
    # check (complaint_real_name_has_name), after the number was counted.
    monkeypatch.setattr(services, "sealed", lambda name, phone: {**real_sealed(name, phone), "name_encrypted": ""})
    with pytest.raises(IntegrityError), transaction.atomic():
        file_case(school=world.school_a, by=world.bureau)
    monkeypatch.undo()
    assert not ComplaintCase.objects.exists()
    assert file_case(school=world.school_a, by=world.bureau).case.number[-4:] == "0001"


def test_deadlines_from_one_read_match_the_rule(world) -> None:  # type: ignore[no-untyped-def]
    day = datetime.date(2026, 9, 30)  # just before the National Day week of the seeded calendar
    assert CalendarDay.objects.filter(date__month=10, date__year=2026, kind=CalendarDayKind.HOLIDAY).count() >= 5
    with CaptureQueriesContext(connection) as ctx:
        both = complaint_due_dates(day)
    assert len(ctx.captured_queries) == 1
    # The day's other complaints read them from the cache ...
    with CaptureQueriesContext(connection) as ctx:
        assert complaint_due_dates(day) == both
    assert len(ctx.captured_queries) == 0
    assert both == (complaint_accept_due(day), complaint_conclude_due(day))
    # ... until the calendar changes: a new holiday counts at once.
    monday = datetime.date(2026, 11, 2)
    before = complaint_due_dates(monday)
    CalendarDay.objects.create(date=monday + datetime.timedelta(days=1), kind=CalendarDayKind.HOLIDAY, name="测试")
    after = complaint_due_dates(monday)
    assert after[0] == before[0] + datetime.timedelta(days=1) and after[1] > before[1]
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
