"""Every write of the retention app: event intake, the Stripe mirror. (Purges: ``purge.py``.)"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction

from accounts.models import Customer

from .models import BillingRecord, ErrorReport, Invoice, LoginEvent, ServerLogLine, UsageEvent
from .serializers import ValidEvent

log = logging.getLogger(__name__)

EVENT_MODELS: dict[str, type[models.Model]] = {
    "usage": UsageEvent, "login": LoginEvent, "error": ErrorReport, "server_log": ServerLogLine,
}


@transaction.atomic
def events_ingest(*, events: list[ValidEvent]) -> dict[str, int]:
    """Store a validated batch, all or nothing. IPs are already truncated (and the model
    field truncates again, so no path stores a whole address)."""
    stored = dict.fromkeys(EVENT_MODELS, 0)
    for kind, model in EVENT_MODELS.items():
        rows = [model(**e.fields) for e in events if e.type == kind]
        if rows:
            model.objects.bulk_create(rows, batch_size=500)
            stored[kind] = len(rows)
    return stored


# -- Stripe mirror (§2.2, §4.3) ---------------------------------------------------------------

CHARGE_EVENTS = {"charge.succeeded", "charge.updated", "charge.refunded", "charge.captured",
                 "charge.failed"}
INVOICE_EVENTS = {"invoice.created", "invoice.finalized", "invoice.updated", "invoice.paid",
                  "invoice.payment_succeeded", "invoice.payment_failed", "invoice.voided",
                  "invoice.marked_uncollectible"}


def _ts(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value), tz=UTC) if value else None


def _get(obj: Mapping[str, Any] | None, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, Mapping):
            return None
        obj = obj.get(key)  # type: ignore[assignment]
    return obj


def _charge_fields(charge: Mapping[str, Any]) -> dict[str, Any]:
    card = _get(charge, "payment_method_details", "card") or {}
    return {
        "transaction_at": _ts(charge.get("created")),
        "amount": int(charge.get("amount") or 0),
        "currency": str(charge.get("currency") or "")[:3],
        "status": "refunded" if charge.get("refunded") else str(charge.get("status") or "")[:30],
        "billing_name": str(_get(charge, "billing_details", "name") or "")[:200],
        "billing_address": dict(_get(charge, "billing_details", "address") or {}),
        "card_last4": str(card.get("last4") or "")[:4],
        "card_exp_month": card.get("exp_month"),
        "card_exp_year": card.get("exp_year"),
    }


def _invoice_fields(invoice: Mapping[str, Any]) -> dict[str, Any]:
    tax_ids = invoice.get("customer_tax_ids") or []
    finalized = _get(invoice, "status_transitions", "finalized_at")
    return {
        "issued_at": _ts(finalized or invoice.get("created")),
        "number": str(invoice.get("number") or "")[:64],
        "amount_due": int(invoice.get("amount_due") or 0),
        "amount_paid": int(invoice.get("amount_paid") or 0),
        "currency": str(invoice.get("currency") or "")[:3],
        "status": str(invoice.get("status") or "")[:30],
        "customer_name": str(invoice.get("customer_name") or "")[:200],
        "customer_address": dict(invoice.get("customer_address") or {}),
        "customer_tax_id": ", ".join(str(t.get("value", "")) for t in tax_ids if t)[:64],
    }


@transaction.atomic
def stripe_event_apply(*, event: Mapping[str, Any]) -> str:
    """Mirror one verified Stripe event into a billing record or an invoice. Idempotent, and an
    older event never overwrites a newer one (Stripe does not promise delivery order).
    Returns what was done: "billing_record", "invoice" or "ignored"."""
    kind = str(event.get("type") or "")
    obj = _get(event, "data", "object") or {}
    if kind in CHARGE_EVENTS:
        model: type[BillingRecord | Invoice] = BillingRecord
        fields = _charge_fields(obj)
    elif kind in INVOICE_EVENTS:
        model = Invoice
        fields = _invoice_fields(obj)
    else:
        return "ignored"
    stripe_id = str(obj.get("id") or "")[:64]
    created = _ts(event.get("created"))
    period_start = fields["transaction_at" if model is BillingRecord else "issued_at"]
    if not stripe_id or created is None or period_start is None:
        raise ValueError("Stripe event without an object id or timestamps")
    stripe_customer = str(obj.get("customer") or "")[:64]
    fields.update(
        stripe_customer_id=stripe_customer,
        customer=Customer.objects.filter(stripe_customer_id=stripe_customer).first()
        if stripe_customer else None,
        stripe_event_created=created,
    )
    row, created_now = model.objects.get_or_create(stripe_id=stripe_id, defaults=fields)
    if not created_now:
        row = model.objects.select_for_update().get(pk=row.pk)
        if row.stripe_event_created <= created:
            for name, value in fields.items():
                setattr(row, name, value)
            row.save()
    log.info("stripe event %s mirrored into %s %s", event.get("id"), model._meta.label, row.pk)
    return "billing_record" if model is BillingRecord else "invoice"
