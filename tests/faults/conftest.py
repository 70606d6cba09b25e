"""Fixtures of the fault tests: the portal's services failing on purpose.

Every test here is skipped, saying why, unless the run uses PostgreSQL
(DATABASE_URL) and Redis (REDIS_URL), as CI does.

Reusing them for a new feature (the public complaint form, for example)::

    pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

    def test_complaint_form_accepts_a_complaint_with_redis_down(client, redis_down):
        started = time.monotonic()
        response = client.post(reverse("complaints:public_form"), {...})
        assert time.monotonic() - started < 2
        assert response.status_code == 302 and Complaint.objects.count() == 1
        redis_down.start()  # and, if it queued work, a sweeper runs it

``redis_down`` is this process's Celery broker and Django cache pointed at a
private Redis that has been stopped (publishing goes through the broker, not
eagerly); ``redis_down.start()`` brings it back on the same port.
``real_worker`` started after that (``request.getfixturevalue("real_worker")``)
consumes from the private Redis and writes files under ``media_root``."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.faults.services import FAULT_SETTINGS, PrivateCluster, PrivateRedis, postgres_bin

# A running report job whose worker died is taken over once its lease ran out:
# short in the fault tests' worker, so that they need not wait two minutes.
WORKER_LEASE_SECONDS = 2


@pytest.fixture(autouse=True)
def _needs_services() -> None:
    engine = str(django_settings.DATABASES["default"]["ENGINE"])
    if not engine.endswith("postgresql"):
        pytest.skip("fault tests need DATABASE_URL pointing at PostgreSQL (CI sets it)")
    if not django_settings.REDIS_URL:
        pytest.skip("fault tests need REDIS_URL (CI sets it)")


def _detach_broker_pools(app, *, close: bool) -> None:  # type: ignore[no-untyped-def]
    # Celery keeps a connection pool and a producer pool for the broker URL it
    # first saw; detach them so that the next publish uses the current URL.
    # kombu registers pools globally by URL: the machine's must stay open for
    # the tests that run after these, the private ones are closed and taken
    # out of kombu's registry. Left in it, a later test whose private Redis
    # got the same free port (the kernel hands a released port out again)
    # was given the closed pool: "Acquire on closed pool" (CI, 2026-12-03).
    if close and app._pool is not None:
        app._pool.force_close_all()
        from kombu import pools

        connection = app.connection_for_write()  # the private URL, still configured
        for group in (pools.producers, pools.connections):
            with contextlib.suppress(KeyError):
                del group[connection]
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (Debian redis-server) for a private Redis")
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def portal_redis(private_redis: PrivateRedis, settings) -> Iterator[PrivateRedis]:  # type: ignore[no-untyped-def]
    """This process's Celery broker and Django cache on the private Redis,
    with the deployment's cache options; tasks are published, not run
    eagerly."""
    from jianfu.celery import app

    settings.REDIS_URL = private_redis.url
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": private_redis.url}}
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = private_redis.url
    app.conf.task_always_eager = False
    _detach_broker_pools(app, close=False)
    try:
        yield private_redis
    finally:
        _detach_broker_pools(app, close=True)
        app.conf.broker_url, app.conf.task_always_eager = saved


@pytest.fixture
def redis_down(portal_redis: PrivateRedis) -> PrivateRedis:
    """The portal's Redis, stopped. ``.start()`` brings it back."""
    portal_redis.stop()
    return portal_redis


@pytest.fixture
def media_root(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    """MEDIA_ROOT of this process and of the fault tests' worker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT  # type: ignore[no-any-return]


@pytest.fixture
def worker_env(portal_redis: PrivateRedis, media_root: Path) -> dict[str, str]:
    """``real_worker`` (tests/conftest.py) in the fault tests: on the private
    Redis, writing under ``media_root``, with a short report-job lease."""
    return {
        "DJANGO_SETTINGS_MODULE": FAULT_SETTINGS,
        "REDIS_URL": portal_redis.url,
        "JIANFU_FAULTS_MEDIA_ROOT": str(media_root),
        "REPORT_JOB_LEASE_SECONDS": str(WORKER_LEASE_SECONDS),
    }


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    """A running private PostgreSQL cluster with an empty ``jianfu`` database."""
    if postgres_bin() is None:
        pytest.skip("needs the PostgreSQL server binaries (Debian postgresql-15) for a private cluster")
    cluster = PrivateCluster()
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.destroy()
