"""The portal's database has PostgreSQL's JIT compilation off for every new
session (migration jianfu 0007): the pages' aggregates over summaries cost
more to compile than to run (``bench/README.md``)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_a_new_session_of_the_portal_has_jit_off(database_vendor) -> None:  # type: ignore[no-untyped-def]
    if database_vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase "
            "WHERE d.datname = current_database() AND s.setrole = 0"
        )
        settings = [value for (row,) in cursor.fetchall() for value in row]
    assert "jit=off" in settings
    # And a session opened now takes it from the database.
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
    finally:
        other.close()
