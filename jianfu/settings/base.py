"""Settings shared by every environment; everything that differs comes from
the environment through :mod:`jianfu.env`.

Without ``DATABASE_URL`` the portal uses SQLite in the project folder, and
without ``REDIS_URL`` Celery tasks run in-process and the cache is local
memory: the embedded defaults of the README's quick start.
"""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from jianfu.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_time,
    parse_database_url,
    storage_backend,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "jianfu",
    "schools",
    "supervision",
    "reports",
    "jianfu.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    # Second factor: TOTP authenticators and static backup codes (jianfu/signin/twofactor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jianfu.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "jianfu.middleware.NullCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jianfu.sessions.SessionLifetimeMiddleware",
    "jianfu.signin.twofactor.TwoFactorMiddleware",
    "jianfu.accounts.middleware.PasswordChangeRequiredMiddleware",
    "jianfu.audit.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jianfu.urls"
WSGI_APPLICATION = "jianfu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide templates, then each subject package's own folder
        # (<app>/<subject>/templates/), found by one rule so a new subject
        # needs no edit here.
        "DIRS": [
            BASE_DIR / "templates",
            *(
                d
                for app in ("jianfu", "schools", "supervision", "reports")
                for d in sorted((BASE_DIR / app).glob("*/templates"))
            ),
        ],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jianfu.context_processors.portal",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", "")
# "transaction" when DATABASE_URL points at PgBouncer in transaction pooling
# mode (docs/DEPLOYMENT.md): server-side cursors are then switched off.
DATABASE_POOL_MODE = env_choice("DATABASE_POOL_MODE", ("session", "transaction"), "session")
DATABASES = {
    "default": parse_database_url(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), pool_mode=DATABASE_POOL_MODE
    )
    if DATABASE_URL
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The homework indexes carry the figures as covering (INCLUDE) columns so that
# PostgreSQL answers a period from the index alone; SQLite, the development
# default, builds them on the key columns only, which is all it needs at that
# size. Its warning about it would greet every `make run`.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if str(DATABASES["default"]["ENGINE"]).endswith("sqlite3") else []

AUTH_USER_MODEL = "jianfu.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# A one-time sign-in link (first sign-in or reset, jianfu.accounts) is void
# after this many seconds, or as soon as a password is set.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 72) * 60 * 60

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed sign-ins: an account is locked after this many failures within the
# window, and so is an address (a higher bar, since a school's NAT hides many
# legitimate users behind one address).
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env_int("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", 30)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
# How many reverse proxies in front of the portal append to X-Forwarded-For
# (the TLS proxy of docker-compose.yml: 1). 0 trusts no header and uses the
# socket's address. Used for lockout, complaint limits and the audit trail
# (jianfu/client_ip.py); set it too high and visitors choose their address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploads live outside the static tree and are only ever served through views
# that check who is asking; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"
# Several web hosts and workers (a city, a province) share an S3-compatible
# bucket instead: set STORAGE_BUCKET and the endpoint and keys. Every file the
# portal keeps goes through Django's storage API, so nothing else changes.
STORAGES = {
    "default": storage_backend(
        bucket=env_str("STORAGE_BUCKET", ""),
        endpoint_url=env_str("STORAGE_ENDPOINT_URL", ""),
        access_key=env_str("STORAGE_ACCESS_KEY", ""),
        secret_key=env_str("STORAGE_SECRET_KEY", ""),
        region=env_str("STORAGE_REGION", ""),
        prefix=env_str("STORAGE_PREFIX", ""),
        addressing_style=env_str("STORAGE_ADDRESSING_STYLE", ""),
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Redis, cache and Celery -------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage makes it an empty cache
            # (logged) instead of a 500 on every page that touches it.
            "BACKEND": "jianfu.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Short timeouts: a stopped Redis must cost a request milliseconds,
            # never hang it; after a failure Redis is left alone RETRY_AFTER s.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "RETRY_AFTER": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Hard limit well below the broker's visibility timeout, so that a message is
# never redelivered while its first run is still going.
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Publishing happens inside web requests (report requests, and whatever else
# enqueues after commit): with Redis down it must fail within about a second,
# leaving the job recorded for the sweeper, instead of kombu's default of
# retrying the connection for several seconds. Connect: 1 s per attempt, two
# attempts at most, 1 s in all (CELERY_BROKER_CONNECTION_TIMEOUT bounds the
# attempts together); a command on a connection whose peer vanished: 2 s
# (above the worker's 1 s BRPOP polling, which uses the same sockets).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Workers (which pass their own retry count, not the options above) wait for
# a stopped Redis as long as it takes instead of exiting after 100 attempts.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Report runs (PDF layout of a province's notice can take minutes) may go to
# a queue of their own, so that a city's or province's dedicated report
# workers never hold up e-mails and sweeps (docs/DEPLOYMENT.md). By default
# everything is on Celery's one queue, which a single worker consumes.
REPORTS_QUEUE = env_str("CELERY_REPORTS_QUEUE", "celery")
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "reports.run_report_job": {"queue": REPORTS_QUEUE},
    "reports.draft_semester_reports": {"queue": REPORTS_QUEUE},
    "reports.compute_score_run": {"queue": REPORTS_QUEUE},
    "reports.archive_notice": {"queue": REPORTS_QUEUE},
}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "sweep-report-jobs": {"task": "reports.sweep_report_jobs", "schedule": 60.0},
    # Sign-in and public-form counters past their window (jianfu/tasks.py).
    "purge-rate-counters": {"task": "jianfu.purge_rate_counters", "schedule": 60 * 60.0},
    "draft-semester-reports": {"task": "reports.draft_semester_reports", "schedule": 6 * 60 * 60.0},
    "sweep-notices": {"task": "reports.sweep_notices", "schedule": 15 * 60.0},
}
# How long a running report job may go without reporting progress before the
# sweeper assumes its worker died and queues it again.
REPORT_JOB_LEASE_SECONDS = env_int("REPORT_JOB_LEASE_SECONDS", 120)

# --- E-mail -----------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "jianfu@localhost")

# --- Security headers that hold in every environment ---------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request and, in
# any case, SESSION_ABSOLUTE_LIFETIME seconds after sign-in.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
# Bureau staff must confirm sign-in with a TOTP code (authenticator app);
# everyone else may turn it on. The development settings switch the duty off
# so that the demo accounts sign in with their password alone.
TOTP_REQUIRED_FOR_BUREAU = env_bool("TOTP_REQUIRED_FOR_BUREAU", True)
TOTP_ISSUER = env_str("TOTP_ISSUER", "减负督导")
OTP_TOTP_ISSUER = TOTP_ISSUER
# The device admin shows neither keys nor QR codes: a reset deletes the device
# and its owner enrols anew, so staff never hold someone else's secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A first enrolment is accepted only this many seconds after the password sign-in.
TOTP_ENROL_WINDOW_SECONDS = env_int("TOTP_ENROL_WINDOW_SECONDS", 10 * 60)
TOTP_BACKUP_CODE_COUNT = 10
# The audit trail is kept this many days (MLPS level 3 asks for six months).
AUDIT_RETENTION_DAYS = max(184, env_int("AUDIT_RETENTION_DAYS", 400))
# Key of the backup archives (32 bytes, urlsafe base64: a Fernet key will
# do); derived from SECRET_KEY when empty. Keep a copy apart from the archives.
BACKUP_ENCRYPTION_KEY = env_str("BACKUP_ENCRYPTION_KEY", "")
CSRF_COOKIE_HTTPONLY = False  # the offline visit form reads it to submit queued drafts

# --- Portal rules: the national numbers (docs/glossary.md) --------------------------
BUREAU_NAME = env_str("BUREAU_NAME", "示范区教育局")
# The number every public page gives parents to call; the default is the
# government service hotline 12345, which takes education complaints
# everywhere in China, until the bureau sets its own burden-reduction line.
COMPLAINT_HOTLINE = env_str("COMPLAINT_HOTLINE", "12345")
# 《中小学校责任督学挂牌督导办法》: a district covers at most 20 schools, and one
# supervisor about 5; the portal warns above these numbers.
DISTRICT_MAX_SCHOOLS = env_int("DISTRICT_MAX_SCHOOLS", 20)
SUPERVISOR_SCHOOL_LOAD_WARNING = env_int("SUPERVISOR_SCHOOL_LOAD_WARNING", 10)
# Homework caps of the 2021 "double reduction" opinion, in minutes of written
# homework a day (grades 1-2 take none home).
HOMEWORK_WRITTEN_CAP_GRADES_1_2 = env_int("HOMEWORK_WRITTEN_CAP_GRADES_1_2", 0)
HOMEWORK_WRITTEN_CAP_GRADES_3_6 = env_int("HOMEWORK_WRITTEN_CAP_GRADES_3_6", 60)
HOMEWORK_WRITTEN_CAP_GRADES_7_9 = env_int("HOMEWORK_WRITTEN_CAP_GRADES_7_9", 90)
# After-school service: 5 days a week, at least 2 hours a day, ending no
# earlier than the local end of the working day. Coverage is pupils attending
# over pupils asking on the days held; the national rule asks for every pupil who
# needs it, and a day's absences keep it a little under 100%, so a week is
# flagged below 95%.
AFTERSCHOOL_DAYS_PER_WEEK = env_int("AFTERSCHOOL_DAYS_PER_WEEK", 5)
AFTERSCHOOL_MIN_MINUTES_PER_DAY = env_int("AFTERSCHOOL_MIN_MINUTES_PER_DAY", 120)
AFTERSCHOOL_END_NOT_BEFORE = env_time("AFTERSCHOOL_END_NOT_BEFORE", "17:30")
AFTERSCHOOL_COVERAGE_TARGET_PERCENT = env_int("AFTERSCHOOL_COVERAGE_TARGET_PERCENT", 95)
# Five managements: the sleep a pupil needs, in hours a night.
SLEEP_HOURS_PRIMARY = env_int("SLEEP_HOURS_PRIMARY", 10)
SLEEP_HOURS_JUNIOR = env_int("SLEEP_HOURS_JUNIOR", 9)

# --- Complaint cases (issue 4) ------------------------------------------------------
# Fernet key(s) for the complainant's name and phone, comma-separated, newest
# first; derived from SECRET_KEY when empty (development only: production
# refuses to start without it). See jianfu/crypto.py.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "")
# Time limits in working days (weekends, public holidays and 调休 from the
# calendar in the admin). The petition rules allow 15 days to decide on
# acceptance and 60 to conclude; local hotlines are stricter ("complaints
# within 13 working days"), and these defaults follow them: a decision within
# 5 working days and the answer to the complainant within 13 working days of
# receipt. One extension with a reason, at most 30 (calendar) days.
COMPLAINT_ACCEPT_WORKING_DAYS = env_int("COMPLAINT_ACCEPT_WORKING_DAYS", 5)
COMPLAINT_CONCLUDE_WORKING_DAYS = env_int("COMPLAINT_CONCLUDE_WORKING_DAYS", 13)
COMPLAINT_EXTENSION_MAX_DAYS = env_int("COMPLAINT_EXTENSION_MAX_DAYS", 30)
COMPLAINT_DUE_SOON_WORKING_DAYS = env_int("COMPLAINT_DUE_SOON_WORKING_DAYS", 2)
# Abuse limits of the public form, counted over the window.
COMPLAINT_RATE_WINDOW_HOURS = env_int("COMPLAINT_RATE_WINDOW_HOURS", 24)
COMPLAINT_RATE_LIMIT_PER_IP = env_int("COMPLAINT_RATE_LIMIT_PER_IP", 10)
COMPLAINT_RATE_LIMIT_PER_PHONE = env_int("COMPLAINT_RATE_LIMIT_PER_PHONE", 3)
COMPLAINT_STATUS_FAILURES_PER_IP_HOUR = env_int("COMPLAINT_STATUS_FAILURES_PER_IP_HOUR", 20)
# School searches of the public form per address a minute (each keystroke
# pause of a person typing is one; a scraper of the register is many).
COMPLAINT_SCHOOL_SEARCHES_PER_IP_MINUTE = env_int("COMPLAINT_SCHOOL_SEARCHES_PER_IP_MINUTE", 60)
COMPLAINT_CAPTCHA_TTL_SECONDS = env_int("COMPLAINT_CAPTCHA_TTL_SECONDS", 600)
# Wrong CAPTCHA answers allowed per address an hour, and per browser (the
# count travels in its signed CAPTCHA cookie).
COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR = env_int("COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR", 30)
COMPLAINT_CAPTCHA_FAILURES_PER_SESSION = env_int("COMPLAINT_CAPTCHA_FAILURES_PER_SESSION", 5)
# Key of the HMAC under which complaint query codes are stored; derived from
# SECRET_KEY when empty (set it in production so rotating SECRET_KEY keeps
# the codes complainants hold working).
LOOKUP_CODE_KEY = env_str("LOOKUP_CODE_KEY", "")
COMPLAINT_MAX_ATTACHMENTS = env_int("COMPLAINT_MAX_ATTACHMENTS", 5)
COMPLAINT_IMAGE_MAX_MB = env_int("COMPLAINT_IMAGE_MAX_MB", 10)
COMPLAINT_PDF_MAX_MB = env_int("COMPLAINT_PDF_MAX_MB", 10)
COMPLAINT_AUDIO_MAX_MB = env_int("COMPLAINT_AUDIO_MAX_MB", 30)
CELERY_BEAT_SCHEDULE["complaint-deadline-digest"] = {
    "task": "supervision.tasks.complaint_deadline_digest",
    "schedule": crontab(hour=env_int("COMPLAINT_DIGEST_HOUR", 8), minute=0),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Inspection visits and rectification (issue 3) ----------------------------------
# Every school is visited at least once a calendar month. A school not visited
# yet this month is "due"; it is "overdue" once this day of the month has
# passed, or at once if it was not visited in the previous month either.
VISIT_MONTHLY_DUE_DAY = env_int("VISIT_MONTHLY_DUE_DAY", 20)
VISIT_MAX_PHOTOS = env_int("VISIT_MAX_PHOTOS", 12)
VISIT_PHOTO_MAX_MB = env_int("VISIT_PHOTO_MAX_MB", 15)
# Default time given to a school to rectify, in days (the supervisor may set another deadline).
RECTIFICATION_DEFAULT_DAYS = env_int("RECTIFICATION_DEFAULT_DAYS", 30)
RECTIFICATION_EVIDENCE_MAX_FILES = env_int("RECTIFICATION_EVIDENCE_MAX_FILES", 10)
RECTIFICATION_EVIDENCE_MAX_MB = env_int("RECTIFICATION_EVIDENCE_MAX_MB", 15)
# Links in e-mails point here.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
OVERDUE_DIGEST_HOUR = env_int("OVERDUE_DIGEST_HOUR", 7)
CELERY_BEAT_SCHEDULE["send-overdue-rectifications"] = {
    "task": "supervision.tasks.send_overdue_rectifications",
    "schedule": crontab(hour=OVERDUE_DIGEST_HOUR, minute=30),
}
# Notices whose task could not be queued (Redis down) are sent by this sweep.
CELERY_BEAT_SCHEDULE["sweep-notifications"] = {"task": "supervision.tasks.sweep_notifications", "schedule": 5 * 60.0}

# --- Pledges and self-checks (issue 5) -----------------------------------------
# Size caps of a pledge's scanned signed copy and of one self-check evidence
# file (PDF or image), and how many evidence files one item may carry.
PLEDGE_SCAN_MAX_MB = env_int("PLEDGE_SCAN_MAX_MB", 10)
SELFCHECK_EVIDENCE_MAX_MB = env_int("SELFCHECK_EVIDENCE_MAX_MB", 10)
SELFCHECK_EVIDENCE_MAX_FILES = env_int("SELFCHECK_EVIDENCE_MAX_FILES", 10)

# --- Burden surveys (issue 15) ----------------------------------------------------
# A school's survey results are shown only from this many responses on, so
# that no single family can be recognised; below it, "too few responses".
SURVEY_MIN_RESPONSES = env_int("SURVEY_MIN_RESPONSES", 10)
# Abuse limits of the public survey form: responses a minute one school's
# link takes at most; above the burst limits a CAPTCHA is asked (per school
# a minute, per client -- a keyed hash of address and browser -- an hour).
SURVEY_RATE_LIMIT_PER_SCHOOL_MINUTE = env_int("SURVEY_RATE_LIMIT_PER_SCHOOL_MINUTE", 120)
SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE = env_int("SURVEY_CAPTCHA_AFTER_PER_SCHOOL_MINUTE", 40)
SURVEY_CAPTCHA_AFTER_PER_CLIENT_HOUR = env_int("SURVEY_CAPTCHA_AFTER_PER_CLIENT_HOUR", 5)
CELERY_BEAT_SCHEDULE["purge-survey-rate-counters"] = {
    "task": "supervision.surveys.purge_rate_counters",
    "schedule": 60 * 60.0,
}
