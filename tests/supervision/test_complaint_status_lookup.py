"""The public status look-up, made cheap for issue 17: the case, its
subject's and category's names and its public milestones in one hand-written
statement, and the public layout rendered once per process. Each shortcut
must give exactly what the slow way gave."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, URLResolver, reverse
from django.utils import timezone

from jianfu import public_layout, stamped
from jianfu.prepared import prepared_statements_apply
from supervision.complaints import services
from supervision.complaints.selectors import (
    PUBLIC_STATUS_STATEMENT,
    complaint_public_status_get,
    complaint_public_timeline,
)
from supervision.models import ComplaintCase, ComplaintChannel
from tests.factories import BureauUserFactory
from tests.supervision.complaint_factories import case_in_status, category, ensure_complaint_seed_data, file_case
from tests.supervision.institutions.factories import make_institution

pytestmark = pytest.mark.django_db

STATUS = reverse("complaints:public_status")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _kind(sql: str) -> str:
    """The statement's verb and its main table (the look-up's names come from
    scalar subqueries over other tables)."""
    if sql.startswith("INSERT"):
        return "INSERT " + sql.split()[2].strip('"')
    if sql.startswith(("PREPARE", "EXECUTE")):
        # The server-side name ends in a digest of the text (jianfu/prepared.py).
        return sql.split()[0] + " " + sql.split()[1].rsplit("_", 1)[0]
    main = re.search(r'\bFROM\s+"?(\w+)"?\s+c\b', sql) or re.search(r'\bFROM\s+"?(\w+)"?', sql)
    assert main is not None, sql
    return sql.split()[0] + " " + main.group(1)


def test_a_status_look_up_runs_one_statement_and_no_transaction(world) -> None:  # type: ignore[no-untyped-def]
    filed = file_case(school=world.school_a)
    for code, found in ((filed.query_code, True), ("WRONG234", False)):
        client = Client()
        client.get(STATUS, REMOTE_ADDR="10.9.1.1")
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(STATUS, {"number": filed.case.number, "code": code}, REMOTE_ADDR="10.9.1.1")
        assert ('data-testid="case-status"' in response.content.decode()) is found
        # The case with its names and milestones and the address's failures
        # in one read; a wrong code adds one upsert (no BEGIN/COMMIT of its
        # own), with or without Redis.
        counted = [] if found else ["INSERT jianfu_ratecounter"]
        # Prepared once per connection on PostgreSQL (jianfu/prepared.py).
        read = (
            f"EXECUTE {PUBLIC_STATUS_STATEMENT}" if prepared_statements_apply() else "SELECT supervision_complaintcase"
        )
        kinds = [_kind(q["sql"]) for q in ctx.captured_queries if not q["sql"].startswith("PREPARE")]
        assert kinds == [read, *counted]


def _orm_reading(case: ComplaintCase) -> tuple[object, ...]:
    row = ComplaintCase.objects.select_related("school", "institution", "category").get(pk=case.pk)
    return (
        row.pk,
        row.number,
        row.query_code_hash,
        row.status,
        row.received_at,
        row.accept_due,
        row.conclude_due,
        row.due_date,
        row.public_stage,
        row.not_accepted_reason,
        row.reply,
        row.subject_name,
        row.category.name,
        complaint_public_timeline(case=row),
    )


def test_the_one_statement_reads_what_the_orm_reads(world) -> None:  # type: ignore[no-untyped-def]
    bureau = BureauUserFactory()
    closed = case_in_status("closed", school=world.school_a, by=bureau)
    declined = case_in_status("not_accepted", school=world.school_b, by=bureau)
    fresh = file_case(school=world.school_a, by=bureau).case
    institution = make_institution(bureau, name="星辰培训学校")
    about_institution = services.complaint_file(
        institution=institution,
        category=category(),
        channel=ComplaintChannel.HOTLINE,
        description="周末组织学科类培训。",
        happened_on=datetime.date(2026, 11, 20),
        real_name=False,
        name="",
        phone="",
        received_at=timezone.now(),
        operator=bureau,
    ).case
    for case in (closed, declined, fresh, about_institution):
        found = complaint_public_status_get(number=case.number)
        assert found is not None
        read = found.case
        mine = (
            read.pk,
            read.number,
            read.query_code_hash,
            read.status,
            read.received_at,
            read.accept_due,
            read.conclude_due,
            read.due_date,
            read.public_stage,
            read.not_accepted_reason,
            read.reply,
            read.subject_name,
            read.category_name,
            found.timeline,
        )
        assert mine == _orm_reading(case)
    assert [m.stage for m in complaint_public_status_get(number=closed.number).timeline] == [  # type: ignore[union-attr]
        "received",
        "accepted",
        "in_progress",
        "replied",
        "closed",
    ]
    assert complaint_public_status_get(number=about_institution.number).case.subject_name == "星辰培训学校"  # type: ignore[union-attr]
    assert complaint_public_status_get(number="NO-SUCH-0001") is None


def _page(client: Client, data: dict[str, str] | None, **extra: str) -> str:
    response = client.post(STATUS, data, **extra) if data is not None else client.get(STATUS, **extra)
    assert response.status_code == 200
    return TOKEN.sub("TOKEN", response.content.decode())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_layout_rendered_once_gives_the_page_the_whole_template_gives(world, language) -> None:  # type: ignore[no-untyped-def]
    """The same page, to the byte but for the CSRF token, whether the layout
    came from the process's copy (a visitor without a session) or from the
    whole template (a visitor whose browser carries a session cookie)."""
    filed = file_case(school=world.school_a)
    looked_up = [{"number": filed.case.number, "code": filed.query_code}]
    # Every part of the page's body: a reply and a reason over several lines
    # with characters to escape, a due date or none, one to five milestones.
    for status in ("replied", "not_accepted", "closed", "accepted"):
        case = case_in_status(status, school=world.school_b, by=world.bureau)
        code = services.new_query_code()
        ComplaintCase.objects.filter(pk=case.pk).update(
            query_code_hash=services.query_code_digest(code=code),
            reply='已责令整改。\n<b>补课费</b> & "资料费"已退还' if status in ("replied", "closed") else "",
            not_accepted_reason="不属于受理范围\n请向<市场监管>部门反映" if status == "not_accepted" else "",
        )
        looked_up.append({"number": case.number, "code": code})
    public_layout._SHELLS.clear()
    stamped.stamps_clear()
    pages = []
    for data in (
        None,
        *looked_up,
        {"number": filed.case.number, "code": "WRONG234"},
        {"number": "", "code": ""},
    ):
        anonymous = Client(HTTP_ACCEPT_LANGUAGE=language)
        with_session = Client(HTTP_ACCEPT_LANGUAGE=language)
        with_session.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
        shell = _page(anonymous, data, REMOTE_ADDR="10.9.2.1")
        whole = _page(with_session, data, REMOTE_ADDR="10.9.2.2")
        assert shell == whole
        pages.append(shell)
    # The reply as Django's linebreaksbr printed it: escaped, then broken.
    assert any("已责令整改。<br>&lt;b&gt;补课费&lt;/b&gt; &amp; &quot;资料费&quot;已退还" in page for page in pages)
    assert any("不属于受理范围<br>请向&lt;市场监管&gt;部门反映" in page for page in pages)
    assert public_layout._SHELLS, "the anonymous visitors were served from the layout's copy"
    assert len(stamped._STAMPS) >= 5, "the found cases' bodies were stamped"
    assert ("投诉办理进度查询" in shell) is (language == "zh-hans")


def test_the_cached_layout_carries_the_visitors_own_token_and_it_passes(world) -> None:  # type: ignore[no-untyped-def]
    filed = file_case(school=world.school_a)
    client = Client(enforce_csrf_checks=True)
    page = client.get(STATUS).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1 and "jf-csrf-" not in page and "jf-body-" not in page
    response = client.post(
        STATUS, {"number": filed.case.number, "code": filed.query_code, "csrfmiddlewaretoken": tokens.pop()}
    )
    assert response.status_code == 200 and 'data-testid="case-status"' in response.content.decode()
    assert (
        Client(enforce_csrf_checks=True)
        .post(STATUS, {"number": filed.case.number, "code": filed.query_code})
        .status_code
        == 403
    )


def test_signed_in_staff_get_their_own_menu_on_the_status_page(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.bureau)
    page = client.get(STATUS).content.decode()
    assert reverse("admin:index") in page and reverse("login") not in page
    anonymous = Client().get(STATUS).content.decode()
    assert reverse("admin:index") not in anonymous and reverse("login") in anonymous


def test_a_bureau_name_changed_in_the_settings_shows(world, settings) -> None:  # type: ignore[no-untyped-def]
    assert settings.BUREAU_NAME in Client().get(STATUS).content.decode()
    settings.BUREAU_NAME = "平湖市教育局（测试）"
    assert "平湖市教育局（测试）" in Client().get(STATUS).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_look_up_replaces_the_health_check_by_one_retry(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """No ``SELECT 1`` before the look-up's read on a sound connection; on one
    the server dropped, the read is answered all the same, on a new
    connection; a statement that fails on a sound connection fails."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's connections")
    import psycopg2
    from django.db import OperationalError

    from jianfu.prepared import prepared_deallocate_all, prepared_fetchall

    ensure_complaint_seed_data()
    filed = file_case(school=world.school_a)
    checks: list[bool] = []
    sound = connection.is_usable

    def is_usable() -> bool:
        checks.append(sound())
        return checks[-1]

    monkeypatch.setattr(connection, "is_usable", is_usable)
    connection.close_if_unusable_or_obsolete()  # as when a request starts
    assert connection.health_check_enabled and not connection.health_check_done
    assert complaint_public_status_get(number=filed.case.number) is not None
    assert checks == []

    params = connection.get_connection_params()
    with psycopg2.connect(**params) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.get_backend_pid()])
    other.close()
    connection.close_if_unusable_or_obsolete()
    found = complaint_public_status_get(number=filed.case.number)
    assert found is not None and found.case.number == filed.case.number
    assert checks == [False]  # checked once the read had failed, then replaced

    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
    connection.close_if_unusable_or_obsolete()
    try:
        with pytest.raises(OperationalError):
            prepared_fetchall(name="jianfu_test_sleep", sql="SELECT pg_sleep(%s)", params=[1])
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
        prepared_deallocate_all()
    assert checks == [False, True]  # sound: the statement's own failure is raised


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_read_runs_on_the_drivers_cursor_and_recovers_as_before(world) -> None:  # type: ignore[no-untyped-def]
    """With queries not logged (production), the look-up's read does not go
    through Django's cursor wrapper, and what the wrapper gave stays: the
    driver's errors come as Django's, so a statement the server connection
    no longer knows (a pool) is sent as text, and a failing statement raises
    Django's error with nothing left broken. When queries are logged (a test
    counting them, DEBUG) the wrapper is used and the statement counted."""
    if not prepared_statements_apply():
        pytest.skip("PostgreSQL's prepared statement")
    from django.db import DataError, connections

    from jianfu.prepared import prepared_deallocate_all, prepared_fetchall

    ensure_complaint_seed_data()
    filed = file_case(school=world.school_a)
    prepared_deallocate_all()
    db = connections["default"]

    def no_wrapper() -> None:
        raise AssertionError("Django's cursor wrapper used outside a transaction")

    try:
        db.cursor = no_wrapper  # type: ignore[method-assign,assignment]  # (on the instance; deleted below)
        assert complaint_public_status_get(number=filed.case.number) is not None  # PREPARE, EXECUTE
        # What another server connection knows; the portal still thinks the
        # statement prepared here.
        raw = connection.connection.cursor()
        raw.execute("DEALLOCATE ALL")
        raw.close()
        found = complaint_public_status_get(number=filed.case.number)
        assert found is not None and found.case.number == filed.case.number
        with pytest.raises(DataError):
            prepared_fetchall(name="jianfu_test_cast", sql="SELECT %s::int", params=["not a number"])
        assert complaint_public_status_get(number=filed.case.number) is not None
        del db.cursor
        with CaptureQueriesContext(connection) as ctx:
            assert complaint_public_status_get(number=filed.case.number) is not None
        assert [_kind(q["sql"]) for q in ctx.captured_queries] == [f"EXECUTE {PUBLIC_STATUS_STATEMENT}"]
    finally:
        db.__dict__.pop("cursor", None)
        prepared_deallocate_all()


def test_the_complaint_pages_are_tried_first_and_nothing_else_matches_them() -> None:
    """The root URLconf tries the complaint pages first (the busiest public
    requests pass no other pattern); that is safe only while no other
    pattern of the portal would match their paths."""
    import jianfu.urls
    from supervision.complaints import urls as complaint_urls

    first, *others = jianfu.urls.urlpatterns
    assert isinstance(first, URLResolver) and first.urlconf_name is complaint_urls
    paths = [reverse(f"complaints:{name}") for name in ("public_form", "public_status", "public_done", "captcha")]
    paths += [reverse("complaints:staff_list"), reverse("complaints:staff_detail", args=[1])]
    for path in paths:
        for pattern in others:
            try:
                found = pattern.resolve(path.lstrip("/"))
            except Resolver404:
                found = None
            assert found is None, f"{path} also matches {pattern}"
