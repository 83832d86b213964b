"""Settings shared by every environment (12-factor, django-environ; CONTRACT.md "Configuration")."""

from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PRIVACY_VAR_DIR") or BASE_DIR / "var")

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "accounts",
    "retention",
    "dsar",
    "consent",
    "subprocessors",
    "breaches",
    "portal",
    "ledger",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "micropim_privacy.security_headers.AdminContentSecurityPolicyMiddleware",  # issue 10
    "axes.middleware.AxesMiddleware",  # last: login throttling and lockout
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling and lockout (§6.1 access controls): 5 failures for a username from an
# IP address lock that pair out for 30 minutes; every attempt is recorded for security.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429

ROOT_URLCONF = "micropim_privacy.urls"
WSGI_APPLICATION = "micropim_privacy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# §6.1: "Password security: Bcrypt hashing with salts" — bcrypt first.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ro", "Română")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"  # deadlines are computed in UTC (DESIGN.md "Deadlines")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"

LOGIN_URL = "/admin/login/"

# Secrets: always from the environment; local/test settings provide throwaway defaults.
SECRET_KEY = env("SECRET_KEY", default="")
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
ERASURE_LEDGER_KEY = env("ERASURE_LEDGER_KEY", default="")

# §13 / CONTRACT: the future --as-of guard. Never on in production.
PRIVACY_ALLOW_TIME_TRAVEL = env.bool("PRIVACY_ALLOW_TIME_TRAVEL", default=False)
# How often beat asks the job runner to run (jobs decide themselves what is due).
PRIVACY_JOBS_INTERVAL_SECONDS = env.int("PRIVACY_JOBS_INTERVAL_SECONDS", default=3600)

# --- Outside systems (STYLE.md: each behind one small module) ---
AWS_REGION = env("AWS_DEFAULT_REGION", default=env("AWS_REGION", default="eu-central-1"))
AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID", default="")
AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY", default="")
S3_ENDPOINT_URL = env("S3_ENDPOINT_URL", default="") or None
S3_CUSTOMER_DATA_BUCKET = env("S3_CUSTOMER_DATA_BUCKET", default="micropim-customer-data")
S3_BACKUP_BUCKET = env("S3_BACKUP_BUCKET", default="micropim-backups")
S3_EXPORT_BUCKET = env("S3_EXPORT_BUCKET", default="micropim-privacy-exports")
COGNITO_USER_POOL_ID = env("COGNITO_USER_POOL_ID", default="")
COGNITO_ENDPOINT_URL = env("COGNITO_ENDPOINT_URL", default="") or None
STRIPE_API_KEY = env("STRIPE_API_KEY", default="")
STRIPE_API_BASE = env("STRIPE_API_BASE", default="") or None
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
MAIN_APP_WEBHOOK_URL = env("MAIN_APP_WEBHOOK_URL", default="")
MAIN_APP_WEBHOOK_SECRET = env("MAIN_APP_WEBHOOK_SECRET", default="")

# --- Email ---
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MicroPIM Privacy <privacy@micropim.net>")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))

# --- REST API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_auth.IsApiClient"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "micropim_privacy.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MicroPIM Privacy Ops API",
    "DESCRIPTION": "The privacy back office of MicroPIM: accounts and their lifecycle, data "
    "subject requests, events, consent, the sub-processor register and the retention schedule.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served locally: no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Several apps have a field called "type": give each choice set its own name.
    "ENUM_NAME_OVERRIDES": {
        "RequestTypeEnum": "dsar.rights.TYPE_CHOICES",
        "EventTypeEnum": ["error", "login", "server_log", "usage"],
        "RecordTypeEnum": "retention.intake_records.TYPES",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Celery ---
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'broker.sqlite3'}"
# A cache shared by every process (rate limits, login throttling): Redis when there is one,
# files under var/ for `make run`.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
          "LOCATION": str(VAR_DIR / "cache")}
}
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message for the next one
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},  # logs customer ids at INFO
    },
}

# Issue 11: the erasure ledger lives in its own database alias (ledger/dbconfig.py, docs/ledger.md).
DATABASE_ROUTERS = ["ledger.router.LedgerRouter"]
