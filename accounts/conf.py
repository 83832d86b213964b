"""Settings of the accounts app: ``getattr(settings, NAME, default)``; defaults from the environment.

The erasure engine's knobs live here so an operator can tune them without a settings edit
(12-factor: each default reads an environment variable of the same name).
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(_setting(name, default))


def _float(name: str, default: float) -> float:
    return float(_setting(name, default))


def _bool(name: str, default: bool) -> bool:
    value = _setting(name, default)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def s3_prefix_template() -> str:
    """Where the main app keeps an account's product data in S3_CUSTOMER_DATA_BUCKET."""
    return str(_setting("ERASURE_S3_PREFIX_TEMPLATE", "customers/{external_id}/"))


def s3_batch_size() -> int:
    """Keys per ``delete_objects`` call (S3 allows at most 1000)."""
    return max(1, min(1000, _int("ERASURE_S3_BATCH_SIZE", 1000)))


def aws_enabled() -> bool:
    """S3 and Cognito erasure run when AWS is configured (keys or a local endpoint).

    With instance roles and no keys in the environment, set ``ERASURE_AWS_ENABLED=true``.
    """
    explicit = _setting("ERASURE_AWS_ENABLED", "")
    if explicit not in ("", None):
        return _bool("ERASURE_AWS_ENABLED", False)
    return bool(settings.AWS_ACCESS_KEY_ID or settings.S3_ENDPOINT_URL)


def stripe_max_network_retries() -> int:
    return _int("ERASURE_STRIPE_MAX_NETWORK_RETRIES", 2)


def webhook_attempts() -> int:
    return max(1, _int("ERASURE_WEBHOOK_ATTEMPTS", 4))


def webhook_backoff_seconds() -> float:
    """First pause between webhook attempts; doubled after each failure."""
    return _float("ERASURE_WEBHOOK_BACKOFF_SECONDS", 1.0)


def webhook_timeout_seconds() -> float:
    return _float("ERASURE_WEBHOOK_TIMEOUT_SECONDS", 10.0)


def db_batch_size() -> int:
    """Rows per transaction when the engine deletes or anonymises our own tables."""
    return max(1, _int("ERASURE_DB_BATCH_SIZE", 5000))


def confirmation_max_attempts() -> int:
    """Runs that try the final confirmation email before erasure goes on without it."""
    return max(1, _int("ERASURE_CONFIRMATION_MAX_ATTEMPTS", 5))


def portal_url() -> str:
    return str(_setting("PRIVACY_PORTAL_URL", "https://privacy.micropim.net/privacy/"))


def privacy_contact_email() -> str:
    return str(_setting("PRIVACY_CONTACT_EMAIL", "privacy@micropim.net"))
