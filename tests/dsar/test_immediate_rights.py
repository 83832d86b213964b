"""§7.6 "We will stop all marketing immediately upon objection", §7.8 consent withdrawal and
§8.1 opt-out of sale/sharing take effect at receipt, without waiting for verification."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.models import Customer
from consent.models import Suppression, email_hash
from consent.selectors import marketing_eligibility

from .conftest import submit


@pytest.mark.parametrize(("type_", "jurisdiction"), [("objection_marketing", "eu"),
                                                      ("consent_withdrawal", "eu"), ("opt_out", "us-ca")])
def test_marketing_stops_at_once_and_the_main_app_reads_it(api: APIClient, customer_a: Customer, type_: str,
                                                           jurisdiction: str) -> None:
    response = api.post("/api/v1/requests/", {"type": type_, "email": customer_a.email,
                                              "external_id": "cus-a", "jurisdiction": jurisdiction},
                        format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "completed"
    account = api.get("/api/v1/accounts/cus-a/").json()
    assert account["marketing_objection"] is True
    assert Suppression.objects.filter(email_hash=email_hash(customer_a.email)).exists()
    assert not marketing_eligibility(email=customer_a.email).allowed


def test_someone_without_an_account_is_suppressed_by_address(db: None) -> None:
    dsr = submit("objection_marketing", email="Reader@Example.com")
    assert dsr.status == "completed" and dsr.customer is None
    assert Suppression.objects.filter(email_hash=email_hash("reader@example.com")).exists()


def test_the_answer_is_an_email_and_a_record(customer_a: Customer) -> None:
    from django.core import mail

    dsr = submit("consent_withdrawal", customer=customer_a)
    [answer] = mail.outbox
    assert answer.to == [customer_a.email]
    assert "marketing" in answer.body.lower()
    assert "ANSPDCP" in answer.body
    assert dsr.events.filter(kind="email", notification__kind="request_completed").count() == 1
    assert dsr.events.filter(kind="effect").count() == 1
    assert Customer.objects.get(pk=customer_a.pk).marketing_objection is True
