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

    archive = tmp_path / "out" / "backup.tar.gz"
    call_command("backup", str(archive))
    assert archive.is_file() and not archive.with_suffix(".gz.part").exists()

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

    from jianfu.backup import BackupError, restore

    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../../etc/evil")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError):
        restore(archive)
    assert settings.MEDIA_ROOT  # untouched configuration
