"""The public complaint form's counters outside the request's transaction
(issue 17): the CAPTCHA's nonce and wrong answers and the limits per
address and per phone in Redis when it answers, in the database when it
does not (REDIS_URL pointing at a closed port: every accepted complaint is
stored and every limit still holds, also under simultaneous requests); a
refused or failed submission gives its places back; the rows the POST
checks its choices against (categories, schools) are read through the
cache, and a change counts at once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.test import Client, override_settings
from django.urls import reverse

from jianfu.counters import _redis_state, counter_value
from jianfu.models import RateCounter
from supervision.complaints import captcha, ratelimit, services
from supervision.models import ComplaintCase
from tests.factories import SchoolFactory
from tests.supervision.complaint_factories import category, ensure_complaint_seed_data, public_form_data
from tests.supervision.helpers import captcha_solve

pytestmark = pytest.mark.django_db

FORM = reverse("complaints:public_form")
# Nothing listens on port 1: a real refused connection, at once.
CLOSED = "redis://127.0.0.1:1/0"
REDIS_DOWN = override_settings(
    REDIS_URL=CLOSED,
    CACHES={"default": {"BACKEND": "jianfu.cache.ResilientRedisCache", "LOCATION": CLOSED}},
)
WINDOW = datetime.timedelta(hours=24)


@pytest.fixture
def redis_down():  # type: ignore[no-untyped-def]
    with REDIS_DOWN:
        _redis_state["paused_until"] = 0.0
        yield
    _redis_state["paused_until"] = 0.0
    caches["default"].close()


def _data(school, client: Client, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return public_form_data(school, captcha=captcha_solve(client), **extra)


def _post(school, ip: str, **extra: str):  # type: ignore[no-untyped-def]
    client = Client()
    client.get(FORM, REMOTE_ADDR=ip)
    return client.post(FORM, _data(school, client, **extra), REMOTE_ADDR=ip)


def _wrong(answer: str) -> str:
    return "".join("A" if c != "A" else "C" for c in answer)


@override_settings(COMPLAINT_RATE_LIMIT_PER_IP=2, COMPLAINT_RATE_LIMIT_PER_PHONE=1)
def test_with_redis_down_complaints_are_stored_and_limited_per_address_and_phone(world, redis_down) -> None:  # type: ignore[no-untyped-def]
    assert [_post(world.school_a, "10.70.0.1").status_code for _ in range(3)] == [302, 302, 429]
    assert ComplaintCase.objects.count() == 2
    # Counted in the database, the refused one given back.
    assert RateCounter.objects.get(scope=ratelimit.SUBMIT_BY_IP).count == 2
    phone = {"identity": "real_name", "name": "王家长", "phone": "13812345678"}
    assert _post(world.school_a, "10.70.0.2", **phone).status_code == 302
    assert _post(world.school_b, "10.70.0.3", **phone).status_code == 429
    assert ComplaintCase.objects.count() == 3
    # The other address's place was given back with the refusal.
    assert counter_value(scope=ratelimit.SUBMIT_BY_IP, value="10.70.0.3", window=WINDOW) == 0


def test_with_redis_down_an_answer_is_accepted_once(world, redis_down) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get(FORM, REMOTE_ADDR="10.70.1.1")
    data = _data(world.school_a, client)
    token = client.cookies[captcha.COOKIE].value
    assert client.post(FORM, data, REMOTE_ADDR="10.70.1.1").status_code == 302
    client.cookies[captcha.COOKIE] = token
    replay = client.post(FORM, data, REMOTE_ADDR="10.70.1.1")
    assert replay.status_code == 200 and "captcha" in replay.context["form"].errors
    assert ComplaintCase.objects.count() == 1
    assert RateCounter.objects.filter(scope=captcha.USED_SCOPE).count() == 1


@override_settings(COMPLAINT_CAPTCHA_FAILURES_PER_SESSION=100, COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR=2)
def test_with_redis_down_wrong_answers_are_counted_per_address(world, redis_down) -> None:  # type: ignore[no-untyped-def]
    for _ in range(2):
        client = Client()
        client.get(FORM, REMOTE_ADDR="10.70.2.1")
        data = _data(world.school_a, client)
        data["captcha"] = _wrong(data["captcha"])
        assert client.post(FORM, data, REMOTE_ADDR="10.70.2.1").status_code == 200
    refused = _post(world.school_a, "10.70.2.1")
    assert refused.status_code == 200 and "captcha" in refused.context["form"].errors
    assert ComplaintCase.objects.count() == 0
    assert RateCounter.objects.get(scope=ratelimit.CAPTCHA_FAILURE_BY_IP).count == 2
    assert _post(world.school_a, "10.70.2.2").status_code == 302


@pytest.mark.parametrize("down", [False, True], ids=["redis", "redis down"])
@override_settings(COMPLAINT_RATE_LIMIT_PER_IP=1)
def test_a_filing_that_fails_gives_its_place_back(world, monkeypatch, request, down: bool) -> None:  # type: ignore[no-untyped-def]
    if down:
        request.getfixturevalue("redis_down")

    def broken(**kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "complaint_file", broken)
    with pytest.raises(RuntimeError):
        _post(world.school_a, "10.70.3.1")
    assert counter_value(scope=ratelimit.SUBMIT_BY_IP, value="10.70.3.1", window=WINDOW, transactional=False) == 0
    monkeypatch.undo()
    assert _post(world.school_a, "10.70.3.1").status_code == 302
    assert _post(world.school_a, "10.70.3.1").status_code == 429


def test_a_category_or_school_changed_counts_at_once(world) -> None:  # type: ignore[no-untyped-def]
    assert _post(world.school_a, "10.70.4.1").status_code == 302  # the rows are now in the cache
    chosen = category()
    chosen.active = False
    chosen.save()
    refused = _post(world.school_a, "10.70.4.2")
    assert refused.status_code == 200 and "category" in refused.context["form"].errors
    chosen.active = True
    chosen.save()
    world.school_a.active = False
    world.school_a.save()
    refused = _post(world.school_a, "10.70.4.3")
    assert refused.status_code == 200 and "school_name" in refused.context["form"].errors
    assert ComplaintCase.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@override_settings(COMPLAINT_RATE_LIMIT_PER_IP=3)
def test_with_redis_down_simultaneous_complaints_from_one_address_stop_at_the_limit(redis_down) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    ensure_complaint_seed_data()
    school = SchoolFactory()
    clients = []
    for _ in range(8):
        client = Client()
        client.get(FORM, REMOTE_ADDR="10.70.5.1")
        clients.append(client)
    prepared = [(client, _data(school, client)) for client in clients]
    barrier = threading.Barrier(len(prepared))
    statuses: list[int] = []

    def one(client: Client, data: dict[str, str]) -> None:
        try:
            barrier.wait()
            statuses.append(client.post(FORM, data, REMOTE_ADDR="10.70.5.1").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=pair) for pair in prepared]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ComplaintCase.objects.count() == 3
    assert sorted(statuses) == [302, 302, 302, 429, 429, 429, 429, 429]
    assert RateCounter.objects.get(scope=ratelimit.SUBMIT_BY_IP).count == 3


@pytest.mark.parametrize("down", [False, True], ids=["redis", "redis down"])
def test_adding_nothing_reads_the_count_and_makes_nothing(world, request, down: bool) -> None:  # type: ignore[no-untyped-def]
    """A right status look-up adds 0 to the address's failures: in Redis one
    MGET instead of the script, with the same answer and no key made."""
    from django.conf import settings

    from jianfu.counters import REDIS_PREFIX, Count, counters_hit, counters_redis

    if down:
        request.getfixturevalue("redis_down")
    elif not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    else:
        _redis_state["paused_until"] = 0.0
    hour = datetime.timedelta(hours=1)
    scope = "test:adding-nothing"
    assert counters_hit([Count(scope, "198.51.100.70", hour, amount=0)]) == [0]
    assert counters_hit([Count(scope, "198.51.100.71", hour, amount=2)]) == [2]
    assert counters_hit(
        [Count(scope, "198.51.100.71", hour, amount=0), Count(scope, "198.51.100.70", hour, read_only=True)]
    ) == [2, 0]
    if down:
        # In the database adding nothing is still the upsert: its row lock
        # orders a right look-up among simultaneous wrong ones.
        assert sorted(RateCounter.objects.filter(scope=scope).values_list("count", flat=True)) == [0, 2]
    else:
        client = counters_redis()
        assert len(client.keys(f"{REDIS_PREFIX}{scope}:*")) == 1
        client.delete(*client.keys(f"{REDIS_PREFIX}{scope}:*"))
