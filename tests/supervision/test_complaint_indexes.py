"""The indexes a public complaint's rows enter: only those some query reads.
No second index for LIKE on the case number, the phone's hash or the audit
entry's object type (nothing searches them by prefix); no index on the
school alone (it leads complaint_school_received); the links a parent's
complaint does not have (institution, operator, assigned supervisor or
section, duplicate, the event's actor) indexed only where they are set,
which a search for one value still uses. PostgreSQL only: the partial
indexes and the planner are its."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from supervision.models import ComplaintCase, ComplaintEvent
from tests.supervision.complaint_factories import ensure_complaint_seed_data, file_case

pytestmark = pytest.mark.django_db

# The indexes every case enters, by name (the primary key and the number's
# unique constraint included).
EVERY_CASE = {
    "supervision_complaintcase_pkey",
    "complaint_number_unique",
    "complaint_received_desc",
    "complaint_school_received",
    "complaint_status_accept_due",
    "complaint_status_conclude_due",
    "complaint_phone_hash",
    "supervision_complaintcase_category_id_9f7baf9a",
}
WHERE_SET = {
    "complaint_institution_set": "institution_id",
    "complaint_linked_inst_set": "linked_institution_id",
    "complaint_operator_set": "operator_id",
    "complaint_supervisor_set": "assigned_supervisor_id",
    "complaint_section_set": "assigned_section_id",
    "complaint_duplicate_of_set": "duplicate_of_id",
}


@pytest.fixture(autouse=True)
def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's partial indexes and planner")


def _indexes(table: str) -> dict[str, tuple[str, str | None]]:
    """name -> (definition, predicate or None) of ``table``'s indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_indexdef(i.indexrelid), pg_get_expr(i.indpred, i.indrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass
            """,
            [table],
        )
        return {name: (definition, predicate) for name, definition, predicate in cursor.fetchall()}


def test_a_case_enters_only_the_indexes_its_queries_read() -> None:
    indexes = _indexes(ComplaintCase._meta.db_table)
    whole = {name for name, (_d, predicate) in indexes.items() if predicate is None}
    assert whole == EVERY_CASE
    partial = {name: predicate for name, (_d, predicate) in indexes.items() if predicate is not None}
    assert partial == {name: f"({column} IS NOT NULL)" for name, column in WHERE_SET.items()}
    for table in (ComplaintCase._meta.db_table, ComplaintEvent._meta.db_table):
        assert not [d for d, _p in _indexes(table).values() if "pattern_ops" in d], table
    event = _indexes(ComplaintEvent._meta.db_table)
    assert event["complaint_event_by_set"][1] == "(by_id IS NOT NULL)"
    assert len([p for _d, p in event.values() if p is None]) == 2  # the key and the case
    audit = {d for d, _p in _indexes("jianfu_auditevent").values()}
    assert not [d for d in audit if "(object_type)" in d or "object_type varchar_pattern_ops" in d]


def _plan(queryset: Any) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A few rows only: without this the planner rightly reads the table.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def test_a_search_for_one_link_uses_its_partial_index(world) -> None:  # type: ignore[no-untyped-def]
    ensure_complaint_seed_data()
    file_case(school=world.school_a)
    for name, column in WHERE_SET.items():
        field = column.removesuffix("_id")
        one = ComplaintCase.objects.filter(**{field: 1}).values("pk")
        assert name in _plan(one), column
        several = ComplaintCase.objects.filter(**{f"{field}__in": [1, 2]}).values("pk")
        assert name in _plan(several), column
    # The database's own deletion check reads a generic plan with a
    # parameter ("column = $1", which implies "is not null").
    table = ComplaintCase._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE jianfu_check_link (bigint) AS SELECT 1 FROM {table} WHERE operator_id = $1")  # noqa: S608
        cursor.execute("EXPLAIN EXECUTE jianfu_check_link (1)")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("DEALLOCATE jianfu_check_link")
        transaction.set_rollback(True)
    assert "complaint_operator_set" in plan
    school = ComplaintCase.objects.filter(school=world.school_a).values("pk")
    assert "complaint_school_received" in _plan(school)


def test_case_numbers_stay_unique(world) -> None:  # type: ignore[no-untyped-def]
    ensure_complaint_seed_data()
    first = file_case(school=world.school_a).case
    second = file_case(school=world.school_a).case
    with pytest.raises(IntegrityError), transaction.atomic():
        ComplaintCase.objects.filter(pk=second.pk).update(number=first.number)
