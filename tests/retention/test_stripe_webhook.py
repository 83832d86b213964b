"""Billing records and invoices mirrored from Stripe (§2.2, §4.3): the webhook's signature is
verified by the real `stripe` library, with headers made by Stripe's own signing scheme."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import stripe
from django.test import Client

from accounts.models import Customer
from retention.models import BillingRecord, Invoice

URL = "/api/v1/stripe/webhook/"
SECRET = "whsec_test_micropim_retention"
T0 = 1767225600  # 2026-01-01T00:00:00Z


@pytest.fixture(autouse=True)
def secret(settings) -> None:  # type: ignore[no-untyped-def]
    settings.STRIPE_WEBHOOK_SECRET = SECRET


def _charge(**over: Any) -> dict[str, Any]:
    return {"id": "ch_3Pabc", "object": "charge", "customer": "cus_Stripe1", "amount": 4900,
            "currency": "eur", "status": "succeeded", "refunded": False, "created": T0,
            "billing_details": {"name": "Ana Popescu", "address": {"city": "București",
                                                                    "country": "RO"}},
            "payment_method_details": {"card": {"last4": "4242", "exp_month": 8, "exp_year": 2029}},
            **over}


def _invoice(**over: Any) -> dict[str, Any]:
    return {"id": "in_1Pxyz", "object": "invoice", "customer": "cus_Stripe1", "number": "MP-0001",
            "amount_due": 4900, "amount_paid": 4900, "currency": "eur", "status": "paid",
            "created": T0, "status_transitions": {"finalized_at": T0 + 60},
            "customer_name": "Ștefănescu Trading SRL",
            "customer_tax_ids": [{"type": "eu_vat", "value": "RO12345678"}], **over}


def _event(kind: str, obj: dict[str, Any], *, created: int = T0 + 100, eid: str = "evt_1") -> str:
    return json.dumps({"id": eid, "object": "event", "type": kind, "created": created,
                       "data": {"object": obj}})


def _post(payload: str, *, secret: str = SECRET, timestamp: int | None = None,
          header: str | None = None) -> Any:
    if header is None:
        header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
    return Client().post(URL, data=payload, content_type="application/json",
                         HTTP_STRIPE_SIGNATURE=header)


def test_a_signed_charge_becomes_a_billing_record_linked_to_its_customer(db: None) -> None:
    customer = Customer.objects.create(external_id="cus-a", email="a@example.com",
                                       stripe_customer_id="cus_Stripe1")
    response = _post(_event("charge.succeeded", _charge()))
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True, "mirrored": "billing_record"}
    record = BillingRecord.objects.get()
    assert (record.customer, record.stripe_customer_id, record.card_last4, record.amount) == (
        customer, "cus_Stripe1", "4242", 4900)
    assert record.transaction_at.timestamp() == T0
    assert record.billing_address["city"] == "București"


def test_a_signed_invoice_is_mirrored_with_its_vat_id(db: None) -> None:
    assert _post(_event("invoice.paid", _invoice())).status_code == 200
    invoice = Invoice.objects.get()
    assert (invoice.number, invoice.customer_tax_id, invoice.customer) == ("MP-0001", "RO12345678", None)
    assert invoice.issued_at.timestamp() == T0 + 60  # the 7 years count from finalisation


@pytest.mark.parametrize("tamper", ["secret", "payload", "stale", "no-header", "garbage"])
def test_a_call_not_signed_by_stripe_is_forbidden_and_nothing_stored(db: None, tamper: str) -> None:
    payload = _event("charge.succeeded", _charge())
    kwargs: dict[str, Any] = {}
    if tamper == "secret":
        kwargs["secret"] = "whsec_someone_else"
    elif tamper == "stale":
        kwargs["timestamp"] = int(time.time()) - 3600  # a replay an hour later
    elif tamper == "no-header":
        kwargs["header"] = ""
    elif tamper == "garbage":
        kwargs["header"] = "t=abc,v1=zzz"
    if tamper == "payload":
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        response = _post(payload.replace("4900", "1"), header=header)
    else:
        response = _post(payload, **kwargs)
    assert response.status_code == 403
    assert response.json() == {"detail": "Invalid or expired Stripe signature."}
    assert not BillingRecord.objects.exists()


def test_without_a_configured_secret_every_call_is_refused(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert _post(_event("charge.succeeded", _charge()), secret="").status_code == 403
    assert not BillingRecord.objects.exists()


def test_redelivery_is_idempotent_and_an_older_event_never_overwrites_a_newer(db: None) -> None:
    refunded = _event("charge.refunded", _charge(refunded=True, status="succeeded"),
                      created=T0 + 500, eid="evt_2")
    assert _post(refunded).status_code == 200
    assert _post(refunded).status_code == 200
    late = _event("charge.succeeded", _charge(), created=T0 + 100, eid="evt_1")
    assert _post(late).status_code == 200
    assert BillingRecord.objects.count() == 1
    assert BillingRecord.objects.get().status == "refunded"


def test_other_event_types_are_acknowledged_and_ignored(db: None) -> None:
    response = _post(_event("customer.subscription.updated", {"id": "sub_1"}))
    assert response.status_code == 200 and response.json()["mirrored"] == "ignored"


@pytest.mark.parametrize("body", ["[]", "not json", json.dumps({"type": "charge.succeeded"}),
                                  json.dumps({"type": "charge.succeeded", "created": T0,
                                              "data": {"object": {"id": "ch_1"}}})])
def test_a_signed_but_unreadable_event_gets_a_400(db: None, body: str) -> None:
    assert _post(body).status_code == 400
    assert not BillingRecord.objects.exists()
