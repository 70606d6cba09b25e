"""Case numbers TSyyyymmdd-nnnn are unique even when complaints arrive at
the same moment (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from supervision.models import ComplaintCase
from tests.factories import BureauUserFactory, SchoolFactory
from tests.supervision.complaint_factories import ensure_complaint_seed_data, file_case

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_concurrent_filings_get_distinct_numbers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    ensure_complaint_seed_data()
    school = SchoolFactory()
    bureau = BureauUserFactory()
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def file_one() -> None:
        try:
            barrier.wait()
            file_case(school=school, by=bureau)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(ComplaintCase.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 6
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003", "0004", "0005", "0006"]
