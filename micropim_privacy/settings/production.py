"""Production: every secret from the environment; refuses to start without them."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from ledger.dbconfig import ledger_database

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False


def _required(name: str) -> str:
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production")
    return value


SECRET_KEY = _required("SECRET_KEY")
FIELD_ENCRYPTION_KEY = _required("FIELD_ENCRYPTION_KEY")
ERASURE_LEDGER_KEY = env.str("ERASURE_LEDGER_KEY", default="") or SECRET_KEY
DATABASES = {"default": env.db_url_config(_required("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["ledger"] = ledger_database(env, DATABASES["default"], sqlite_path=VAR_DIR / "ledger.sqlite3")
PRIVACY_ALLOW_TIME_TRAVEL = False  # CONTRACT.md: never in production

# §6.1 "Encryption in transit: TLS 1.2+"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True  # issue 10: every cookie over TLS only (tests/security/test_security_headers.py)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
