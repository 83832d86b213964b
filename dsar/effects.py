"""What a request changes on the account, at once: the flags the main app reads.

``GET /api/v1/accounts/{id}/`` reports ``marketing_objection`` and ``processing_restricted``;
the main app reads them before processing (CONTRACT.md). These are the only writes of
those two flags made by this app.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.apps import apps

from accounts.models import Customer
from accounts.selectors import is_on_legal_hold
from consent.models import email_hash
from consent.services import marketing_unsubscribe
from consent.tokens import Recipient
from micropim_privacy.policy import CATEGORIES, AtEnd, Basis

log = logging.getLogger(__name__)


def marketing_suppress(*, customer: Customer | None, email: str, source: str, now: datetime) -> bool:
    """§7.6, §7.8, §8.1: all marketing stops now — the account's objection flag and the
    consent app's suppression list (by email, so a subscriber without an account is covered)."""
    changed = False
    if customer is not None:
        changed = bool(Customer.objects.filter(pk=customer.pk, marketing_objection=False)
                       .update(marketing_objection=True))
        customer.marketing_objection = True
    for address in {email.strip().lower(), (customer.email.strip().lower() if customer else "")} - {""}:
        recipient = Recipient(email_hash=email_hash(address), customer_id=customer.pk if customer else None)
        changed = marketing_unsubscribe(recipient=recipient, source=source[:40], now=now) or changed
    log.info("marketing suppressed for customer %s (request source %s)",
             customer.pk if customer else "-", source)
    return changed


def processing_restrict(*, customer: Customer) -> bool:
    """§7.4: stored but not actively processed, until lifted (after telling the subject)."""
    changed = bool(Customer.objects.filter(pk=customer.pk, processing_restricted=False)
                   .update(processing_restricted=True))
    customer.processing_restricted = True
    return changed


def processing_unrestrict(*, customer: Customer) -> bool:
    changed = bool(Customer.objects.filter(pk=customer.pk, processing_restricted=True)
                   .update(processing_restricted=False))
    customer.processing_restricted = False
    return changed


def analytics_unlink(*, customer: Customer) -> dict[str, int]:
    """§7.6 objection upheld: the subject's data processed on legitimate interest for
    analytics (registry: basis (f), anonymised at the end) is anonymised now, so it no longer
    relates to them. A §5.5 hold keeps it. Returns counts by category."""
    from accounts.erasure import held_categories

    held = set(held_categories(customer)) | ({"*"} if is_on_legal_hold(customer) else set())
    counts: dict[str, int] = {}
    for category in CATEGORIES:
        if category.basis != (Basis.LEGITIMATE_INTEREST,) or category.at_end != AtEnd.ANONYMISE:
            continue
        if held & {category.key, "*"}:
            counts[f"{category.key}_held"] = 1
            continue
        for label in category.held_in:
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError):
                continue
            rows = model.subject_rows(customer) if hasattr(model, "subject_rows") else None
            if rows is not None and hasattr(rows, "anonymise"):
                counts[category.key] = counts.get(category.key, 0) + int(rows.anonymise())
    return counts
