"""Reads shared by the API, the admin, the services and the portal."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from accounts.models import Customer

from .models import ConsentRecord, Subscription, Suppression, email_hash, normalise_email


def current_cookie_decision(visitor_id: str) -> ConsentRecord | None:
    """The visitor's latest banner decision (uses the subject/time index)."""
    return (
        ConsentRecord.objects.filter(subject_key=visitor_id, kind=ConsentRecord.Kind.COOKIES)
        .order_by("-recorded_at", "-id")
        .first()
    )


class Basis(enum.StrEnum):
    CONSENT = "consent"  # §3.5: non-customers, only with explicit (double opt-in) consent
    LEGITIMATE_INTEREST = "legitimate_interest"  # §2.5: existing customers, opt-out in every email


class Reason(enum.StrEnum):
    CONFIRMED_SUBSCRIPTION = "confirmed_subscription"
    EXISTING_CUSTOMER = "existing_customer"
    SUPPRESSED = "suppressed"
    OBJECTED = "objected"
    RESTRICTED = "processing_restricted"
    NO_CONSENT = "no_consent"


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    basis: Basis | None
    reason: Reason
    email_hash: str
    customer: Customer | None
    subscription: Subscription | None


def marketing_eligibility(*, email: str) -> Eligibility:
    """May this address receive marketing now, and on which basis (§2.5, §3.5, §7.6, §7.8)?

    Evaluated at send time, so an unsubscribe or objection is effective immediately.
    """
    key = email_hash(email)
    subscription = Subscription.objects.filter(email_hash=key).first()
    customer = (
        Customer.objects.filter(email__iexact=normalise_email(email))
        .exclude(status=Customer.Status.DELETED)
        .order_by("status", "-created_at")
        .first()
    )

    def answer(allowed: bool, basis: Basis | None, reason: Reason) -> Eligibility:
        return Eligibility(allowed, basis, reason, key, customer, subscription)

    if Suppression.objects.filter(email_hash=key).exists():
        return answer(False, None, Reason.SUPPRESSED)
    if customer is not None and customer.processing_restricted:
        return answer(False, None, Reason.RESTRICTED)  # §7.4: storage only while restricted
    if subscription is not None and subscription.is_active:
        return answer(True, Basis.CONSENT, Reason.CONFIRMED_SUBSCRIPTION)
    if customer is not None and customer.marketing_objection:
        return answer(False, None, Reason.OBJECTED)
    # Only a customer relationship that is still on: a closing account is no longer one.
    if customer is not None and customer.status == Customer.Status.ACTIVE:
        return answer(True, Basis.LEGITIMATE_INTEREST, Reason.EXISTING_CUSTOMER)
    return answer(False, None, Reason.NO_CONSENT)
