"""§5.3 "Self-service export tools available" during the grace period: every system's export
as one JSON document, streamed; nothing left to export once erased."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from rest_framework.test import APIClient

from accounts.connectors import export_customer
from accounts.erasure import erase_customer
from accounts.lifecycle import deletion_start
from accounts.models import AccessLogEntry, Customer
from retention.models import SupportTicket, UsageEvent

from .conftest import Outside

DAY0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _export(api: APIClient, external_id: str) -> dict:
    response = api.get(f"/api/v1/accounts/{external_id}/export/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


def test_the_export_holds_every_systems_records(api: APIClient, customer_a: Customer, outside: Outside) -> None:
    outside.put("customers/cus-a/catalogue.csv", b"sku;name\n1;Ceai")
    customer_a.cognito_sub = outside.add_cognito_user(customer_a.email)
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email, name="Ana Popescu")
    customer_a.save()
    UsageEvent.objects.create(customer=customer_a, occurred_at=DAY0, kind="feature", name="export.csv")
    SupportTicket.objects.create(customer=customer_a, reference="T-1", subject="Import fails", opened_at=DAY0)
    deletion_start(customer=customer_a, now=DAY0)

    document = _export(api, "cus-a")
    assert document["format"] == "micropim-account-export/1" and document["account"] == "cus-a"
    found = {(r["system"], r["category"]) for r in document["records"]}
    assert found >= {("privacy-db", "account_profile"), ("privacy-db", "usage_analytics"),
                     ("privacy-db", "support_tickets"), ("privacy-db", "email_correspondence"),
                     ("s3", "customer_product_data"), ("cognito", "account_profile"),
                     ("stripe", "billing_records")}
    profile = next(r["data"] for r in document["records"] if r["category"] == "account_profile"
                   and r["system"] == "privacy-db")
    assert profile["company_name"] == "Ștefănescu Trading SRL" and profile["status"] == "pending_deletion"
    files = [r["data"]["key"] for r in document["records"] if r["system"] == "s3"]
    assert files == ["customers/cus-a/catalogue.csv"]
    assert document["systems_not_included"] == []
    assert AccessLogEntry.objects.filter(action="export", subject_ref="cus-a").count() == 1


def test_a_system_that_fails_is_named_and_the_rest_still_exports(api: APIClient, customer_a: Customer,
                                                                 outside: Outside) -> None:
    outside.s3.delete_bucket(Bucket="mp-customer-data-test")
    document = _export(api, "cus-a")
    assert {"system": "s3", "reason": "temporarily unavailable (NoSuchBucket)"} in document["systems_not_included"]
    assert any(r["category"] == "account_profile" for r in document["records"])


def test_systems_not_configured_are_listed(customer_a: Customer) -> None:
    items = list(export_customer(customer_a))
    assert {i.system for i in items} == {"privacy-db"}


def test_nothing_to_export_after_erasure(api: APIClient, customer_a: Customer) -> None:
    erase_customer(customer=customer_a, reason="immediate", now=DAY0)
    response = api.get("/api/v1/accounts/cus-a/export/")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("This account has been erased")
