"""Final erasure across every system (§5.3, §7.3), against local stand-ins of each: S3 and
Cognito on moto (boto3), Stripe through the real library, the main app's webhook receiver.
Billing records, consent proofs and the access log stay; analytics are anonymised; the
deletion certificate proves it without naming the person."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.erasure import erase_customer, plan
from accounts.identifiers import keyed_hash
from accounts.models import Customer, Erasure, Notification
from retention.models import BillingRecord, LoginEvent, SupportTicket, UsageEvent

from .conftest import Outside, refreshed

DAY0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY31 = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
PERSONAL = re.compile(r"\bana\b|popescu|example\.com|cus-a\b|ștefănescu|stefanescu", re.IGNORECASE)


@pytest.fixture
def ana(customer_a: Customer, outside: Outside) -> dict[str, Any]:
    """Ana's data in every system, and John's (customer_b) beside it, which must survive."""
    customer_b = Customer.objects.create(external_id="cus-ab", email="bob@example.org")
    for key in ("customers/cus-a/catalogue.csv", "customers/cus-a/catalogue.csv",
                "customers/cus-a/images/p1.jpg", "photos/cus-a.jpg",
                "customers/cus-ab/keep.csv", "photos/cus-ab.jpg"):
        outside.put(key)
    outside.s3.delete_object(Bucket="mp-customer-data-test", Key="customers/cus-a/images/p1.jpg")
    customer_a.cognito_sub = outside.add_cognito_user("ana.popescu@example.com")
    outside.add_cognito_user("bob@example.org")
    customer_a.stripe_customer_id = outside.stripe.add_customer(email="ana.popescu@example.com")
    other_stripe = outside.stripe.add_customer(email="bob@example.org")
    customer_a.profile_photo_key = "photos/cus-a.jpg"
    customer_a.user = User.objects.create_user("ana-portal", "ana.popescu@example.com", "x-portal-pass-1")
    customer_a.save()
    for owner in (customer_a, customer_a, customer_a, customer_b):
        UsageEvent.objects.create(customer=owner, occurred_at=DAY0, kind="feature", name="export.csv",
                                  browser="Firefox", device_id="dev-ana", session_id="s1", ip="203.0.113.77")
    LoginEvent.objects.create(customer=customer_a, occurred_at=DAY0, outcome="success", ip="203.0.113.77")
    SupportTicket.objects.create(customer=customer_a, reference="T-1", subject="Import fails", opened_at=DAY0)
    BillingRecord.objects.create(customer=customer_a, stripe_id="ch_1", stripe_customer_id="cus_x",
                                 transaction_at=DAY0, amount=4900, stripe_event_created=DAY0,
                                 billing_name="Ana Popescu", card_last4="4242")
    return {"customer": customer_a, "other": customer_b, "other_stripe": other_stripe}


def _erase_through_the_lifecycle(api: APIClient, run_jobs_as_of: Any) -> Erasure:
    with time_machine.travel(DAY0, tick=False):
        assert api.post("/api/v1/accounts/cus-a/deletion/", format="json").status_code == 201
    run_jobs_as_of(DAY31)
    return Erasure.objects.get()


def test_every_system_is_erased_and_only_this_account(api: APIClient, ana: dict[str, Any], outside: Outside,
                                                      run_jobs_as_of: Any) -> None:
    erasure = _erase_through_the_lifecycle(api, run_jobs_as_of)
    assert erasure.status == "completed"
    assert [s.system for s in erasure.steps.all()] == plan() == [
        "main-app", "s3", "cognito", "stripe", "backups", "confirmation-email", "privacy-db"]
    assert all(s.status == "done" and s.attempts == 1 for s in erasure.steps.all())
    # S3: every version and delete marker under the prefix, and the photo; nobody else's.
    assert outside.keys("customers/cus-a/") == [] and outside.keys("photos/cus-a.jpg") == []
    assert sorted(outside.keys()) == ["customers/cus-ab/keep.csv", "photos/cus-ab.jpg"]
    # Cognito and Stripe.
    assert outside.cognito_users() != [] and len(outside.cognito_users()) == 1
    assert [c["deleted"] for c in outside.stripe.customers.values()] == [True, False]
    assert [m for m, _ in outside.stripe.calls].count("DELETE") == 1
    # The main app was told once, signed, with an idempotency key.
    [hook] = outside.receiver.requests
    assert outside.webhook_signature_ok(hook)
    assert json.loads(hook["body"])["external_id"] == "cus-a"
    assert {k.lower(): v for k, v in hook["headers"].items()}["idempotency-key"] == str(erasure.uuid)


def test_own_tables_follow_the_registry(api: APIClient, ana: dict[str, Any], run_jobs_as_of: Any) -> None:
    customer = ana["customer"]
    _erase_through_the_lifecycle(api, run_jobs_as_of)
    tomb = refreshed(customer)
    assert tomb.status == "deleted" and tomb.deleted_at is not None
    assert (tomb.email, tomb.full_name, tomb.company_name, tomb.cognito_sub, tomb.stripe_customer_id,
            tomb.profile_photo_key, tomb.user_id) == ("", "", "", "", "", "", None)
    assert tomb.external_id.startswith("erased-")
    assert not User.objects.filter(username="ana-portal").exists()
    # Analytics anonymised, not deleted (aggregates stay); logins and tickets deleted.
    assert UsageEvent.objects.filter(customer=customer).count() == 0
    assert UsageEvent.objects.filter(customer__isnull=True, anonymised=True, ip__isnull=True,
                                     device_id="").count() == 3
    assert UsageEvent.objects.filter(customer=ana["other"], device_id="dev-ana").count() == 1
    assert not LoginEvent.objects.exists() and not SupportTicket.objects.exists()
    # Billing records stay 7 years (§5.2), still linked to the tombstone.
    assert BillingRecord.objects.filter(customer=customer).count() == 1
    # Notifications: proof kept (kind, subject, date), address and text gone.
    notes = Notification.objects.filter(customer=customer)
    assert [n.kind for n in notes] == ["deletion_started", "deletion_completed"]
    assert all(n.to_email == "" and n.body == "" and n.sent_at and n.subject for n in notes)
    assert not any(p in n.subject.lower() for n in notes for p in ("ana", "popescu"))


def test_the_confirmation_went_out_before_the_address_was_erased(
        api: APIClient, ana: dict[str, Any], run_jobs_as_of: Any) -> None:
    from django.core import mail

    erasure = _erase_through_the_lifecycle(api, run_jobs_as_of)
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["ana.popescu@example.com"]
    assert confirmation.subject == "Contul dumneavoastră MicroPIM a fost șters"
    email_step = erasure.steps.get(system="confirmation-email")
    db_step = erasure.steps.get(system="privacy-db")
    assert email_step.finished_at <= db_step.started_at


def test_the_certificate_lists_every_system_and_names_nobody(
        api: APIClient, ana: dict[str, Any], run_jobs_as_of: Any) -> None:
    erasure = _erase_through_the_lifecycle(api, run_jobs_as_of)
    cert = erasure.certificate
    assert cert["subject"]["keyed_hash"] == keyed_hash("external_id", "cus-a")
    by_system = {s["system"]: s for s in cert["systems"]}
    removed = {(s, r["what"]): r["count"] for s in by_system for r in by_system[s]["removed"]}
    assert removed[("s3", "object versions")] == 3  # two of the catalogue, one of the image
    assert removed[("s3", "delete markers")] == 1
    assert removed[("s3", "profile photo (all versions)")] == 1
    assert removed[("cognito", "Cognito user (profile attributes, password hash)")] == 1
    assert removed[("stripe", "Stripe customer (cards, payment methods, future charges)")] == 1
    assert removed[("privacy-db", "Support tickets and messages [retention.SupportTicket]")] == 1
    assert removed[("privacy-db", "Portal login [auth.User]")] == 1
    anonymised = {a["what"]: a for a in by_system["privacy-db"]["anonymised"]}
    assert anonymised["Usage and analytics data [retention.UsageEvent]"]["count"] == 3
    assert "§5.3" in anonymised["Usage and analytics data [retention.UsageEvent]"]["reason"]
    kept = {k["what"]: k for k in cert["kept"]}
    assert kept["Payment and billing records [retention.BillingRecord]"]["count"] == 1
    assert "§5.2" in kept["Payment and billing records [retention.BillingRecord]"]["reason"]
    assert "Copies in backups taken before this erasure" in kept
    assert all(s["started_at"] and s["finished_at"] for s in cert["systems"])
    text = json.dumps(cert, ensure_ascii=False).lower()
    assert not PERSONAL.findall(text)
    assert ana["customer"].cognito_sub.lower() not in text
    # The PDF says the same, and no more.
    pdf = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(erasure.certificate_pdf)).pages)
    assert "Deletion certificate" in pdf and erasure.certificate_sha256 in pdf.replace("\n", "")
    assert "Usage and analytics data" in pdf and "§5.2" in pdf
    assert not PERSONAL.findall(pdf)


def test_erasing_again_does_nothing(api: APIClient, ana: dict[str, Any], outside: Outside,
                                    run_jobs_as_of: Any) -> None:
    erasure = _erase_through_the_lifecycle(api, run_jobs_as_of)
    calls = len(outside.stripe.calls)
    again = erase_customer(customer=refreshed(ana["customer"]), reason="erasure_request", now=DAY31)
    run_jobs_as_of(datetime(2026, 4, 12, tzinfo=UTC))
    assert again.pk == erasure.pk and Erasure.objects.count() == 1
    assert len(outside.stripe.calls) == calls and len(outside.receiver.requests) == 1
    assert again.certificate_sha256 == erasure.certificate_sha256
