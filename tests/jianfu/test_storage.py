"""Files through Django's storage API: local files by default, an
S3-compatible bucket (moto's server on loopback here, MinIO or a provider's
object storage in a deployment) when STORAGE_BUCKET is set. Every upload and
report file round-trips through the bucket, downloads still pass through
the permission-checking views, and nothing lands in the local folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jianfu.env import parse_database_url, storage_backend
from jianfu.storage import StorageError, storage_kind, storage_probe, storage_walk
from supervision.models import Supervisor
from tests.factories import SupervisorFactory
from tests.security.test_file_responses import FileUrl, file_urls

ROOT = Path(settings.BASE_DIR)
# Views that build their file on the fly rather than reading a stored one.
GENERATED = {
    "complaints:captcha",
    "homework_template",
    "register_template",
    "register_export",
    "institutions:export",
    "institutions:template",
    "surveys:public_captcha",
    "surveys:notice_pdf",
    "surveys:paper_template",
}


def _settings_of(env: dict[str, str], *expressions: str) -> list[str]:
    """Evaluate ``expressions`` on the settings a fresh process reads from ``env``."""
    code = "import django; django.setup(); from django.conf import settings as s; " + "; ".join(
        f"print(repr({e}))" for e in expressions
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STORAGE_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "jianfu.settings.production", **_PROD, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


_PROD = {
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-for-the-test-0123456789",
    "ALLOWED_HOSTS": "jianfu.example.gov.cn",
    "DATABASE_URL": "postgres://jianfu:pw@pgbouncer:6432/jianfu",
    "REDIS_URL": "redis://redis:6379/0",
    "FIELD_ENCRYPTION_KEY": "m7Vq3xW0dE8T2nqkq1Yb8b7V1J3eS6yq1c2pZqkq1Yg=",
}


# --- settings ------------------------------------------------------------------


def test_no_bucket_means_local_files() -> None:
    assert storage_backend(bucket="") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_bucket_settings_make_a_private_s3_storage() -> None:
    config = storage_backend(
        bucket="jianfu-media",
        endpoint_url="http://minio:9000",
        access_key="ak",
        secret_key="sk",
        prefix="/city/",
    )
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert options["bucket_name"] == "jianfu-media"
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["location"] == "city"
    assert options["addressing_style"] == "path"  # MinIO has no bucket host names
    assert options["file_overwrite"] is False  # like local files: never replace another upload
    assert options["default_acl"] is None  # the bucket's private policy, no public-read
    aws = storage_backend(bucket="jianfu-media", region="cn-north-1")["OPTIONS"]
    assert (aws["endpoint_url"], aws["access_key"], aws["addressing_style"]) == (None, None, "auto")


@pytest.mark.parametrize(
    ("kwargs", "variable"),
    [
        ({"bucket": "JianFu_Media"}, "STORAGE_BUCKET"),
        ({"bucket": "ab"}, "STORAGE_BUCKET"),
        ({"bucket": "jianfu", "endpoint_url": "minio:9000"}, "STORAGE_ENDPOINT_URL"),
        ({"bucket": "jianfu", "endpoint_url": "ftp://minio:9000"}, "STORAGE_ENDPOINT_URL"),
        ({"bucket": "jianfu", "endpoint_url": "http://minio:port"}, "STORAGE_ENDPOINT_URL"),
        ({"bucket": "jianfu", "endpoint_url": "http://minio:9000/jianfu"}, "STORAGE_ENDPOINT_URL"),
        ({"bucket": "jianfu", "access_key": "ak"}, "STORAGE_SECRET_KEY"),
        ({"bucket": "jianfu", "secret_key": "sk"}, "STORAGE_ACCESS_KEY"),
        ({"bucket": "jianfu", "prefix": "a/../b"}, "STORAGE_PREFIX"),
        ({"bucket": "jianfu", "addressing_style": "dns"}, "STORAGE_ADDRESSING_STYLE"),
    ],
)
def test_bad_storage_settings_stop_the_portal(kwargs: dict[str, str], variable: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=variable):
        storage_backend(**kwargs)


def test_production_reads_the_storage_variables() -> None:
    env = {
        "STORAGE_BUCKET": "jianfu-city",
        "STORAGE_ENDPOINT_URL": "https://oss.example.gov.cn",
        "STORAGE_ACCESS_KEY": "ak",
        "STORAGE_SECRET_KEY": "sk",
        "STORAGE_REGION": "cn-east-1",
        "STORAGE_PREFIX": "jianfu",
    }
    backend, options = _settings_of(
        env, "s.STORAGES['default']['BACKEND']", "sorted(s.STORAGES['default']['OPTIONS'].items())"
    )
    assert backend == "'storages.backends.s3.S3Storage'"
    for pair in ("('bucket_name', 'jianfu-city')", "('region_name', 'cn-east-1')", "('location', 'jianfu')"):
        assert pair in options
    (local,) = _settings_of({}, "s.STORAGES['default']['BACKEND']")
    assert local == "'django.core.files.storage.FileSystemStorage'"
    # A typo stops the portal with the variable's name.
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jianfu.settings.production", **_PROD, "STORAGE_BUCKET": "a_b"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "STORAGE_BUCKET" in result.stderr


# --- PgBouncer ------------------------------------------------------------------


def test_transaction_pooling_switches_server_side_cursors_off() -> None:
    """Behind PgBouncer in transaction mode, the cursor ``.iterator()`` keeps
    between fetches may be on another server connection: Django must fetch
    with client-side cursors there."""
    assert parse_database_url("postgres://u@h/db")["DISABLE_SERVER_SIDE_CURSORS"] is False
    cfg = parse_database_url("postgres://u@pgbouncer:6432/db", conn_max_age=300, pool_mode="transaction")
    assert cfg["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert cfg["CONN_MAX_AGE"] == 300 and cfg["CONN_HEALTH_CHECKS"] is True
    on = _settings_of(
        {"DATABASE_POOL_MODE": "transaction", "DATABASE_CONN_MAX_AGE": "0"},
        "s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']",
        "s.DATABASES['default']['CONN_MAX_AGE']",
    )
    assert on == ["True", "0"]
    assert _settings_of({}, "s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']") == ["False"]


def test_pool_mode_typo_stops_the_portal(monkeypatch: pytest.MonkeyPatch) -> None:
    from jianfu.env import env_choice

    monkeypatch.setenv("DATABASE_POOL_MODE", "transactions")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_MODE"):
        env_choice("DATABASE_POOL_MODE", ("session", "transaction"), "session")
    monkeypatch.setenv("DATABASE_POOL_MODE", "Transaction")
    assert env_choice("DATABASE_POOL_MODE", ("session", "transaction"), "session") == "transaction"


def test_no_session_state_left_on_a_pooled_connection() -> None:
    """No session-level advisory lock, SET, LISTEN or PREPARE anywhere in the
    portal: behind PgBouncer in transaction mode it would land on a
    connection that another client gets next. The exception is
    ``jianfu/prepared.py``, which prepares nothing in that mode."""
    # Upper-case SQL only: "set" in prose and Python's set() are no concern.
    # Transaction-scoped forms (SET LOCAL, pg_advisory_xact_lock) are fine.
    # An UPDATE's "SET col = ..." (an upsert's "DO UPDATE SET", or "UPDATE
    # t AS alias SET", possibly on the next line) is a row update, not
    # session state.
    session_state = re.compile(
        r"\bSET\s+(SESSION\s+)?[A-Za-z_.]+\s*(=|TO\b)"
        r"|pg_(try_)?advisory_lock(_shared)?\(|\bLISTEN\s|\bPREPARE\s"
    )
    row_update = re.compile(r"\bUPDATE\s+([\w\".]+(\s+AS\s+\w+)?\s+)?$")
    # "ALTER DATABASE name SET ..." stores a default for every new session
    # (migration jianfu 0007's jit = off): what PgBouncer needs, not state
    # left on one connection.
    stored_default = re.compile(r"\bALTER\s+(DATABASE|ROLE)\s+\S+\s+$")

    def offending(text: str) -> list[str]:
        return [
            m.group(0)
            for m in session_state.finditer(text)
            if not (
                m.group(0).startswith("SET")
                and (
                    row_update.search(text[max(0, m.start() - 200) : m.start()])
                    or stored_default.search(text[max(0, m.start() - 200) : m.start()])
                )
            )
        ]

    offenders = []
    for app in ("jianfu", "schools", "supervision", "reports"):
        for path in sorted((ROOT / app).rglob("*.py")):
            for found in offending(path.read_text(encoding="utf-8")):
                # The one module that prepares statements does so only where
                # the pool mode allows it (test_complaint_post_statements.py::
                # test_behind_pgbouncer_in_transaction_mode_nothing_is_prepared).
                if path == ROOT / "jianfu" / "prepared.py" and found.startswith("PREPARE"):
                    continue
                offenders.append((str(path.relative_to(ROOT)), found))
    assert offending("SET statement_timeout = 0") and offending("pg_advisory_lock(42)")
    assert offending("x = 1;\nSET search_path TO public")
    assert not offending("SET LOCAL statement_timeout = 0") and not offending("a set of rows")
    assert not offending("ON CONFLICT (k) DO UPDATE SET hits = t.hits + 1")
    assert not offending("UPDATE reports_schoolscore AS target\nSET rank = ranked.rank")
    assert not offending("ALTER DATABASE %I SET jit = off") and offending("ALTER TABLE t; SET jit = off")
    assert offenders == []


# --- the bucket -----------------------------------------------------------------


pytestmark = pytest.mark.django_db


def test_every_stored_file_round_trips_through_the_bucket(world, s3_storage) -> None:  # type: ignore[no-untyped-def]
    """Each kind of upload (visit photos and thumbnails, rectification
    evidence, pledge scans, self-check evidence, complaint attachments and
    recordings, supervisor photos) and each report file is written to the
    bucket and streamed back by its view after the permission check."""
    assert storage_kind() == "s3"
    fetched: dict[str, bytes] = {}

    def fetch(entry: FileUrl) -> None:
        client = Client()
        if entry.who != "anonymous":
            client.force_login(getattr(world, entry.who))
        response = client.get(entry.url)
        assert response.status_code == 200, entry.name
        assert response["Cache-Control"] if entry.name.startswith("pledge") else True
        fetched[entry.name] = b"".join(response.streaming_content)
        if entry.who != "anonymous":
            # Not for someone else: the bucket changes nothing about scoping.
            outsider = Client()
            outsider.force_login(world.principal_b)
            assert outsider.get(entry.url).status_code == 404, entry.name

    entries = file_urls(world, fetch)
    for entry in entries:
        if entry.name not in fetched and entry.name.split(" ")[0] not in GENERATED:
            fetch(entry)
    keys = s3_storage.keys()
    prefixes = {key.split("/")[0] for key in keys}
    kinds = {"visit-photos", "rectification-evidence", "pledges", "selfchecks", "complaints", "reports", "supervisors"}
    assert kinds <= prefixes, prefixes
    objects = {s3_storage.read(key) for key in keys}
    for name, body in fetched.items():
        assert body and body in objects, name
    assert any(body.startswith(b"%PDF") for name, body in fetched.items() if "job_download" in name)
    assert any(body.startswith(b"PK") for name, body in fetched.items() if "job_download" in name)
    # Nothing was written to the local folder.
    local = Path(settings.MEDIA_ROOT)
    assert not local.exists() or not any(p.is_file() for p in local.rglob("*"))


def test_a_file_missing_from_the_bucket_is_a_404(world, s3_storage) -> None:  # type: ignore[no-untyped-def]
    supervisor = world.supervisor_x.supervisor_profile
    supervisor.photo.save("p.jpg", ContentFile(b"\xff\xd8\xff not much of a photo"), save=True)
    url = reverse("supervisor_photo", args=[supervisor.pk])
    assert Client().get(url).status_code == 200
    s3_storage.server.client().delete_object(Bucket=s3_storage.name, Key=supervisor.photo.name)
    assert Client().get(url).status_code == 404


def test_a_second_upload_under_the_same_name_keeps_the_first(s3_storage) -> None:  # type: ignore[no-untyped-def]
    first = default_storage.save("reports/2026/11/名单.xlsx", ContentFile(b"one"))
    second = default_storage.save("reports/2026/11/名单.xlsx", ContentFile(b"two"))
    assert first != second
    assert default_storage.open(first).read() == b"one"
    assert list(storage_walk(prefix="reports")) == sorted([first, second])


def test_storage_check_command(s3_storage, s3_server, settings, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("storage_check")
    assert "storage ok (s3)" in capsys.readouterr().out
    assert s3_storage.keys() == []  # the probe cleans up
    missing = s3_server.storages("jianfu-not-created-yet")
    settings.STORAGES = missing
    with pytest.raises(StorageError):
        storage_probe()
    call_command("storage_check", "--create-bucket")
    assert "bucket created" in capsys.readouterr().out
    assert s3_server.keys("jianfu-not-created-yet") == []


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_cover_the_bucket(s3_storage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sup = SupervisorFactory(name="桶里的督学")
    sup.photo.save("x.jpg", ContentFile(b"\xff\xd8\xff photo in the bucket"), save=True)
    default_storage.save("reports/2026/11/通报.pdf", ContentFile(b"%PDF- report"))
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive))

    # Disaster: the bucket emptied, a stray object added.
    for key in s3_storage.keys():  # noqa: SIM118 - a method listing the bucket, not a dict
        s3_storage.server.client().delete_object(Bucket=s3_storage.name, Key=key)
    default_storage.save("stray.txt", ContentFile(b"not in the backup"))

    call_command("restore", str(archive), "--yes")
    restored = Supervisor.objects.get(name="桶里的督学")
    assert restored.photo.read() == b"\xff\xd8\xff photo in the bucket"
    assert sorted(s3_storage.keys()) == sorted([restored.photo.name, "reports/2026/11/通报.pdf"])


@pytest.mark.django_db(transaction=True)
def test_database_only_backup_leaves_the_bucket_alone(s3_storage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    default_storage.save("reports/2026/11/a.pdf", ContentFile(b"%PDF- a"))
    archive = tmp_path / "db-only.tar.gz"
    call_command("backup", str(archive), "--database-only")
    import io
    import tarfile

    from jianfu.backup import decrypt_stream

    plain = io.BytesIO()
    with archive.open("rb") as sealed:
        decrypt_stream(sealed, plain)  # archives are written encrypted
    plain.seek(0)
    with tarfile.open(fileobj=plain) as tar:
        assert not [n for n in tar.getnames() if n.startswith("media")]
    default_storage.save("reports/2026/11/b.pdf", ContentFile(b"%PDF- b"))
    call_command("restore", str(archive), "--yes")
    assert s3_storage.keys() == ["reports/2026/11/a.pdf", "reports/2026/11/b.pdf"]
