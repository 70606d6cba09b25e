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

A deployment behind such a pool that forgot the setting must still not lose
a parent's complaint: outside a transaction (the public pages run in
autocommit), an ``EXECUTE`` the server does not know is answered by sending
the text itself, which nothing else has touched (the failed ``EXECUTE`` ran
nothing). Each statement's name carries a digest of its text, so a server
connection holding another release's statement under the same purpose
never runs it. This module is the only place the portal prepares
statements (``tests/jianfu/test_storage.py`` checks).
"""

from __future__ import annotations

import functools
import hashlib
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connection, connections

# SQLSTATE of "prepared statement ... does not exist" / "... already exists".
_UNKNOWN_STATEMENT = "26000"
_DUPLICATE_STATEMENT = "42P05"

# name -> the driver connections (psycopg2's, one per Django connection while
# it lives) on which the statement is prepared.
_prepared_on: dict[str, weakref.WeakSet[Any]] = {}


def prepared_statements_apply(db: Any = None) -> bool:
    """Whether statements are prepared on this connection (``db``, the
    default connection itself when the caller already has it)."""
    db = db or connections[DEFAULT_DB_ALIAS]
    return db.vendor == "postgresql" and not db.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")


@functools.lru_cache(maxsize=32)
def _digest(sql: str) -> str:
    return hashlib.sha256(sql.encode()).hexdigest()[:12]


def prepared_name(*, name: str, sql: str) -> str:
    """The server-side name of ``sql`` prepared for ``name``."""
    return f"{name}_{_digest(sql)}"


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "pgcode", None)


def prepared_execute(*, cursor: Any, name: str, sql: str, params: Sequence[Any]) -> None:
    """Run ``sql`` (``%s`` placeholders, no literal ``%``) with ``params``,
    prepared on this connection where that is safe."""
    # The connection itself, looked up once: each attribute read through
    # ``django.db.connection`` looks it up again (a context-local read).
    db = connections[DEFAULT_DB_ALIAS]
    if not prepared_statements_apply(db):
        with db.wrap_database_errors:
            cursor.execute(sql, params)
        return
    if "%%" in sql:
        raise ValueError("a prepared statement's text cannot hold a literal %")
    statement = prepared_name(name=name, sql=sql)
    raw = db.connection
    done = _prepared_on.setdefault(statement, weakref.WeakSet())
    recoverable = not db.in_atomic_block
    # (``wrap_database_errors``: the cursor may be the driver's own, see
    # :func:`_run`; around Django's cursor it changes nothing)
    if raw not in done:
        parts = sql.split("%s")
        numbered = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))
        try:
            with db.wrap_database_errors:
                cursor.execute(f"PREPARE {statement} AS {numbered}")
        except DatabaseError as exc:
            # Already there: the same text under the same name (a pool that
            # shares server connections between clients).
            if not (recoverable and _sqlstate(exc) == _DUPLICATE_STATEMENT):
                raise
        done.add(raw)
    try:
        with db.wrap_database_errors:
            cursor.execute(_execute_text(statement, len(params)), params)
    except DatabaseError as exc:
        if not (recoverable and _sqlstate(exc) == _UNKNOWN_STATEMENT):
            raise
        # The server connection is not the one that prepared it.
        done.discard(raw)
        with db.wrap_database_errors:
            cursor.execute(sql, params)


@functools.lru_cache(maxsize=32)
def _execute_text(statement: str, count: int) -> str:
    return f"EXECUTE {statement} ({', '.join(['%s'] * count)})"


def prepared_fetchall(*, name: str, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of the read ``sql`` (as :func:`prepared_execute`), with the
    connection's health check done only if the read fails.

    With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before a request's
    first statement on a kept connection: a round trip and a third of the
    status look-up's database time. A read can simply be tried instead:
    if it fails and the connection no longer answers, the connection is
    replaced and the read sent once more, which is what the health check
    would have done first. A write may have happened even if its reply was
    lost: :func:`prepared_write_once` looks for it before sending it again.
    Anything inside a transaction keeps the check."""
    return _tried_without_health_check(name=name, sql=sql, params=params, fetch=lambda cursor: cursor.fetchall())


def prepared_write_once(
    *, name: str, sql: str, params: Sequence[Any], written: Callable[[], tuple[Any, ...] | None]
) -> tuple[Any, ...] | None:
    """The first row returned by the write ``sql`` (one statement: outside a
    transaction it is its own, committed or not as a whole), with the
    connection's health check replaced as :func:`prepared_fetchall` does,
    and the write done once even if the connection fails under it.

    The health check's ``SELECT 1`` is a round trip before the write (a
    tenth of a public complaint's time in the database). Without it, a
    connection the server or a firewall dropped while idle fails under the
    statement instead. Then the statement may or may not have run: it ran
    only if its commit was done before the connection went. So the
    connection is replaced and ``written()`` asked for the row the write
    would have made (found by a value only this write holds); if there is
    none, the statement is sent once more. The same holds when a sound
    connection breaks mid-statement, which the health check never covered:
    the parent gets the case that was filed, not an error and a second
    filing. (A server that goes on with a statement after losing its
    client can still commit it after that look: then the complaint is there
    twice, as when a parent sends the form again after an error page.)
    Inside a transaction nothing changes (the check was done when it
    began, and a failure undoes it all)."""
    return _tried_without_health_check(
        name=name, sql=sql, params=params, fetch=lambda cursor: cursor.fetchone(), written=written
    )


def _tried_without_health_check(
    *,
    name: str,
    sql: str,
    params: Sequence[Any],
    fetch: Callable[[Any], Any],
    written: Callable[[], Any] | None = None,
) -> Any:
    """``fetch(cursor)`` after ``sql`` ran, the connection's health check
    skipped (outside a transaction, on a request's first statement): if the
    statement fails because the connection went, the connection is replaced,
    ``written()`` (a write's) is asked for what the statement may have done
    before it went, and otherwise the statement is sent once more."""
    # (the connection itself, not ``django.db.connection``, which looks it up
    # again on every attribute; the health check's flags are not in django-stubs)
    db: Any = connections[DEFAULT_DB_ALIAS]
    retry = (
        db.connection is not None and db.health_check_enabled and not db.health_check_done and not db.in_atomic_block
    )
    if retry:
        db.health_check_done = True
    try:
        return _run(db, name=name, sql=sql, params=params, fetch=fetch)
    except (OperationalError, InterfaceError):
        if not retry or db.is_usable():
            raise  # the statement failed, not the connection
        db.close()
    found = written() if written is not None else None
    if found is not None:
        return found
    return _run(db, name=name, sql=sql, params=params, fetch=fetch)


def _run(db: Any, *, name: str, sql: str, params: Sequence[Any], fetch: Callable[[Any], Any]) -> Any:
    """``fetch(cursor)`` after ``sql`` ran on ``db``.

    On PostgreSQL outside a transaction, on the driver's cursor as Django
    makes it (``create_cursor``: its time zones set), without Django's
    wrapper around it: the wrapper's layers (the cursor wrapped, the
    statement passed through the execute wrappers and the error wrapper,
    the cursor closed through them again) were a tenth of a status
    look-up's CPU, measured in the request. What the wrapper does that
    matters is kept: the connection opened if it is not, the thread
    checked, the driver's errors turned into Django's (the retry above and
    the prepared statement's recovery read them). Where the wrapper does
    more, it is used: when queries are logged (``DEBUG``, a test counting
    them), when execute wrappers are installed, inside a transaction
    (Django refuses statements after an error in one) and on SQLite."""
    if db.vendor != "postgresql" or db.queries_logged or db.execute_wrappers or db.in_atomic_block:
        with db.cursor() as cursor:
            prepared_execute(cursor=cursor, name=name, sql=sql, params=params)
            return fetch(cursor)
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    with db.wrap_database_errors:
        cursor = db.create_cursor()
    try:
        prepared_execute(cursor=cursor, name=name, sql=sql, params=params)
        with db.wrap_database_errors:
            return fetch(cursor)
    finally:
        with db.wrap_database_errors:
            cursor.close()


def prepared_deallocate_all() -> None:
    """Drop every statement prepared on this connection and forget that it
    was (tests that need a connection as new)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    raw = connection.connection
    for done in _prepared_on.values():
        done.discard(raw)
