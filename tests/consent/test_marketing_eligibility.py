"""GET /api/v1/marketing/eligibility/: may this address receive marketing now, on which basis?"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import AccessLogEntry, Customer
from consent.services import marketing_object

from .conftest import subscribe_and_confirm

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
URL = "/api/v1/marketing/eligibility/"


def _ask(api: APIClient, email: str) -> dict:
    response = api.get(URL, {"email": email})
    assert response.status_code == 200, response.json()
    return response.json()


def test_non_customers_only_with_consent(api: APIClient) -> None:
    assert _ask(api, "stranger@example.com") == {
        "allowed": False, "basis": None, "reason": "no_consent", "customer": None}
    subscribe_and_confirm("stranger@example.com", now=NOW)
    assert _ask(api, "STRANGER@example.com")["basis"] == "consent"


def test_existing_customers_on_legitimate_interest_until_they_object(api: APIClient, customer_a: Customer) -> None:
    answer = _ask(api, customer_a.email)
    assert answer == {"allowed": True, "basis": "legitimate_interest", "reason": "existing_customer",
                      "customer": "cus-a"}
    assert AccessLogEntry.objects.filter(subject_ref="cus-a", object_type="marketing_eligibility").exists()
    marketing_object(customer=customer_a, source="account settings", now=NOW)
    assert _ask(api, customer_a.email)["allowed"] is False


def test_a_closing_account_is_no_longer_a_customer_relationship(api: APIClient, customer_a: Customer) -> None:
    Customer.objects.filter(pk=customer_a.pk).update(status=Customer.Status.PENDING_DELETION)
    assert _ask(api, customer_a.email)["reason"] == "no_consent"


def test_restricted_processing_blocks_marketing(api: APIClient, customer_a: Customer) -> None:
    Customer.objects.filter(pk=customer_a.pk).update(processing_restricted=True)
    assert _ask(api, customer_a.email)["reason"] == "processing_restricted"


def test_needs_a_token_and_a_valid_email(anon_api: APIClient, api: APIClient) -> None:
    assert anon_api.get(URL, {"email": "a@example.com"}).status_code in (401, 403)
    bad = api.get(URL, {"email": "nope"})
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    assert api.get(URL).status_code == 400
