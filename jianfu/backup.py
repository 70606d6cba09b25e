"""Backup and restore of the whole portal: the database and the uploads.

One archive (.tar.gz) holds ``manifest.json``, the database (``db.dump`` from
pg_dump's custom format on PostgreSQL, ``db.sqlite3`` from SQLite's online
backup API) and ``media/``: every file of the default storage, read through
Django's storage API, so the same command covers local files under
MEDIA_ROOT and an S3 bucket (the portal's prefix in it). Restoring replaces
the database and the stored files with the archive's; the portal should be
stopped (or in maintenance) while it runs.

The archive is written encrypted (it holds second-factor secrets and the
sealed complainant identities): AES-256-GCM under ``BACKUP_ENCRYPTION_KEY``,
in 1 MiB records, each authenticated with its position and whether it is the
last, so a changed, reordered or cut-off archive is refused, and neither
side ever holds the whole archive in memory."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections

from jianfu.storage import storage_kind, storage_walk

FORMAT_VERSION = 1


class BackupError(RuntimeError):
    pass


MAGIC = b"JIANFU-BACKUP-AES256GCM-1\n"
RECORD_SIZE = 1024 * 1024
_LAST, _MORE = b"\x01", b"\x00"


def _backup_key() -> bytes:
    """32 bytes from BACKUP_ENCRYPTION_KEY (urlsafe base64, as a Fernet key
    is made), or derived from SECRET_KEY when it is empty (development)."""
    configured = getattr(settings, "BACKUP_ENCRYPTION_KEY", "")
    if configured:
        try:
            key = base64.urlsafe_b64decode(configured.encode())
        except ValueError as exc:
            raise BackupError("BACKUP_ENCRYPTION_KEY is not base64") from exc
        if len(key) != 32:
            raise BackupError("BACKUP_ENCRYPTION_KEY must be 32 bytes (make one as the guide says)")
        return key
    return hmac.new(settings.SECRET_KEY.encode(), b"jianfu.backup-archive", hashlib.sha256).digest()


def _aad(prefix: bytes, index: int, flag: bytes) -> bytes:
    return MAGIC + prefix + index.to_bytes(8, "big") + flag


def encrypt_stream(source: IO[bytes], target: IO[bytes]) -> None:
    aead = AESGCM(_backup_key())
    prefix = os.urandom(4)
    target.write(MAGIC + prefix)
    index = 0
    chunk = source.read(RECORD_SIZE)
    while True:
        following = source.read(RECORD_SIZE)
        flag = _MORE if following else _LAST
        nonce = prefix + index.to_bytes(8, "big")
        sealed = aead.encrypt(nonce, chunk, _aad(prefix, index, flag))
        target.write(flag + len(sealed).to_bytes(4, "big") + sealed)
        if flag == _LAST:
            return
        chunk, index = following, index + 1


def decrypt_stream(source: IO[bytes], target: IO[bytes]) -> None:
    from cryptography.exceptions import InvalidTag

    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not an encrypted backup of this portal")
    aead = AESGCM(_backup_key())
    prefix = source.read(4)
    index = 0
    while True:
        head = source.read(5)
        if len(head) < 5:
            raise BackupError("the archive is cut off")
        flag, size = head[:1], int.from_bytes(head[1:], "big")
        if flag not in (_LAST, _MORE) or size > RECORD_SIZE + 16:
            raise BackupError("the archive is damaged")
        sealed = source.read(size)
        try:
            target.write(aead.decrypt(prefix + index.to_bytes(8, "big"), sealed, _aad(prefix, index, flag)))
        except InvalidTag as exc:
            raise BackupError(
                "the archive was changed, or BACKUP_ENCRYPTION_KEY is not the key it was made with"
            ) from exc
        if flag == _LAST:
            if source.read(1):
                raise BackupError("the archive has data after its end")
            return
        index += 1


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return args


def _run(cmd: list[str], env: dict[str, str]) -> None:
    # The arguments are fixed program names and the configured database: no shell, no user input.
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{cmd[0]} failed: {result.stderr.strip()[:2000]}")


def _sqlite(name: Any) -> sqlite3.Connection:
    # The test runner's in-memory database is named by a "file:" URI.
    return sqlite3.connect(str(name), uri=str(name).startswith("file:"))


def backup(output: Path, *, files: bool = True) -> dict[str, Any]:
    """Write the archive to ``output``; returns its manifest. ``files=False``
    leaves the stored files out (a large bucket kept safe by the object
    storage's own versioning and replication); restoring such an archive
    leaves the stored files as they are."""
    db = connection.settings_dict
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if connection.vendor == "postgresql":
            dump = work / "db.dump"
            _run(
                ["pg_dump", "-Fc", "--no-owner", "--no-privileges", *_pg_args(db), "-f", str(dump), db["NAME"]],
                _pg_env(db),
            )
            kind = "postgresql"
        elif connection.vendor == "sqlite":
            dump = work / "db.sqlite3"
            source = _sqlite(db["NAME"])
            target = sqlite3.connect(str(dump))
            with target:
                source.backup(target)
            source.close()
            target.close()
            kind = "sqlite"
        else:  # pragma: no cover - the portal supports these two
            raise BackupError(f"unsupported database {connection.vendor}")
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_suffix(output.suffix + ".part")
        plain = work / "archive.tar.gz"
        with tarfile.open(plain, "w:gz") as tar:
            tar.add(dump, arcname=dump.name)
            count = _add_stored_files(tar) if files else 0
            manifest = {
                "format": FORMAT_VERSION,
                "created": datetime.datetime.now(datetime.UTC).isoformat(),
                "database": kind,
                "storage": storage_kind(),
                "files_included": files,
                "media_files": count,
            }
            (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
            tar.add(work / "manifest.json", arcname="manifest.json")
        with plain.open("rb") as plain_in, partial.open("wb") as sealed_out:
            encrypt_stream(plain_in, sealed_out)
        partial.replace(output)  # never leave a half-written archive under the real name
    return manifest


def _add_stored_files(tar: tarfile.TarFile) -> int:
    """Copy every stored file into ``media/`` of the archive, streaming each
    one from the storage (a bucket's objects are never all in memory)."""
    count = 0
    for name in storage_walk():
        with default_storage.open(name, "rb") as handle:
            # The size from the open handle, not storage.size(): one request
            # per object to a bucket instead of two.
            handle.seek(0, os.SEEK_END)
            info = tarfile.TarInfo(f"media/{name}")
            info.size = handle.tell()
            handle.seek(0)
            tar.addfile(info, handle)
        count += 1
    return count


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or member.issym() or member.islnk():
            raise BackupError(f"refusing archive member {member.name!r}")
        members.append(member)
    return members


def restore(archive: Path) -> dict[str, Any]:
    """Replace the database and the uploads with those of ``archive``."""
    db = connection.settings_dict
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain = work / "archive.tar.gz"
        with archive.open("rb") as sealed_in, plain.open("wb") as plain_out:
            decrypt_stream(sealed_in, plain_out)
        with tarfile.open(plain, "r:gz") as tar:
            tar.extractall(work, members=_safe_members(tar), filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"unknown backup format {manifest.get('format')!r}")
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"the archive holds a {manifest['database']} database; this portal uses {connection.vendor}"
            )
        connections.close_all()
        if connection.vendor == "postgresql":
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *_pg_args(db),
                    "-d",
                    db["NAME"],
                    str(work / "db.dump"),
                ],
                _pg_env(db),
            )
        else:
            source = sqlite3.connect(str(work / "db.sqlite3"))
            target = _sqlite(db["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        # Archives older than the option have no flag: they always held the files.
        if manifest.get("files_included", True):
            _replace_stored_files(work / "media")
    return dict(manifest)


def _replace_stored_files(source: Path) -> None:
    """Delete every stored file, then store the archive's under their own
    names (an archive of local files restores into a bucket and back)."""
    for name in list(storage_walk()):
        default_storage.delete(name)
    if not source.exists():
        return
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        name = path.relative_to(source).as_posix()
        with path.open("rb") as handle:
            stored = default_storage.save(name, File(handle, name=name))
        if stored != name:
            raise BackupError(f"the storage renamed {name!r} to {stored!r} while restoring")
