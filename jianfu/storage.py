"""Helpers over Django's default storage that work the same on local files
and on an S3-compatible bucket: walking every stored file (backups), a
write-read-delete probe, and creating the bucket of a fresh deployment."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404


class StorageError(RuntimeError):
    pass


def storage_kind(storage: Storage | None = None) -> str:
    """``"s3"`` for a bucket, ``"local"`` for files under MEDIA_ROOT."""
    storage = storage or default_storage
    return "s3" if hasattr(storage, "bucket_name") else "local"


def storage_walk(*, storage: Storage | None = None, prefix: str = "") -> Iterator[str]:
    """Every file's name under ``prefix``, depth first, sorted."""
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:  # a local MEDIA_ROOT that was never created
        return
    for name in sorted(files):
        yield f"{prefix}/{name}" if prefix else name
    for name in sorted(dirs):
        yield from storage_walk(storage=storage, prefix=f"{prefix}/{name}" if prefix else name)


def storage_probe(*, storage: Storage | None = None) -> str:
    """Write, read back and delete a small file; raise StorageError saying
    which step failed. Returns the probe's name."""
    storage = storage or default_storage
    payload = uuid.uuid4().hex.encode()
    try:
        name = storage.save(f"healthcheck/{uuid.uuid4().hex}.txt", ContentFile(payload))
    except Exception as exc:
        raise StorageError(f"cannot write to the storage: {exc}") from exc
    try:
        with storage.open(name, "rb") as handle:
            data = handle.read()
    except Exception as exc:
        raise StorageError(f"cannot read back from the storage: {exc}") from exc
    try:
        storage.delete(name)
    except Exception as exc:
        raise StorageError(f"cannot remove the probe file: {exc}") from exc
    if data != payload:
        raise StorageError("the storage gave back other bytes than were written")
    return name


def storage_bucket_create(*, storage: Storage | None = None) -> bool:
    """Create the configured bucket when it does not exist (MinIO's first
    start, CI's S3 server). True when it was created."""
    storage = storage or default_storage
    if storage_kind(storage) != "s3":
        return False
    s3: Any = storage
    client = s3.connection.meta.client
    from botocore.exceptions import ClientError

    try:
        client.head_bucket(Bucket=s3.bucket_name)
        return False
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"404", "NoSuchBucket", "NotFound"}:
            raise StorageError(f"cannot reach bucket {s3.bucket_name}: {exc}") from exc
    params: dict[str, Any] = {"Bucket": s3.bucket_name}
    region = s3.region_name or "us-east-1"
    if region != "us-east-1":
        params["CreateBucketConfiguration"] = {"LocationConstraint": region}
    client.create_bucket(**params)
    return True


def stored_file_open(*, file: FieldFile) -> File:
    """Open a stored file for a download view that has checked who is asking.
    A file gone from the storage (lost with a host's disk, removed from the
    bucket by hand) is a 404, not a 500, on local files and buckets alike."""
    try:
        return file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
