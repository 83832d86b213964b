"""Every system that holds a customer's data, behind the same two verbs (STYLE.md "Systems outside").

Public API (the erasure engine and the access package loop over this list):

    from accounts.connectors import SYSTEMS, system, export_customer

    SYSTEMS                      # tuple of connector modules, in erasure order
    system("s3")                 # one connector by name
    export_customer(customer)    # -> Iterator[ExportItem(system, category, data)], streamed

Each connector is a small module with:

    name: str                    # stable key, stored on ErasureStep.system
    title: str                   # shown on the deletion certificate
    categories: tuple[str, ...]  # registry (micropim_privacy.policy) keys it holds
    unavailable() -> str | None  # why it cannot run here (not configured), else None
    export(customer) -> Iterator[(category_key, dict)]
        JSON-able records, streamed (never the whole set in memory). For the Art. 15 access
        package and the grace-period export (§5.3 "Self-service export tools available").
    erase(customer, *, erasure: ErasureContext) -> StepResult
        Removes the subject's data from that system. Must be safe to run again after a crash
        at any point (it finds what is left and removes it), records counts through
        ``erasure.count_removed/count_anonymised`` inside the transaction that changes the
        data, and returns what it kept and why (``Kept(what, reason, count)``, reason with
        the policy §). ``erasure.held`` lists categories under a §5.5 legal hold: keep those.
        Raise on failure: the engine records the error and the next run retries this step.

The systems, in erasure order:

    main-app    app.micropim.net: signed HMAC-SHA256 webhook, with retries (skipped, with the
                reason recorded, when MAIN_APP_WEBHOOK_URL is not set)
    s3          every object and every version under the account's prefix in
                S3_CUSTOMER_DATA_BUCKET, and the profile photo (paginated, ≤1000 per delete)
    cognito     the Cognito user (admin_delete_user; "not found" = already gone)
    stripe      the Stripe customer: no card or future charge remains (resource_missing = gone)
    backups     nothing to delete: backup copies expire within 31 days (§5.2); recorded as kept
    privacy-db  this service's own tables, driven by the registry: every category
                ``held_by_this_service``, its ``held_in`` model labels that are installed, and
                its ``on_erasure`` (DELETE / ANONYMISE / KEEP with ``erasure_reason``); then the
                notifications (address and body blanked), the portal login and the profile.
                Always last: the engine sends the final confirmation email just before it.

A model joins the privacy-db erasure by being named in a category's ``held_in`` and having
either a classmethod ``subject_rows(customer) -> QuerySet`` or a ``customer`` foreign key.
ANONYMISE calls the queryset's ``anonymise()`` when it has one (else sets ``customer`` to
NULL); rows must no longer match ``subject_rows`` afterwards. ``export`` uses an instance's
``export_dict()`` when the model defines one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from accounts.models import Customer

from . import backups, cognito, main_app, privacy_db, s3, stripe_billing
from .base import ErasureContext, Kept, Record, StepResult, System

SYSTEMS: tuple[Any, ...] = (main_app, s3, cognito, stripe_billing, backups, privacy_db)

__all__ = ["SYSTEMS", "ErasureContext", "ExportItem", "Kept", "Record", "StepResult", "System",
           "export_customer", "system"]


def system(name: str) -> Any:
    for candidate in SYSTEMS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


@dataclass(frozen=True)
class ExportItem:
    system: str
    category: str
    data: dict[str, Any]


def export_customer(customer: Customer, *, systems: tuple[Any, ...] | None = None) -> Iterator[ExportItem]:
    """Everything the systems hold about the customer, one record at a time.

    Systems that are not configured here are left out (``unavailable()``); the caller can
    list them with ``[s.name for s in SYSTEMS if s.unavailable()]``.
    """
    for connector in systems or SYSTEMS:
        if connector.unavailable():
            continue
        for category, data in connector.export(customer):
            yield ExportItem(system=connector.name, category=category, data=data)
