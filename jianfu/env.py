"""Typed readers for settings from the environment.

Each helper fails loudly on a value it cannot understand: a typo in a
deployment's environment must stop the portal at start-up, not silently
fall back to a default (healthchecks' ``envbool`` habit).
"""

from __future__ import annotations

import datetime
import os
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_time(name: str, default: str) -> datetime.time:
    """A time of day written HH:MM, such as 17:30."""
    raw = os.environ.get(name)
    value = default if raw is None or raw.strip() == "" else raw.strip()
    try:
        return datetime.time.fromisoformat(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a time of day as HH:MM, got {value!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str, *, conn_max_age: int = 60, pool_mode: str = "session") -> dict[str, object]:
    """Turn ``postgres://user:pw@host:port/name?sslmode=require`` or
    ``sqlite:////abs/path.sqlite3`` into a Django ``DATABASES`` entry.

    ``pool_mode="transaction"``: the URL points at PgBouncer in transaction
    mode, where consecutive transactions of one Django connection may run on
    different server connections, so a cursor held across them (what
    ``QuerySet.iterator()`` opens on PostgreSQL) would vanish."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    options = dict(parse_qsl(parts.query))
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL names no database")
        config: dict[str, object] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Reuse connections for a minute, and check them first so that a
            # restarted PostgreSQL costs one reconnect instead of a 500.
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "DISABLE_SERVER_SIDE_CURSORS": pool_mode == "transaction",
        }
        if options:
            config["OPTIONS"] = options
        return config
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//"):
            path = path[1:]
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
    raise ImproperlyConfigured(f"DATABASE_URL scheme {scheme!r} is not supported (postgres or sqlite)")


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of a fixed set of words, compared without regard to case."""
    raw = os.environ.get(name)
    value = default if raw is None or raw.strip() == "" else raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return value


# Bucket names are 3-63 characters of lower-case letters, digits, dots
# and hyphens, starting and ending with a letter or digit.
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def storage_backend(
    *,
    bucket: str,
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "",
    prefix: str = "",
    addressing_style: str = "",
) -> dict[str, Any]:
    """The ``STORAGES["default"]`` entry: local files under MEDIA_ROOT when no
    bucket is named, else an S3-compatible bucket (MinIO, Ceph, a provider's
    object storage) through django-storages.

    Every web host and worker of a city or province writes to and reads from
    the same bucket, so a report written by one worker downloads from any web
    host. The portal never hands out bucket URLs: downloads stream through the
    views that check who is asking, so the bucket stays private."""
    bucket = bucket.strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise ImproperlyConfigured(f"STORAGE_BUCKET is not a valid bucket name: {bucket!r}")
    endpoint_url = endpoint_url.strip()
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path not in {"", "/"}:
            raise ImproperlyConfigured(
                f"STORAGE_ENDPOINT_URL must be http(s)://host[:port] with no path, got {endpoint_url!r}"
            )
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError as exc:
            raise ImproperlyConfigured(f"STORAGE_ENDPOINT_URL has a bad port: {endpoint_url!r}") from exc
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("STORAGE_ACCESS_KEY and STORAGE_SECRET_KEY go together: set both or neither")
    prefix = prefix.strip().strip("/")
    if ".." in prefix.split("/"):
        raise ImproperlyConfigured(f"STORAGE_PREFIX must not contain '..', got {prefix!r}")
    # A self-hosted endpoint (MinIO on http://minio:9000) has no DNS names for
    # its buckets, so the bucket goes in the path there; AWS-style providers
    # take either.
    style = addressing_style.strip().lower() or ("path" if endpoint_url else "auto")
    if style not in {"auto", "path", "virtual"}:
        raise ImproperlyConfigured(f"STORAGE_ADDRESSING_STYLE must be auto, path or virtual, got {addressing_style!r}")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        # Empty keys: boto3's own chain (instance role, ~/.aws) supplies them.
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "region_name": region.strip() or "us-east-1",
        "location": prefix,
        "addressing_style": style,
        "signature_version": "s3v4",
        # Like local files: a second upload named like a first gets a new
        # name instead of replacing it (django-storages overwrites by default).
        "file_overwrite": False,
        # Objects take the bucket's own (private) policy; no public ACL.
        "default_acl": None,
        # The views stream files and never ask for a URL; should anything
        # ever call .url(), it gets a signed one valid for a minute.
        "querystring_auth": True,
        "querystring_expire": 60,
        # A download is read into memory up to this size, then into a local
        # temporary file, so a 100 MB notice does not sit in a web worker's RAM.
        "max_memory_size": 8 * 1024 * 1024,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
