"""The demo district built twice once for a test module, inside a
transaction rolled back after the module's last test; each test reads it
inside its own savepoint (``pytest.mark.django_db``). Building it is about
ten seconds, so the modules that only read it share one build."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction


@dataclass(frozen=True)
class BuiltTwice:
    """Rows in each of the portal's tables after the first and second build."""

    first: dict[str, int]
    second: dict[str, int]


def table_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models() if model._meta.managed}


@contextlib.contextmanager
def demo_built_twice(build: Callable[[], object]) -> Iterator[BuiltTwice]:
    """``build`` run twice in a transaction that is rolled back on leaving
    (call it where the database is unblocked: a module fixture's
    ``django_db_blocker.unblock()``)."""
    with transaction.atomic():
        build()
        first = table_counts()
        build()  # twice: a second run must add nothing
        yield BuiltTwice(first=first, second=table_counts())
        transaction.set_rollback(True)
