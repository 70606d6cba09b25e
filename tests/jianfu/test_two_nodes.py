"""Several servers sharing one bucket and one PgBouncer: a report written
by a Celery worker on "node A" downloads from a web server on "node B".

Each node is its own process with its own local MEDIA_ROOT; they share only
what a city's deployment shares: PostgreSQL (here through PgBouncer in
transaction mode, the setting DATABASE_POOL_MODE=transaction on), Redis and
the S3 bucket (moto's server on loopback). The session is made by the test
process and used on node B, so sign-in state is not per-process either."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jianfu.audit import audit_record
from jianfu.models import AuditAction
from reports.jobs import services
from reports.models import JobStatus, ReportJob
from tests.s3server import S3Server, free_port

pytestmark = pytest.mark.services

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def _wait(check, what: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{what} did not come up within {seconds}s: {last}")


@dataclass
class PgBouncer:
    url: str
    port: int
    user: str
    database: str

    def transactions(self) -> int:
        """Transactions PgBouncer has passed to the test database so far."""
        admin = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname="pgbouncer")
        admin.autocommit = True  # the admin console knows no BEGIN
        try:
            with admin.cursor() as cursor:
                cursor.execute("SHOW STATS")
                columns = [c[0] for c in cursor.description]
                rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        finally:
            admin.close()
        return sum(int(r["total_xact_count"]) for r in rows if r["database"] == self.database)


@pytest.fixture
def pgbouncer(transactional_db: None) -> Iterator[PgBouncer]:
    """PgBouncer in transaction mode on a loopback port, in front of the
    test database; yields the DATABASE_URL that goes through it."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL (CI sets it)")
    if not Path(PGBOUNCER).exists():
        pytest.skip("pgbouncer is not installed (scripts/system-deps.sh installs it)")
    db = connection.settings_dict
    port = free_port()
    # PgBouncer refuses to run as root: as root, run it as the postgres user,
    # in a folder of its own (pytest's tmp_path is closed to other users).
    folder = Path(tempfile.mkdtemp(prefix="jianfu-pgbouncer-"))
    demote: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
        demote = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
    (folder / "users.txt").write_text(f'"{db["USER"]}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder}/users.txt\n"
        "pool_mode = transaction\nmax_client_conn = 50\ndefault_pool_size = 4\n"
        f"admin_users = {db['USER']}\n"
        f"logfile = {folder}/pgbouncer.log\npidfile = {folder}/pgbouncer.pid\n"
    )
    for path in folder.iterdir():
        path.chmod(0o644)
    proc = subprocess.Popen([*demote, PGBOUNCER, str(folder / "pgbouncer.ini")])
    url = f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}"

    def answers() -> bool:
        psycopg2.connect(host="127.0.0.1", port=port, user=db["USER"], dbname=db["NAME"]).close()
        return True

    try:
        _wait(answers, "pgbouncer")
        yield PgBouncer(url=url, port=port, user=str(db["USER"]), database=str(db["NAME"]))
    finally:
        proc.terminate()
        proc.wait(20)
        log = folder / "pgbouncer.log"
        print(log.read_text(errors="replace")[-2000:] if log.exists() else "no pgbouncer log")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def shared(s3_server: S3Server, settings, pgbouncer: PgBouncer, tmp_path: Path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What the nodes share: the bucket and the pooled database."""
    bucket = s3_server.new_bucket()
    settings.STORAGES = s3_server.storages(bucket)
    settings.MEDIA_ROOT = tmp_path / "test-process-media"
    return {
        "bucket": bucket,
        "env": {**s3_server.env(bucket), "DATABASE_URL": pgbouncer.url, "DATABASE_POOL_MODE": "transaction"},
    }


@pytest.fixture
def worker_env(shared: dict[str, object], tmp_path: Path) -> dict[str, str]:
    """Node A: the Celery worker, with a local folder of its own."""
    return {**shared["env"], "MEDIA_ROOT": str(tmp_path / "node-a-media")}  # type: ignore[dict-item]


@pytest.fixture
def node_b(shared: dict[str, object], tmp_path: Path) -> Iterator[str]:
    """Node B: gunicorn serving the portal, with another local folder."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jianfu.settings.test",
        **shared["env"],  # type: ignore[dict-item]
        "MEDIA_ROOT": str(tmp_path / "node-b-media"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log = (tmp_path / "node-b.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "jianfu.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: urllib.request.urlopen(f"{base}/healthz/", timeout=2).status == 200, "node B")  # noqa: S310
        yield base
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
        print((tmp_path / "node-b.log").read_text(errors="replace")[-3000:])


def _get(url: str, session: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _session_of(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client.cookies["sessionid"].value


def _wait_done(job_id: int) -> ReportJob:
    _wait(lambda: ReportJob.objects.get(pk=job_id).status in {JobStatus.DONE, JobStatus.FAILED}, f"job {job_id}")
    job = ReportJob.objects.get(pk=job_id)
    assert job.status == JobStatus.DONE, job.error if hasattr(job, "error") else job.status
    return job


def test_report_written_on_node_a_downloads_from_node_b(  # type: ignore[no-untyped-def]
    world, s3_server, pgbouncer, shared, real_worker, node_b, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    # An export that reads with .iterator() (the audit trail), through PgBouncer.
    for n in range(30):
        audit_record(action=AuditAction.UPDATE, note=f"第{n}次修改", user=world.bureau, ip="10.0.0.1")
    today = timezone.localdate().isoformat()
    with transaction.atomic():
        roster = services.job_request(kind="district_roster_xlsx", params={}, by=world.bureau)
        audit = services.job_request(kind="audit_trail_xlsx", params={"start": today, "end": today}, by=world.bureau)
    jobs = [_wait_done(roster.pk), _wait_done(audit.pk)]
    # Node A's database work went through PgBouncer.
    after_reports = pgbouncer.transactions()
    assert after_reports > 10, after_reports

    bureau = _session_of(world.bureau)
    outsider = _session_of(world.principal_b)
    in_bucket = s3_server.keys(shared["bucket"])
    assert all(job.file.name in in_bucket for job in jobs), in_bucket
    for job in jobs:
        url = node_b + reverse("reports:job_download", args=[job.pk])
        status, body = _get(url, bureau)
        assert status == 200
        assert body[:2] == b"PK" and body == job.file.read()
        # The permission check still runs on node B.
        assert _get(url, outsider)[0] == 404
    # Pages through PgBouncer in transaction mode, on node B.
    for name in ("bureau_overview", "reports:list", "reports:dashboard"):
        status, body = _get(node_b + reverse(name), bureau)
        assert status == 200, (name, body[-500:])
    # ...and so did node B's.
    assert pgbouncer.transactions() > after_reports + 5
    # Nothing in any node's local folder.
    for folder in ("node-a-media", "node-b-media", "test-process-media"):
        path = tmp_path / folder
        assert not path.exists() or not any(p.is_file() for p in path.rglob("*")), folder
