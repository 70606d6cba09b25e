"""Shared set-up for benchmarks: Django on a throw-away database.

Benchmarks run against DATABASE_URL's server (PostgreSQL, as in production)
or SQLite, in a database created for the run and dropped after it
(``test_<name>``), so they never touch real data."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jianfu.settings.test")


@contextlib.contextmanager
def bench_database() -> Iterator[str]:
    import django

    django.setup()
    from django.db import connection

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield f"{connection.vendor} {name}"
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def own_peak_rss_mb() -> float:
    """This process's peak resident memory since it started its program.

    Not ``ru_maxrss``: Linux carries the high-water mark of the memory a
    process had before ``exec`` into it, and a child started by
    ``subprocess`` (vfork, then exec) would report the parent's peak. The
    kernel's VmHWM belongs to the process's own address space."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return peak_rss_mb()
