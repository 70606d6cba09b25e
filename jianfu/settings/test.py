"""Test settings: the same as development but fast hashing and no DEBUG."""

from jianfu.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "test-artifacts" / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in-process in tests, even when REDIS_URL points at a real Redis
# (the cache still uses it); the tests about workers switch eager mode off and
# start a real Celery worker (tests/reports/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
# Tests sign in with force_login; the two-factor tests switch the duty on.
TOTP_REQUIRED_FOR_BUREAU = False
