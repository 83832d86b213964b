"""Writing the access log (§6.1). Every staff view of personal data and every API read goes here."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest

from .models import AccessLogEntry, ApiClient

GENESIS = "0" * 64
_CHAIN_LOCK = 0x4D504C4F47  # "MPLOG": serialises appends so the chain stays linear


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_access(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str = "",
    subject_ref: str = "",
    request: HttpRequest | None = None,
) -> AccessLogEntry:
    """Append one entry. ``actor`` is a staff user or an ``ApiClient``."""
    user = None if isinstance(actor, ApiClient) else actor
    client = actor if isinstance(actor, ApiClient) else None
    label = client.name if client else (getattr(user, "get_username", lambda: "system")() if user else "system")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
        last = AccessLogEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        entry = AccessLogEntry(
            actor_user=user if user is not None and getattr(user, "pk", None) else None,
            actor_client=client,
            actor_label=label[:150],
            action=action,
            object_type=object_type[:100],
            object_id=str(object_id)[:64],
            subject_ref=str(subject_ref)[:64],
            path=(request.path if request is not None else "")[:300],
            ip=client_ip(request),
            prev_hash=last or GENESIS,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
    return entry


def first_broken_link() -> AccessLogEntry | None:
    """The first entry whose hash or link does not match, or None if the chain is whole."""
    expected_prev = GENESIS
    for entry in AccessLogEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != expected_prev or entry.compute_hash() != entry.entry_hash:
            return entry
        expected_prev = entry.entry_hash
    return None
