"""Settings of the subprocessors app, read at call time so tests can override them.

Throttle (notice campaigns): at most ``NOTICE_CAMPAIGN_BATCH_SIZE`` emails per
``NOTICE_CAMPAIGN_BATCH_INTERVAL_SECONDS`` per campaign (default 100 every 10 s = 600/min).
"""

from __future__ import annotations

from django.conf import settings


def batch_size() -> int:
    return int(getattr(settings, "NOTICE_CAMPAIGN_BATCH_SIZE", 100))


def batch_interval_seconds() -> float:
    return float(getattr(settings, "NOTICE_CAMPAIGN_BATCH_INTERVAL_SECONDS", 10))


def max_attempts() -> int:
    """After this many failed sends a delivery is given up (status ``failed``)."""
    return int(getattr(settings, "NOTICE_CAMPAIGN_MAX_ATTEMPTS", 5))


def retry_backoff_seconds() -> float:
    """First retry after this long, doubling at each further failure."""
    return float(getattr(settings, "NOTICE_CAMPAIGN_RETRY_BACKOFF_SECONDS", 300))


def claim_timeout_seconds() -> float:
    """A delivery claimed this long ago and never finished belongs to a dead worker."""
    return float(getattr(settings, "NOTICE_CAMPAIGN_CLAIM_TIMEOUT_SECONDS", 600))


def job_max_batches() -> int:
    """How many batches the hourly privacy job may send per campaign (its resume path)."""
    return int(getattr(settings, "NOTICE_CAMPAIGN_JOB_MAX_BATCHES", 20))


def public_base_url() -> str:
    """Absolute base of the public pages, for links in emails and the Atom feed."""
    return str(getattr(settings, "PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
