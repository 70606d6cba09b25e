"""The public filing's one statement runs without the connection health
check's ``SELECT 1`` before it, and still files a complaint exactly once
when the connection fails: dropped while idle (the statement never ran, it
is sent again on a new connection), or lost under the statement after its
commit (the case is found, not filed twice). PostgreSQL only: elsewhere the
filing is the ORM's, in a transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError, connection

from jianfu import prepared
from supervision.complaints import services
from supervision.models import ComplaintCase, ComplaintChannel
from tests.supervision.complaint_factories import category, ensure_complaint_seed_data, file_case

pytestmark = pytest.mark.django_db(transaction=True)


def _kill_own_backend() -> None:
    """End this connection's server process from another connection, as a
    restart, an idle timeout or a firewall would."""
    import psycopg2

    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [connection.connection.get_backend_pid()])
    other.close()


@pytest.fixture
def checks(world: Any, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each health check's answer, in order."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's connections")
    ensure_complaint_seed_data()
    file_case(school=world.school_a)  # a kept connection, as between requests
    answers: list[bool] = []
    sound = connection.is_usable

    def is_usable() -> bool:
        answers.append(sound())
        return answers[-1]

    monkeypatch.setattr(connection, "is_usable", is_usable)
    return answers


def _request_starts() -> None:
    connection.close_if_unusable_or_obsolete()
    db: Any = connection  # the health check's flags are not in django-stubs
    assert db.health_check_enabled and not db.health_check_done


def _file(world: Any, kind: Any) -> services.FiledCase:
    """A web complaint filed as the public form files it: its school and
    category already read (from the cache, in the form), so that the
    filing's statement is the request's first."""
    school = world.school_a
    _request_starts()
    return services.complaint_file(
        school=school, category=kind, channel=ComplaintChannel.WEB, description="作业太多。", real_name=False
    )


def test_no_health_check_before_the_filing_on_a_sound_connection(world: Any, checks: list[bool]) -> None:
    before, kind = ComplaintCase.objects.count(), category()
    filed = _file(world, kind)
    assert checks == []
    assert ComplaintCase.objects.count() == before + 1
    assert ComplaintCase.objects.get(pk=filed.case.pk).number == filed.case.number


def test_a_connection_dropped_while_idle_files_once_on_a_new_one(world: Any, checks: list[bool]) -> None:
    before = ComplaintCase.objects.count()
    kind = category()
    _kill_own_backend()
    filed = _file(world, kind)
    assert checks == [False]  # checked once the statement had failed, then replaced
    assert ComplaintCase.objects.count() == before + 1
    stored = ComplaintCase.objects.get(pk=filed.case.pk)
    assert stored.number == filed.case.number
    assert services._code_matches(code=filed.query_code, stored=stored.query_code_hash)


def test_a_connection_lost_after_the_commit_returns_the_case_filed(
    world: Any, checks: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = prepared.prepared_execute
    ran: list[str] = []

    def lost_after_commit(**kwargs: Any) -> None:
        real(**kwargs)
        ran.append(kwargs["name"])
        _kill_own_backend()
        raise OperationalError("server closed the connection unexpectedly")

    before, kind = ComplaintCase.objects.count(), category()
    monkeypatch.setattr(prepared, "prepared_execute", lost_after_commit)
    filed = _file(world, kind)
    monkeypatch.setattr(prepared, "prepared_execute", real)
    assert ran == [services.FILING_STATEMENT] and checks == [False]
    assert ComplaintCase.objects.count() == before + 1  # not filed twice
    stored = ComplaintCase.objects.get(pk=filed.case.pk)
    assert stored.number == filed.case.number
    assert services._code_matches(code=filed.query_code, stored=stored.query_code_hash)


def test_a_failure_on_a_sound_connection_is_raised_and_not_sent_again(
    world: Any, checks: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []

    def fails(**kwargs: Any) -> None:
        sent.append(kwargs["name"])
        raise OperationalError("canceling statement due to statement timeout")

    before, kind = ComplaintCase.objects.count(), category()
    monkeypatch.setattr(prepared, "prepared_execute", fails)
    with pytest.raises(OperationalError):
        _file(world, kind)
    assert sent == [services.FILING_STATEMENT] and checks == [True]
    assert ComplaintCase.objects.count() == before
