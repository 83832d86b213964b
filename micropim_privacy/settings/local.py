"""`make run`: SQLite under var/, embedded broker, demo-friendly; no servers to install."""

from __future__ import annotations

from ledger.dbconfig import ledger_database

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-dev-only-not-secret")  # noqa: S105
FIELD_ENCRYPTION_KEY = env(
    "FIELD_ENCRYPTION_KEY", default="dGVzdC1vbmx5LWtleS0zMi1ieXRlcy1sb25nLTAwMDA="
)
ERASURE_LEDGER_KEY = env("ERASURE_LEDGER_KEY", default="local-ledger-key")
PRIVACY_ALLOW_TIME_TRAVEL = env.bool("PRIVACY_ALLOW_TIME_TRAVEL", default=True)
PRIVACY_JOBS_INTERVAL_SECONDS = env.int("PRIVACY_JOBS_INTERVAL_SECONDS", default=60)
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat share one SQLite file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DATABASES["ledger"] = ledger_database(env, DATABASES["default"], sqlite_path=VAR_DIR / "ledger.sqlite3")
if not env.str("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
