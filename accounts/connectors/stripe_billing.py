"""Stripe: delete the customer, so no card, payment method or future charge remains (§4.3).

Our own billing records and invoices stay 7 years (§5.2; privacy-db keeps them). Through the
real ``stripe`` library: ``StripeClient`` against ``STRIPE_API_BASE`` when set (a local fake
in tests), with ``ERASURE_STRIPE_MAX_NETWORK_RETRIES`` retries of network errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.conf import settings

from accounts import conf
from accounts.models import Customer

from .base import ErasureContext, Kept, Record, StepResult, held_reason

if TYPE_CHECKING:
    import stripe

name = "stripe"
title = "Stripe (payment processor: customer, cards, payment methods)"
categories = ("billing_records",)

EXPORTED_FIELDS = ("id", "email", "name", "phone", "address", "description", "created",
                   "currency", "preferred_locales", "tax_exempt")


def unavailable() -> str | None:
    if not settings.STRIPE_API_KEY:
        return "STRIPE_API_KEY is not set"
    return None


def client() -> stripe.StripeClient:
    import stripe  # imported when used: it costs every process start most of a second

    kwargs: dict[str, Any] = {"max_network_retries": conf.stripe_max_network_retries()}
    if settings.STRIPE_API_BASE:
        kwargs["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(settings.STRIPE_API_KEY, **kwargs)


def _missing(exc: Exception) -> bool:
    return getattr(exc, "code", None) == "resource_missing"


def export(customer: Customer) -> Iterator[Record]:
    import stripe

    if not customer.stripe_customer_id:
        return
    try:
        found = client().v1.customers.retrieve(customer.stripe_customer_id)
    except stripe.InvalidRequestError as exc:
        if _missing(exc):
            return
        raise
    data = found.to_dict() if hasattr(found, "to_dict") else dict(found)
    yield "billing_records", {"system": "Stripe", **{k: data.get(k) for k in EXPORTED_FIELDS if k in data}}


def erase(customer: Customer, *, erasure: ErasureContext) -> StepResult:
    kept = [Kept("Past payment records at Stripe",
                 "§5.2, §4.3: payment records of past transactions are kept 7 years (tax law); "
                 "Stripe holds them as our processor", category="billing_records")]
    if not customer.stripe_customer_id:
        return StepResult(kept=kept, note="No Stripe customer on file")
    reason = held_reason(erasure, *categories)
    if reason:
        return StepResult(kept=[Kept("Stripe customer", reason, 1, "billing_records")])
    import stripe

    try:
        client().v1.customers.delete(customer.stripe_customer_id)
    except stripe.InvalidRequestError as exc:
        if not _missing(exc):
            raise StripeEraseFailed(f"Stripe refused the deletion: {exc.code or 'invalid request'}") from None
        return StepResult(kept=kept, note="Stripe customer already deleted (by an earlier attempt or before)")
    except stripe.StripeError as exc:
        raise StripeEraseFailed(f"Stripe error: {type(exc).__name__}") from None
    erasure.count_removed("Stripe customer (cards, payment methods, future charges)", 1)
    return StepResult(kept=kept)


class StripeEraseFailed(Exception):
    pass
