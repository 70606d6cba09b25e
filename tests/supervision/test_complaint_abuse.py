"""Issue 12 on the public complaint side: the CAPTCHA's answer space and
failure counting, one answer accepted once, the look-up code under an HMAC
(milliseconds, also for unknown numbers), limits that hold under
simultaneous requests and behind the reverse proxy, and the bidi isolation
of a complainant's name in staff pages."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jianfu.models import AuditAction, AuditEvent
from supervision.complaints import captcha, services
from supervision.models import ComplaintCase
from tests.factories import PASSWORD, SchoolFactory
from tests.supervision.complaint_factories import (
    ensure_complaint_seed_data,
    file_case,
    public_form_data,
    status_page_case,
    status_page_number,
)
from tests.supervision.helpers import captcha_solve

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")
STATUS = reverse("complaints:public_status")
PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def _data(school, answer: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return public_form_data(school, captcha=answer)


def _answer(client: Client) -> str:
    return captcha_solve(client)


def _wrong(answer: str) -> str:
    return "".join("A" if c != "A" else "C" for c in answer)


def test_captcha_has_at_least_ten_thousand_answers(world) -> None:  # type: ignore[no-untyped-def]
    assert len(set(captcha.ALPHABET)) ** captcha.LENGTH >= 10**4
    seen = {captcha._new_answer() for _ in range(300)}
    # A constant guess (the old "always answer 10") would pass about never.
    assert len(seen) >= 295
    # The picture's token holds neither the answer nor anything unsigned.
    client = Client()
    client.get(reverse("complaints:captcha"))
    token = client.cookies[captcha.COOKIE].value
    payload = signing.loads(token, salt=captcha.SALT)
    assert set(payload) == {"n", "h", "f", "s"} and len(payload["h"]) == 64
    with pytest.raises(signing.BadSignature):
        signing.loads(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), salt=captcha.SALT)


@override_settings(COMPLAINT_CAPTCHA_FAILURES_PER_SESSION=5, COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR=1000)
def test_after_the_session_limit_of_wrong_answers_a_right_one_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(5):
        client.get(FORM, REMOTE_ADDR="10.60.0.1")
        assert (
            client.post(FORM, _data(world.school_a, _wrong(_answer(client))), REMOTE_ADDR="10.60.0.1").status_code
            == 200
        )
    client.get(FORM, REMOTE_ADDR="10.60.0.1")
    refused = client.post(FORM, _data(world.school_a, _answer(client)), REMOTE_ADDR="10.60.0.1")
    assert refused.status_code == 200 and "captcha" in refused.context["form"].errors
    assert "次数过多" in refused.content.decode()
    assert ComplaintCase.objects.count() == 0


@override_settings(COMPLAINT_CAPTCHA_FAILURES_PER_SESSION=100, COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR=3)
def test_a_fresh_session_does_not_escape_the_address_limit(world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        client = Client()
        client.get(FORM, REMOTE_ADDR="10.61.0.1")
        client.post(FORM, _data(world.school_a, _wrong(_answer(client))), REMOTE_ADDR="10.61.0.1")
    client = Client()
    client.get(FORM, REMOTE_ADDR="10.61.0.1")
    assert client.post(FORM, _data(world.school_a, _answer(client)), REMOTE_ADDR="10.61.0.1").status_code == 200
    assert ComplaintCase.objects.count() == 0
    # Another address is not affected.
    other = Client()
    other.get(FORM, REMOTE_ADDR="10.61.0.2")
    assert other.post(FORM, _data(world.school_a, _answer(other)), REMOTE_ADDR="10.61.0.2").status_code == 302


def test_a_used_answer_is_never_accepted_twice(world) -> None:  # type: ignore[no-untyped-def]
    """The token is in the browser: sending the same cookie again (a replay,
    or two requests at the same moment) finds its nonce already spent."""
    client = Client()
    client.get(FORM, REMOTE_ADDR="10.62.0.1")
    answer = _answer(client)
    token = client.cookies[captcha.COOKIE].value
    assert client.post(FORM, _data(world.school_a, answer), REMOTE_ADDR="10.62.0.1").status_code == 302
    client.cookies[captcha.COOKIE] = token
    replay = client.post(FORM, _data(world.school_a, answer), REMOTE_ADDR="10.62.0.1")
    assert replay.status_code == 200 and "captcha" in replay.context["form"].errors
    assert "已使用" in replay.content.decode()
    assert ComplaintCase.objects.count() == 1


@override_settings(PASSWORD_HASHERS=PBKDF2)
def test_status_look_up_costs_milliseconds_also_for_unknown_numbers(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(FORM)
    response = client.post(FORM, _data(world.school_a, _answer(client)))
    receipt = client.get(response["Location"]).context["receipt"]
    case = ComplaintCase.objects.get(number=receipt["number"])
    assert case.query_code_hash.startswith("hmac-sha256$") and receipt["code"] not in case.query_code_hash
    for number, code in (
        (receipt["number"], receipt["code"]),
        (receipt["number"], "WRONG234"),
        ("TS20990101-0001", "ABCDEFGH"),
    ):
        # CPU time of this process (the database's work is elsewhere): a
        # password hash took about a second here, the HMAC takes microseconds.
        started = time.process_time()
        services.complaint_check_query(number=number, code=code, ip=None)
        assert time.process_time() - started < 0.1


def test_codes_stored_before_the_hmac_still_work_and_are_upgraded(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a).case
    code = services.new_query_code()
    ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=make_password(code))
    assert services.complaint_check_query(number=case.number, code="WRONG234", ip=None) is None
    assert services.complaint_check_query(number=case.number, code=code, ip=None) is not None
    case.refresh_from_db()
    assert case.query_code_hash == services.query_code_digest(code=code)
    assert services.complaint_check_query(number=case.number, code=code.lower(), ip=None) is not None


@override_settings(TRUSTED_PROXY_COUNT=1, COMPLAINT_RATE_LIMIT_PER_IP=1)
def test_behind_the_proxy_complaint_limits_count_each_visitor(world) -> None:  # type: ignore[no-untyped-def]
    proxy = "172.18.0.2"
    first, second = Client(), Client()
    first.get(FORM, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    second.get(FORM, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.6")
    ok = first.post(FORM, _data(world.school_a, _answer(first)), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert ok.status_code == 302
    # A second visitor behind the same proxy is not "the same address".
    also = second.post(
        FORM, _data(world.school_a, _answer(second)), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.6"
    )
    assert also.status_code == 302
    # The first visitor, forging another first entry, is still counted as themselves.
    first.get(FORM, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    again = first.post(
        FORM, _data(world.school_a, _answer(first)), REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5"
    )
    assert again.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1, COMPLAINT_STATUS_FAILURES_PER_IP_HOUR=2)
def test_behind_the_proxy_status_look_ups_are_capped_per_visitor(world) -> None:  # type: ignore[no-untyped-def]
    """Behind the proxy all look-ups came from its address: two visitors'
    wrong codes capped everybody's look-ups together."""
    case = file_case(school=world.school_a).case
    code = services.new_query_code()
    ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=services.query_code_digest(code=code))
    proxy = "172.18.0.2"

    def look_up(client: Client, code: str, forwarded: str):  # type: ignore[no-untyped-def]
        data = {"number": case.number, "code": code}
        return client.post(STATUS, data, REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)

    guesser, owner = Client(), Client()
    for _ in range(2):
        # The guesser forges a first entry each time; the proxy appends the real one.
        assert status_page_case(look_up(guesser, "WRONG234", "10.0.0.9, 203.0.113.5")) is None
    assert status_page_number(look_up(owner, code, "198.51.100.6")) == case.number
    refused = look_up(guesser, code, "1.2.3.4, 203.0.113.5")
    assert status_page_case(refused) is None and 'data-testid="lookup-error"' in refused.content.decode()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_the_audit_trail_has_the_visitors_address(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post(
        reverse("login"),
        {"username": world.principal_a.username, "password": PASSWORD},
        REMOTE_ADDR="172.18.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.77",
    )
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN).latest("id")
    assert event.ip_address == "203.0.113.77"


def test_a_right_to_left_override_in_a_name_stays_inside_it(world) -> None:  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a, name="\u202e王芳", phone="13812345678").case
    client = Client()
    client.force_login(world.bureau)
    page = client.get(reverse("complaints:staff_detail", args=[case.pk])).content.decode()
    assert '<bdi data-testid="masked-name">\u202e**</bdi> · <bdi>' in page


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@override_settings(COMPLAINT_RATE_LIMIT_PER_IP=3)
def test_simultaneous_complaints_from_one_address_stop_at_the_limit() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    ensure_complaint_seed_data()
    school = SchoolFactory()
    clients = []
    for _ in range(8):
        client = Client()
        client.get(FORM, REMOTE_ADDR="10.63.0.1")
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def one(client: Client) -> None:
        try:
            answer = _answer(client)
            barrier.wait()
            statuses.append(client.post(FORM, _data(school, answer), REMOTE_ADDR="10.63.0.1").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ComplaintCase.objects.count() == 3
    assert sorted(statuses) == [302, 302, 302, 429, 429, 429, 429, 429]


# --- the look-up's failures: one upsert each; a right code reads them with the case (issue 17) ---


def _status_case(world):  # type: ignore[no-untyped-def]
    case = file_case(school=world.school_a).case
    code = services.new_query_code()
    ComplaintCase.objects.filter(pk=case.pk).update(query_code_hash=services.query_code_digest(code=code))
    return case, code


def _guess_until_refused(case, code: str, ip: str) -> int:  # type: ignore[no-untyped-def]
    """Wrong codes from ``ip`` until a right one is refused; how many it took."""
    client = Client(REMOTE_ADDR=ip)
    for n in range(1, 50):
        assert status_page_case(client.post(STATUS, {"number": case.number, "code": "WRONG234"})) is None
        if status_page_case(client.post(STATUS, {"number": case.number, "code": code})) is None:
            return n
    raise AssertionError("never refused")


@override_settings(COMPLAINT_STATUS_FAILURES_PER_IP_HOUR=3)
def test_the_look_up_counts_its_failures_in_the_database_and_a_right_code_writes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    from jianfu.models import RateCounter
    from jianfu.prepared import prepared_statements_apply
    from supervision.complaints.ratelimit import STATUS_FAILURE_BY_IP

    case, code = _status_case(world)
    # Three wrong codes are allowed; after them even the right one is refused.
    assert _guess_until_refused(case, code, "203.0.113.61") == 3
    assert RateCounter.objects.get(scope=STATUS_FAILURE_BY_IP).count == 3
    # The refusal says so, and the wrong code past the limit says the same.
    page = Client(REMOTE_ADDR="203.0.113.61").post(STATUS, {"number": case.number, "code": "WRONG234"})
    assert "该网络查询失败次数过多，请一小时后再试。" in page.content.decode()
    assert RateCounter.objects.get(scope=STATUS_FAILURE_BY_IP).count == 4  # counted too
    # Another visitor is not concerned, and a right code counts nothing.
    owner = Client(REMOTE_ADDR="203.0.113.62")
    for _ in range(5):
        assert status_page_number(owner.post(STATUS, {"number": case.number, "code": code})) == case.number
    with CaptureQueriesContext(connection) as queries:
        owner.post(STATUS, {"number": case.number, "code": code})
    # One read (the case with its names, milestones and the address's
    # failures, prepared on PostgreSQL: jianfu/prepared.py), no write.
    words = [q["sql"].split()[0] for q in queries.captured_queries if not q["sql"].startswith("PREPARE")]
    assert words == (["EXECUTE"] if prepared_statements_apply() else ["SELECT"])
    assert RateCounter.objects.filter(scope=STATUS_FAILURE_BY_IP).count() == 1


@override_settings(COMPLAINT_STATUS_FAILURES_PER_IP_HOUR=3, REDIS_URL="redis://127.0.0.1:1/0")
def test_with_redis_down_the_look_up_works_and_limits_as_before(world) -> None:  # type: ignore[no-untyped-def]
    from jianfu.counters import _redis_state
    from jianfu.models import RateCounter
    from supervision.complaints.ratelimit import STATUS_FAILURE_BY_IP

    _redis_state["paused_until"] = 0.0  # nothing listens on port 1: a real refused connection
    case, code = _status_case(world)
    assert _guess_until_refused(case, code, "203.0.113.63") == 3
    assert RateCounter.objects.get(scope=STATUS_FAILURE_BY_IP).count == 3
    _redis_state["paused_until"] = 0.0


@override_settings(COMPLAINT_STATUS_FAILURES_PER_IP_HOUR=3)
def test_failures_older_than_the_hour_no_longer_count(world) -> None:  # type: ignore[no-untyped-def]
    from jianfu.models import RateCounter
    from supervision.complaints.ratelimit import STATUS_FAILURE_BY_IP

    case, code = _status_case(world)
    assert _guess_until_refused(case, code, "203.0.113.66") == 3
    RateCounter.objects.filter(scope=STATUS_FAILURE_BY_IP).update(
        window_start=timezone.now() - datetime.timedelta(minutes=61)
    )
    client = Client(REMOTE_ADDR="203.0.113.66")
    assert status_page_number(client.post(STATUS, {"number": case.number, "code": code})) == case.number
    # A new failure starts a new hour at one.
    client.post(STATUS, {"number": case.number, "code": "WRONG234"})
    assert RateCounter.objects.get(scope=STATUS_FAILURE_BY_IP).count == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@override_settings(COMPLAINT_STATUS_FAILURES_PER_IP_HOUR=5)
def test_simultaneous_wrong_codes_let_no_right_one_past_the_limit() -> None:
    """Twenty look-ups at once from one address, each on its own database
    connection, one of them right, with a limit of 5 failures: exactly five
    wrong ones are answered "not found" (the upsert's row lock orders them),
    the rest "too many"; the right one is answered only if fewer than five
    failures were counted when its statement read the case, so at most five
    wrong ones come before an accepted right one. Run four times, as the
    threads fall differently each time."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent connections")
    from jianfu.models import RateCounter

    ensure_complaint_seed_data()
    school = SchoolFactory()
    filed = file_case(school=school)
    for attempt in range(4):
        ip = f"203.0.113.{70 + attempt}"
        outcomes: list[tuple[bool, str]] = []
        barrier = threading.Barrier(20)

        def one(
            i: int,
            ip: str = ip,
            outcomes: list[tuple[bool, str]] = outcomes,
            barrier: threading.Barrier = barrier,
        ) -> None:
            failed = i != 7
            try:
                barrier.wait()
                try:
                    found = services.complaint_check_query(
                        number=filed.case.number, code="WRONG234" if failed else filed.query_code, ip=ip
                    )
                except services.ComplaintRefused:
                    outcomes.append((failed, "refused"))
                else:
                    outcomes.append((failed, "found" if found else "not found"))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=one, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(outcomes) == 20
        assert sum(1 for failed, answer in outcomes if failed and answer == "not found") == 5
        assert all(answer == "refused" for failed, answer in outcomes if failed and answer != "not found")
        right = [answer for failed, answer in outcomes if not failed]
        assert right in (["found"], ["refused"])
        # Every wrong one was counted, the refused ones too.
        assert RateCounter.objects.filter(scope="status_fail_ip", count=19).count() == attempt + 1
