"""Settings of the consent app. Read through functions so ``override_settings`` works in tests.

Every value has a production-safe default; the environment (12-factor) can override the
ones an operator is expected to change. None of these is a legal period: those live only
in ``micropim_privacy.policy``.
"""

from __future__ import annotations

from functools import cache

import environ
from django.conf import settings

_env = environ.Env()

# The sites whose browsers may call the public consent and newsletter endpoints (CORS).
DEFAULT_ALLOWED_ORIGINS = (
    "https://micropim.net",
    "https://www.micropim.net",
    "https://docs.micropim.net",
)


@cache
def _origins(value: tuple[str, ...]) -> frozenset[str]:
    return frozenset(o.rstrip("/") for o in value)


@cache
def _env_origins() -> tuple[str, ...]:
    return tuple(_env.list("CONSENT_ALLOWED_ORIGINS", default=list(DEFAULT_ALLOWED_ORIGINS)))


def allowed_origins() -> frozenset[str]:
    """Read on every consent request: the environment is parsed once, settings win (tests)."""
    value = getattr(settings, "CONSENT_ALLOWED_ORIGINS", None)
    return _origins(tuple(value) if value is not None else _env_origins())


def max_body_bytes() -> int:
    """A banner decision is ~200 bytes; anything much larger is not one (413, nothing stored)."""
    return int(getattr(settings, "CONSENT_MAX_BODY_BYTES", 2048))


def public_base_url() -> str:
    """Where people reach this service: confirmation and unsubscribe links in emails."""
    value = getattr(settings, "CONSENT_PUBLIC_BASE_URL", None) or _env.str(
        "CONSENT_PUBLIC_BASE_URL", default="https://privacy.micropim.net"
    )
    return value.rstrip("/")


def confirmation_max_age_seconds() -> int:
    """How long a newsletter confirmation link works (not a policy period: a link lifetime)."""
    return int(getattr(settings, "NEWSLETTER_CONFIRMATION_MAX_AGE_SECONDS", 3 * 24 * 3600))


@cache
def _env_client_ip_header() -> str:
    return _env.str("CONSENT_CLIENT_IP_HEADER", default="")


def client_ip_header() -> str | None:
    """META key of the header our own reverse proxy sets with the client address.

    None (default): REMOTE_ADDR. Behind Cloudflare: ``HTTP_CF_CONNECTING_IP``; behind one
    nginx: ``HTTP_X_FORWARDED_FOR`` (its last entry is used — the one our proxy appended).
    """
    return getattr(settings, "CONSENT_CLIENT_IP_HEADER", None) or _env_client_ip_header() or None


def bench_baseline_enabled() -> bool:
    """The bench-only baseline view (bench/consent/). Never on in production."""
    return bool(getattr(settings, "BENCH_BASELINE", None) or _env.bool("BENCH_BASELINE", default=False))
