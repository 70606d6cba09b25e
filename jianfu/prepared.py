"""Statements PostgreSQL prepares once per database connection.

The public pages' busiest statements (the complaint's filing, the status
look-up) are fixed texts whose parsing and planning were a third to a half of
their time. ``PREPARE`` keeps the plan for the life of the server connection
(it is not undone by a rollback), so each is prepared on the first use on a
connection and then only executed.

A prepared statement is session state: behind PgBouncer in transaction mode
(``DATABASE_POOL_MODE=transaction``, which sets
``DISABLE_SERVER_SIDE_CURSORS``) the next statement may run on another
server connection that never saw the ``PREPARE``, so there the text is sent
as it is. SQLite has no ``PREPARE``; there too the text is sent as it is.
This module is the only place the portal prepares statements
(``tests/jianfu/test_storage.py`` checks).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

from django.db import connection

# name -> the driver connections (psycopg2's, one per Django connection while
# it lives) on which the statement is prepared.
_prepared_on: dict[str, weakref.WeakSet[Any]] = {}


def prepared_statements_apply() -> bool:
    """Whether statements are prepared on this connection."""
    return connection.vendor == "postgresql" and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")


def prepared_execute(*, cursor: Any, name: str, sql: str, params: Sequence[Any]) -> None:
    """Run ``sql`` (``%s`` placeholders, no literal ``%``) with ``params``,
    prepared as ``name`` on this connection where that is safe."""
    if not prepared_statements_apply():
        cursor.execute(sql, params)
        return
    raw = connection.connection
    done = _prepared_on.setdefault(name, weakref.WeakSet())
    if raw not in done:
        if "%%" in sql:
            raise ValueError("a prepared statement's text cannot hold a literal %")
        parts = sql.split("%s")
        numbered = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))
        cursor.execute(f"PREPARE {name} AS {numbered}")
        done.add(raw)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


def prepared_forget(*, name: str) -> None:
    """Forget where ``name`` was prepared (tests: as on a new connection)."""
    _prepared_on.pop(name, None)
