"""Keyed hashes of a subject's identifiers: the only trace of an erased person we keep.

``keyed_hash("email", "Ana@Example.com")`` is HMAC-SHA256 with ``settings.ERASURE_LEDGER_KEY``
over ``"<kind>:<normalised value>"``. Without the key the hash cannot be reversed or
tested against a guessed address; with it, a restored copy of the subject can be recognised
(issue 11: the erasure ledger and replay after a restore use these same functions).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .models import Customer

KINDS = ("external_id", "email", "cognito_sub", "stripe_customer_id")


def _key() -> bytes:
    key = getattr(settings, "ERASURE_LEDGER_KEY", "")
    if not key:
        raise ImproperlyConfigured("ERASURE_LEDGER_KEY must be set to hash erased identifiers")
    return str(key).encode()


def normalise(kind: str, value: str) -> str:
    value = value.strip()
    return value.lower() if kind == "email" else value


def keyed_hash(kind: str, value: str) -> str:
    """64 hex characters; the same identifier always gives the same hash under one key."""
    message = f"{kind}:{normalise(kind, value)}".encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def identifier_hashes(customer: Customer) -> dict[str, str]:
    """Hashes of every identifier the customer has (empty ones left out)."""
    values = {
        "external_id": customer.external_id,
        "email": customer.email,
        "cognito_sub": customer.cognito_sub,
        "stripe_customer_id": customer.stripe_customer_id,
    }
    return {kind: keyed_hash(kind, value) for kind, value in values.items() if value}
