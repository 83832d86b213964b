"""Settings of the retention app: ``getattr(settings, NAME, default)``, where the default reads
the environment variable of the same name (12-factor), then a built-in value.

None of these is a legal period: those live only in ``micropim_privacy/policy.py``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from django.conf import settings


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, os.environ.get(name, default))


def purge_batch_size() -> int:
    """Rows per purge transaction: small enough that each one commits in well under a second."""
    return int(_setting("RETENTION_PURGE_BATCH_SIZE", 5000))


def lock_timeout_ms() -> int:
    """How long partition DDL (create, drop) may wait for a table lock before giving up."""
    return int(_setting("RETENTION_LOCK_TIMEOUT_MS", 1000))


def events_max_batch() -> int:
    """`POST /api/v1/events/`: most events in one batch."""
    return int(_setting("RETENTION_EVENTS_MAX_BATCH", 1000))


def events_max_clock_skew() -> timedelta:
    """How far in the future an event's timestamp may be (the caller's clock may run ahead)."""
    return timedelta(seconds=int(_setting("RETENTION_EVENTS_MAX_CLOCK_SKEW_SECONDS", 300)))


def stripe_webhook_secret() -> str:
    """Signing secret of the Stripe webhook endpoint (``whsec_...``); empty = refuse every call."""
    return str(getattr(settings, "STRIPE_WEBHOOK_SECRET", "") or "")


def stripe_webhook_tolerance_seconds() -> int:
    """Stripe's replay window for a signature's timestamp."""
    return int(_setting("RETENTION_STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300))


def backup_bucket() -> str:
    return str(_setting("RETENTION_BACKUP_BUCKET", "") or settings.S3_BACKUP_BUCKET)


def backups_enabled() -> bool:
    """Purge the S3 backup bucket only where S3 is configured (an endpoint or AWS keys),
    or where ``RETENTION_PURGE_BACKUPS`` says so explicitly (e.g. an IAM role in production).
    Elsewhere (``make run`` without AWS) the job records a note and skips."""
    explicit = _setting("RETENTION_PURGE_BACKUPS", None)
    if isinstance(explicit, str):
        return explicit.strip().lower() in {"1", "true", "yes", "on"}
    if explicit is not None:
        return bool(explicit)
    return bool(settings.S3_ENDPOINT_URL or settings.AWS_ACCESS_KEY_ID)


def events_max_body_bytes() -> int:
    """`POST /api/v1/events/`: largest request body accepted (413 above it)."""
    return int(_setting("RETENTION_EVENTS_MAX_BODY_BYTES", 5 * 1024 * 1024))


def records_max_event_lead_days() -> int:
    """`POST /api/v1/records/`: how far ahead an event attendance's ``event_at`` may be
    (registrations for upcoming events); every other timestamp may not lie in the future."""
    return int(_setting("RETENTION_RECORDS_MAX_EVENT_LEAD_DAYS", 366))
