"""Fixtures shared by the whole suite: the role personas every scoping test uses.

Two schools in two districts, each with its principal and supervisor, so that
every scoping test has an outsider at hand."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
from dataclasses import dataclass

import pytest
from django.db import connection

from tests.factories import (
    BureauUserFactory,
    DistrictMembershipFactory,
    PrincipalFactory,
    SchoolFactory,
    SupervisorAssignmentFactory,
    SupervisorFactory,
    SupervisoryDistrictFactory,
)
from tests.s3server import S3Server, start_s3_server


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return [
        f"jianfu: database {db['ENGINE'].rsplit('.', 1)[-1]} ({db.get('HOST') or db['NAME']}), "
        f"celery {'broker ' + settings.CELERY_BROKER_URL.split('@')[-1] if settings.REDIS_URL else 'eager'}"
    ]


@pytest.fixture(autouse=True)
def _fresh_redis_counters() -> None:
    """Counters kept in Redis (``transactional=False``, and the surveys'
    form limits) outlive a test's rolled-back transaction: start every test
    with none, as with the database's (REDIS_URL is this run's own Redis
    database)."""
    from redis.exceptions import RedisError

    from jianfu.counters import REDIS_PREFIX, counters_redis
    from supervision.surveys.services import REDIS_PREFIX as SURVEY_PREFIX

    client = counters_redis()
    if client is None:
        return
    try:
        for prefix in (REDIS_PREFIX, SURVEY_PREFIX):
            keys = list(client.scan_iter(match=f"{prefix}*"))
            if keys:
                client.delete(*keys)
    except (RedisError, OSError):
        pass


@pytest.fixture(autouse=True)
def _fresh_cached_rows() -> None:
    """Values kept in the cache under a version that saves replace (the
    public form's categories and schools, the calendar's time limits) may
    have been read from a previous test's rows, which its rollback removed
    without a save to replace the version: every test starts with new
    versions, as a fresh cache would."""
    from jianfu.versioned_cache import versioned_cache_bump
    from supervision.complaints.public_page import VERSION_KEY
    from supervision.workdays.calendar import CALENDAR_VERSION_KEY

    versioned_cache_bump(VERSION_KEY)
    versioned_cache_bump(CALENDAR_VERSION_KEY)


@pytest.fixture(autouse=True)
def _checklist_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests (the browser ones among them) empty every table
    afterwards, including the checklist a data migration seeded: put it back
    for them, as a fresh database would have it."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from supervision.checklist.seed import seed_checklist
    from supervision.models import SupervisionItem
    from tests.supervision.complaint_factories import ensure_complaint_seed_data

    seed_checklist(SupervisionItem)
    ensure_complaint_seed_data()


@dataclass
class World:
    school_a: object
    school_b: object
    district_x: object
    district_y: object
    bureau: object
    principal_a: object
    principal_b: object
    supervisor_x: object
    supervisor_y: object


@pytest.fixture
def world(db: None) -> World:
    start = datetime.date(2024, 9, 1)
    school_a = SchoolFactory(name="甲小学")
    school_b = SchoolFactory(name="乙中学")
    district_x = SupervisoryDistrictFactory(name="第一责任区")
    district_y = SupervisoryDistrictFactory(name="第二责任区")
    DistrictMembershipFactory(school=school_a, district=district_x, start_date=start)
    DistrictMembershipFactory(school=school_b, district=district_y, start_date=start)
    sup_x = SupervisorFactory(name="督学甲")
    sup_y = SupervisorFactory(name="督学乙")
    SupervisorAssignmentFactory(supervisor=sup_x, district=district_x, start_date=start)
    SupervisorAssignmentFactory(supervisor=sup_y, district=district_y, start_date=start)
    return World(
        school_a=school_a,
        school_b=school_b,
        district_x=district_x,
        district_y=district_y,
        bureau=BureauUserFactory(),
        principal_a=PrincipalFactory(school=school_a),
        principal_b=PrincipalFactory(school=school_b),
        supervisor_x=sup_x.user,
        supervisor_y=sup_y.user,
    )


@pytest.fixture
def database_vendor() -> str:
    return connection.vendor


class WorkerHandle:
    """A real Celery worker process consuming from the machine's Redis and
    writing to the test database."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import sys

        if hasattr(self, "log"):
            self.log.close()  # started again after a kill
        self.log = open(self.env["JIANFU_WORKER_LOG"], "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "jianfu",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"test-{os.getpid()}@%h",
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        if hasattr(self, "log"):
            self.log.close()


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Environment that ``real_worker`` adds to its process. A conftest may
    override it, e.g. tests/faults/ points the worker at a private Redis and
    shortens the report-job lease."""
    return {}


@pytest.fixture
def real_worker(transactional_db: None, tmp_path, worker_env):  # type: ignore[no-untyped-def]
    """Start a Celery worker against the real Redis and PostgreSQL; tasks
    published by the test go through the broker instead of running eagerly.
    Skipped, saying why, where those services are not configured."""
    from django.conf import settings

    from jianfu.celery import app

    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and a PostgreSQL DATABASE_URL (CI sets both)")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jianfu.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "JIANFU_WORKER_LOG": str(tmp_path / "worker.log"),
        **worker_env,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # Drop messages other runs may have left in this Redis database's queue.
    app.control.purge()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    worker = WorkerHandle(env)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        app.conf.task_always_eager = previous
        print((tmp_path / "worker.log").read_text(errors="replace")[-3000:])


@pytest.fixture
def worker_if_available(request):  # type: ignore[no-untyped-def]
    """A real Celery worker where Redis and PostgreSQL are configured (CI),
    in-process eager tasks elsewhere."""
    from django.conf import settings

    if settings.REDIS_URL and connection.vendor == "postgresql":
        return request.getfixturevalue("real_worker")
    return None


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """moto's standalone S3 server on a free loopback port, for the session."""
    server = start_s3_server(tmp_path_factory.mktemp("s3") / "moto.log")
    try:
        yield server
    finally:
        server.stop()


@dataclass
class Bucket:
    server: S3Server
    name: str

    def keys(self) -> list[str]:
        return self.server.keys(self.name)

    def read(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read()  # type: ignore[no-any-return]


@pytest.fixture
def s3_storage(s3_server: S3Server, settings, tmp_path):  # type: ignore[no-untyped-def]
    """The default storage is a fresh bucket on the loopback S3 server, and
    MEDIA_ROOT an empty folder that must stay empty."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = s3_server.storages(bucket)
    settings.MEDIA_ROOT = tmp_path / "local-media"
    return Bucket(server=s3_server, name=bucket)
