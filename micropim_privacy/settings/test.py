"""`make test`: PostgreSQL and Redis on localhost (DATABASE_URL / REDIS_URL override)."""

from __future__ import annotations

from ledger.dbconfig import ledger_database

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
FIELD_ENCRYPTION_KEY = "dGVzdC1vbmx5LWtleS0zMi1ieXRlcy1sb25nLTAwMDA="
ERASURE_LEDGER_KEY = "test-ledger-key"
PRIVACY_ALLOW_TIME_TRAVEL = True
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/micropim_privacy")
}
DATABASES["ledger"] = ledger_database(env, DATABASES["default"], sqlite_path=VAR_DIR / "ledger-test.sqlite3")
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_BROKER_URL = REDIS_URL
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                      "KEY_PREFIX": "test"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# bcrypt is deliberately slow; tests that are not about hashing use a fast hasher.
# tests/accounts/test_settings.py proves the real settings put bcrypt first.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Lockout is tested on purpose in tests/accounts/test_login_lockout.py; elsewhere it would
# make unrelated tests depend on each other's failed logins.
AXES_ENABLED = False
