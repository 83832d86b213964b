"""§7.3, Art. 17: an erasure request runs the erasure engine at once (no 31-day grace); the
answer confirms the deletion and explains what is kept and why (billing 7 years; legal hold)."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Customer, Erasure
from dsar.fulfilment import request_fulfil
from retention.models import LegalHold
from tests.conftest import NOW

from .conftest import Outside, days


@pytest.fixture
def held_everywhere(customer_a: Customer, outside: Outside) -> Customer:
    customer_a.cognito_sub = outside.add_cognito_user(customer_a.email)
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email)
    customer_a.save()
    outside.put("customers/cus-a/catalogue.csv", b"sku\n1\n")
    return customer_a


def test_erasure_runs_without_grace_and_the_answer_explains_what_is_kept(  # type: ignore[no-untyped-def]
        held_everywhere, outside, verified, staff_client, privacy_officer) -> None:
    dsr = verified("erasure", customer=held_everywhere)
    address = held_everywhere.email
    client = staff_client(privacy_officer)
    url = f"/admin/dsar/datasubjectrequest/{dsr.pk}/act/complete/"
    assert client.post(url, {"note": ""}).status_code == 400  # the officer confirms "erase now"
    assert client.post(url, {"note": "", "confirm_erasure": "on"}).status_code == 302
    erasure = Erasure.objects.get(customer=held_everywhere)
    assert erasure.status == "completed" and erasure.reason == "erasure_request"
    assert erasure.request_ref == str(dsr.public_id)
    customer = Customer.objects.get(pk=held_everywhere.pk)
    assert customer.status == "deleted" and customer.email == ""
    assert "Contents" not in outside.s3.list_objects_v2(Bucket="mp-dsar-customer-data", Prefix="customers/cus-a/")
    assert outside.stripe.customers[held_everywhere.stripe_customer_id]["deleted"] is True
    dsr.refresh_from_db()
    assert dsr.status == "completed"
    answer = mail.outbox[-1]
    assert answer.to == [address]  # told at the address the request came from, after the erasure
    assert "Stripe" in answer.body and "7 years" in answer.body  # kept, and why (§5.2)
    assert "31 days" in answer.body  # backups expire (§5.2)
    # The request keeps proof (type, dates, timeline, certificate id), not the requester's address.
    assert address not in dsr.email and dsr.full_name == ""
    assert dsr.events.filter(kind="erasure", data__erasure=str(erasure.uuid)).exists()
    assert all(n.to_email == "" and n.body == "" for n in
               (e.notification for e in dsr.events.filter(notification__isnull=False)))


def test_a_legal_hold_pauses_the_erasure_and_the_officer_is_told_what_to_do(  # type: ignore[no-untyped-def]
        held_everywhere, verified, privacy_officer) -> None:
    LegalHold.objects.create(customer=held_everywhere, reason="Pending litigation", placed_by=privacy_officer)
    dsr = verified("delete", customer=held_everywhere, jurisdiction="us-ca")
    outcome = request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW + days(1))
    assert not outcome.completed and "legal hold" in outcome.message
    dsr.refresh_from_db()
    assert dsr.status == "in_progress"
    assert Customer.objects.get(pk=held_everywhere.pk).status != "deleted"


def test_someone_without_an_account_is_suppressed_and_answered(db: None, verified, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    from consent.models import Suppression, email_hash

    dsr = verified("erasure", email="subscriber@example.com")
    assert request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW).completed
    assert Suppression.objects.filter(email_hash=email_hash("subscriber@example.com")).exists()
    assert "30 days" in mail.outbox[-1].body


def test_a_category_under_legal_hold_is_kept_and_the_answer_says_why(  # type: ignore[no-untyped-def]
        customer_a: Customer, verified, privacy_officer) -> None:
    from retention.models_support import SupportTicket

    SupportTicket.objects.create(customer=customer_a, reference="T-1", subject="Invoice dispute",
                                 messages=[], status="resolved", opened_at=NOW - days(9),
                                 resolved_at=NOW - days(2))
    LegalHold.objects.create(customer=customer_a, category_key="support_tickets",
                             reason="Invoice dispute in court", placed_by=privacy_officer)
    dsr = verified("erasure", customer=customer_a)
    assert request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW + days(1)).completed
    assert SupportTicket.objects.count() == 1
    body = mail.outbox[-1].body
    assert "§5.5" in body and "Support tickets" in body
