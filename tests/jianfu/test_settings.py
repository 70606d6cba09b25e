"""Settings come from the environment, fail loudly on bad values, and the
production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands

from jianfu.env import env_bool, env_int, parse_database_url

ROOT = Path(settings.BASE_DIR)
PROD_ENV = {
    "SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-for-the-test-0123456789",
    "ALLOWED_HOSTS": "jianfu.example.gov.cn",
    "DATABASE_URL": "postgres://jianfu:pw@db:5432/jianfu",
    "REDIS_URL": "redis://redis:6379/0",
    "FIELD_ENCRYPTION_KEY": "m7Vq3xW0dE8T2nqkq1Yb8b7V1J3eS6yq1c2pZqkq1Yg=",
}


def test_database_url_postgres() -> None:
    cfg = parse_database_url("postgres://u:p%40ss@db.local:6543/jf?sslmode=require")
    assert cfg["ENGINE"] == "django.db.backends.postgresql"
    assert (cfg["USER"], cfg["PASSWORD"], cfg["HOST"], cfg["PORT"], cfg["NAME"]) == (
        "u",
        "p@ss",
        "db.local",
        "6543",
        "jf",
    )
    assert cfg["OPTIONS"] == {"sslmode": "require"}


def test_database_url_rejects_unknown_scheme() -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("mysql://u@h/db")


def test_env_bool_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_FLAG", "on")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 1)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a
    # deployment must not have it (check --deploy says so), so drop it here.
    dropped = {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings() -> None:
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PROD_ENV, "DJANGO_SETTINGS_MODULE": "jianfu.settings.production"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "FIELD_ENCRYPTION_KEY"]
)
def test_production_settings_refuse_to_start_without(missing: str) -> None:
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = _manage("check", env={**env, "DJANGO_SETTINGS_MODULE": "jianfu.settings.production"})
    assert result.returncode != 0
    assert missing in result.stderr


def test_embedded_defaults_without_services() -> None:
    """No DATABASE_URL, no REDIS_URL: SQLite in the project folder and eager tasks."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.CACHES['default']['BACKEND'], s.EMAIL_BACKEND, s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "jianfu.settings.dev"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0] == "django.db.backends.sqlite3"
    assert out[1] == str(ROOT / "db.sqlite3")
    assert out[2] == "True"
    assert out[3].endswith("LocMemCache")
    assert out[4].endswith("console.EmailBackend")
    assert out[5:] == ["zh-hans", "Asia/Shanghai"]


def test_docker_compose_agrees_with_settings() -> None:
    """docker-compose.yml cannot run here (no Docker engine); at least its
    services and variables must match what the settings read."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    prod_source = (ROOT / "jianfu" / "settings" / "production.py").read_text()
    base_source = (ROOT / "jianfu" / "settings" / "base.py").read_text()
    for name in ("web", "worker", "beat"):
        svc = services[name]
        env_names = set(svc.get("environment", {})) | set(compose.get("x-portal-env", {}))
        anchors = svc.get("environment", {})
        assert isinstance(anchors, dict)
        for required in (
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "FIELD_ENCRYPTION_KEY",
            "DJANGO_SETTINGS_MODULE",
        ):
            assert required in env_names, (name, required)
        for var in env_names - {"DJANGO_SETTINGS_MODULE"}:
            assert f'"{var}"' in base_source or f'"{var}"' in prod_source, f"{name}: {var} is read by no setting"
        assert svc["environment"]["DJANGO_SETTINGS_MODULE"] == "jianfu.settings.production"
        assert "healthcheck" in svc or name == "beat", name
    assert "celery" in " ".join(services["worker"]["command"]) and "worker" in " ".join(services["worker"]["command"])
    assert "beat" in " ".join(services["beat"]["command"])
    assert services["web"]["environment"]["DATABASE_URL"].split("@")[1].startswith("db:")
    assert services["web"]["environment"]["REDIS_URL"].startswith("redis://redis:")
    for name in ("db", "redis", "minio"):
        assert "healthcheck" in services[name], name
    assert "volumes" in compose and {"pgdata", "miniodata"} <= set(compose["volumes"])
    # Files go to MinIO's bucket through the S3 protocol, the same bucket for
    # web and worker, with the keys MinIO is started with; the bucket is made
    # before the portal starts, and MinIO is reachable by the portal only.
    env = services["web"]["environment"]
    assert env["STORAGE_ENDPOINT_URL"] == "http://minio:9000"
    assert env["STORAGE_BUCKET"] and "MINIO_ROOT_USER" in env["STORAGE_ACCESS_KEY"]
    assert "MINIO_ROOT_PASSWORD" in env["STORAGE_SECRET_KEY"]
    assert services["worker"]["environment"] == env
    minio_env = services["minio"]["environment"]
    assert (
        "MINIO_ROOT_USER" in minio_env["MINIO_ROOT_USER"] and "MINIO_ROOT_PASSWORD" in minio_env["MINIO_ROOT_PASSWORD"]
    )
    assert "ports" not in services["minio"]
    assert "minio" in services["web"]["depends_on"] and "minio" in services["worker"]["depends_on"]
    web_command = " ".join(services["web"]["command"])
    assert web_command.index("storage_check --create-bucket") < web_command.index("gunicorn")
    assert "storage_check" in get_commands()
