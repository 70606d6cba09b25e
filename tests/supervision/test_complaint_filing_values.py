"""The filing's one statement sends the values the ORM would send: its
parameters are taken from the rows' fields with the values that Django's
``get_db_prep_save`` hands back unchanged sent as they are, and every other
value converted by the field (``services._values``). PostgreSQL only: the
statement runs nowhere else, and the claim is about psycopg2's input."""

from __future__ import annotations

import datetime
import warnings
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from jianfu.audit import audit_created_entry
from supervision.complaints import services
from supervision.models import ComplaintCase, ComplaintChannel, ComplaintEvent
from tests.supervision.complaint_factories import category, ensure_complaint_seed_data, file_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the one statement runs on PostgreSQL only")


def _sent(values: list[Any]) -> list[bytes]:
    """What psycopg2 sends for each value (adapters such as Jsonb and Inet
    compare by identity, their SQL text does not)."""
    with connection.cursor() as cursor:
        return [cursor.mogrify("%s", [value]) for value in values]


def _orm(instance: Any, skip: frozenset[str]) -> list[Any]:
    fields = services._insert_fields(type(instance), skip)[0]
    return [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]


def _filed_rows(monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> tuple[Any, Any]:
    """The case and event a filing hands its statement."""
    seen: list[tuple[Any, Any]] = []
    real = services._file_in_one_statement

    def spy(case: Any, event: Any, day: datetime.date) -> None:
        seen.append((case, event))
        real(case, event, day)

    monkeypatch.setattr(services, "_file_in_one_statement", spy)
    file_case(**kwargs)
    assert len(seen) == 1
    return seen[0]


@pytest.mark.parametrize("real_name", [False, True])
def test_each_row_of_a_filing_is_sent_as_the_orm_sends_it(world, monkeypatch, real_name) -> None:  # type: ignore[no-untyped-def]
    ensure_complaint_seed_data()
    case, event = _filed_rows(monkeypatch, school=world.school_a, real_name=real_name, channel=ComplaintChannel.WEB)
    rows = [
        (case, frozenset({"number"})),
        (event, frozenset({"case_id"})),
        (audit_created_entry(case, name=""), services._ENTRY_ASSIGNED),
        (audit_created_entry(event, name=" x"), services._ENTRY_ASSIGNED),
    ]
    for instance, skip in rows:
        assert _sent(services._values(instance, skip)) == _sent(_orm(instance, skip)), type(instance).__name__


def test_values_outside_the_plain_types_are_converted_by_their_field(world) -> None:  # type: ignore[no-untyped-def]
    """A naive datetime is made aware, a datetime in a date field becomes
    its date, a number in a text field its text, an enum member its value:
    each through the field, as the ORM does."""
    ensure_complaint_seed_data()
    naive = datetime.datetime(2026, 11, 20, 9, 30)  # naive on purpose: the case under test
    case = ComplaintCase(
        school=world.school_a,
        category=category(),
        channel=ComplaintChannel.WEB,
        description=12345,  # type: ignore[misc]
        received_at=naive,
        happened_on=timezone.now(),
        accept_due=datetime.date(2026, 11, 23),
        conclude_due=datetime.date(2026, 12, 30),
        reopen_count=2,
        created_at=timezone.now(),
        updated_at=timezone.now(),
    )
    skip = frozenset({"number"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # Django's warning on the naive datetime
        fast, orm = services._values(case, skip), _orm(case, skip)
    assert _sent(fast) == _sent(orm)
    names = [f.attname for f in services._insert_fields(ComplaintCase, skip)[0]]
    sent = dict(zip(names, fast, strict=True))
    assert sent["description"] == "12345"
    assert type(sent["happened_on"]) is datetime.date
    assert timezone.is_aware(sent["received_at"])


def test_every_field_class_sent_as_is_returns_such_values_unchanged() -> None:
    """The table's claim, for every field of the portal's models whose
    class is in it: ``get_db_prep_save`` returns a value of each listed
    type as the very object given. A Django release that starts converting
    one of them fails here, not in a parent's complaint."""
    samples: dict[type, list[Any]] = {
        str: ["", "甲小学", "a'b"],
        int: [0, 7, 2**40],
        bool: [True, False],
        datetime.date: [datetime.date(2026, 11, 20)],
        datetime.datetime: [timezone.now()],
        type(None): [None],
    }
    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            as_is = services._as_is_types(field)
            for kind in as_is:
                for value in samples[kind]:
                    if kind is int and value > 32767 and "Small" in type(field).__name__:
                        continue
                    assert field.get_db_prep_save(value, connection) is value, (model, field.name, value)
                    checked += 1
    assert checked > 500


def test_the_filings_fields_are_mostly_sent_as_is() -> None:
    """Most of the statement's columns take the quick way (else the table
    has lost a class the rows use and the cost is back)."""
    for model, skip in (
        (ComplaintCase, frozenset({"number"})),
        (ComplaintEvent, frozenset({"case_id"})),
    ):
        plan = services._value_plan(model, skip)
        quick = [attname for _field, attname, as_is in plan if as_is]
        assert len(quick) >= len(plan) - 2, [attname for _f, attname, as_is in plan if not as_is]
