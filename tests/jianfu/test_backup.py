"""Backup and restore as a round trip: data and uploads come back as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command

from schools.models import School
from supervision.models import Supervisor
from tests.factories import SchoolFactory, SupervisorFactory


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_brings_back_rows_and_files(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    SchoolFactory(name="备份小学", code="3100000001")
    sup = SupervisorFactory(name="备份督学")
    sup.photo.save("x.jpg", ContentFile(b"\xff\xd8\xff photo bytes"), save=True)
    photo_path = Path(sup.photo.path)

    archive = tmp_path / "out" / "backup.tar.gz.enc"
    call_command("backup", str(archive))
    assert archive.is_file() and not archive.with_suffix(".enc.part").exists()
    # Encrypted: neither a readable archive nor any of its contents in clear.
    import tarfile

    raw = archive.read_bytes()
    assert not tarfile.is_tarfile(archive) and b"photo bytes" not in raw and b"manifest" not in raw

    # Disaster: rows deleted, a row added, the upload lost.
    School.objects.filter(name="备份小学").delete()
    SchoolFactory(name="事后小学")
    photo_path.unlink()

    call_command("restore", str(archive), "--yes")
    assert School.objects.filter(name="备份小学", code="3100000001").exists()
    assert not School.objects.filter(name="事后小学").exists()
    restored = Supervisor.objects.get(name="备份督学")
    assert Path(restored.photo.path).read_bytes() == b"\xff\xd8\xff photo bytes"


def test_restore_refuses_hostile_archive(tmp_path: Path) -> None:
    import io
    import tarfile

    from jianfu.backup import BackupError, encrypt_stream, restore

    plain = tmp_path / "evil.tar.gz"
    with tarfile.open(plain, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../../etc/evil")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "evil.tar.gz.enc"
    with plain.open("rb") as source, archive.open("wb") as target:
        encrypt_stream(source, target)
    with pytest.raises(BackupError, match="refusing archive member"):
        restore(archive)
    assert settings.MEDIA_ROOT  # untouched configuration


def test_encrypted_archive_refuses_a_wrong_key_a_change_and_a_cut(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    import base64
    import io
    import os

    from jianfu.backup import RECORD_SIZE, BackupError, decrypt_stream, encrypt_stream

    settings.BACKUP_ENCRYPTION_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
    data = os.urandom(RECORD_SIZE * 2 + 123)  # three records
    sealed = io.BytesIO()
    encrypt_stream(io.BytesIO(data), sealed)
    blob = sealed.getvalue()
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(blob), out)
    assert out.getvalue() == data

    changed = bytearray(blob)
    changed[len(blob) // 2] ^= 1
    cut = blob[: len(blob) - (123 + 16 + 5)]  # the last record dropped
    for bad in (bytes(changed), cut, blob + b"x"):
        with pytest.raises(BackupError):
            decrypt_stream(io.BytesIO(bad), io.BytesIO())
    settings.BACKUP_ENCRYPTION_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
    with pytest.raises(BackupError, match="BACKUP_ENCRYPTION_KEY"):
        decrypt_stream(io.BytesIO(blob), io.BytesIO())
