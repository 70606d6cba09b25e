"""Production: everything that matters must come from the environment, and
``manage.py check --deploy`` passes with no warning."""

from django.core.exceptions import ImproperlyConfigured

from jianfu.env import env_bool, env_int, env_list, env_str
from jianfu.settings.base import *  # noqa: F403

DEBUG = False

SECRET_KEY = env_str("SECRET_KEY")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the portal's host names")
for _required in ("DATABASE_URL", "REDIS_URL"):
    if not env_str(_required):
        raise ImproperlyConfigured(f"{_required} must be set in production")

# Complainants' names and phones must stay readable when SECRET_KEY rotates.
if not env_str("FIELD_ENCRYPTION_KEY"):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set in production (a Fernet key)")
from jianfu.crypto import check_keys  # noqa: E402 - needs the value read above

check_keys(env_str("FIELD_ENCRYPTION_KEY"))

# The portal sits behind a TLS-terminating reverse proxy (see docker-compose.yml).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
