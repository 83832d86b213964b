"""§7.2, Art. 16 and 19: the correction is applied here and pushed to every system holding a
copy (the Cognito user's attributes, the Stripe customer), each recipient recorded."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Customer
from dsar.fulfilment import request_fulfil
from dsar.services import WorkflowError
from tests.conftest import NOW

from .conftest import Outside, days


@pytest.fixture
def linked(customer_a: Customer, outside: Outside) -> Customer:
    customer_a.cognito_sub = outside.add_cognito_user(customer_a.email, name="Ana Popescu")
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email, name="Ana Popescu")
    customer_a.save()
    return customer_a


def test_a_correction_reaches_cognito_and_stripe_and_the_answer_names_them(  # type: ignore[no-untyped-def]
        linked, outside, verified, privacy_officer) -> None:
    dsr = verified("rectification", customer=linked,
                   corrections={"full_name": "Ana-Maria Popescu-Ștefănescu", "phone": "+40 721 000 111"})
    outcome = request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW + days(2))
    assert outcome.completed
    linked.refresh_from_db()
    assert linked.full_name == "Ana-Maria Popescu-Ștefănescu" and linked.phone == "+40 721 000 111"
    attrs = outside.cognito_attributes(linked.email)
    assert attrs["name"] == "Ana-Maria Popescu-Ștefănescu" and attrs["phone_number"] == "+40721000111"
    stripe_customer = outside.stripe.customers[linked.stripe_customer_id]
    assert stripe_customer["name"] == "Ana-Maria Popescu-Ștefănescu"
    recipients = {e.data["system"]: e.data["outcome"] for e in dsr.events.filter(kind="recipient")}
    assert recipients == {"AWS Cognito": "updated", "Stripe": "updated"}
    dsr.refresh_from_db()
    assert dsr.status == "completed"
    answer = mail.outbox[-1].body
    assert "AWS Cognito" in answer and "Stripe" in answer and "art. 19" in answer


def test_a_stripe_outage_leaves_the_request_open_and_complete_retries(  # type: ignore[no-untyped-def]
        linked, outside, verified, privacy_officer) -> None:
    dsr = verified("correct", customer=linked, jurisdiction="us-ca", corrections={"email": "ana.p@example.com"})
    outside.stripe.fail_next = 5
    with pytest.raises(WorkflowError, match="not yet in Stripe"):
        request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW + days(1))
    dsr.refresh_from_db()
    assert dsr.status == "verified"
    assert dsr.events.filter(kind="recipient", data__outcome="failed").count() == 1
    assert Customer.objects.get(pk=linked.pk).email == "ana.p@example.com"  # applied here already
    outside.stripe.fail_next = 0
    assert request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW + days(2)).completed
    assert outside.stripe.customers[linked.stripe_customer_id]["email"] == "ana.p@example.com"
    assert mail.outbox[-1].to == ["ana.p@example.com"]  # the answer goes to the corrected address


def test_without_values_or_with_a_bad_one_nothing_changes(customer_a: Customer, verified, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr = verified("rectification", customer=customer_a)
    with pytest.raises(WorkflowError, match="Enter the corrected values"):
        request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW)
    with pytest.raises(WorkflowError):
        request_fulfil(dsr=dsr, actor=privacy_officer, now=NOW, corrections={"email": "not-an-email"})
    customer_a.refresh_from_db()
    assert customer_a.email == "ana.popescu@example.com"
    dsr.refresh_from_db()
    assert dsr.status == "verified"


def test_rectification_end_to_end_through_the_admin(linked, verified, staff_client, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    dsr = verified("rectification", customer=linked)
    client = staff_client(privacy_officer)
    url = f"/admin/dsar/datasubjectrequest/{dsr.pk}/act/complete/"
    page = client.get(url)
    assert b"corrections" in page.content and b"confirm_erasure" not in page.content
    assert client.post(url, {"corrections": "not json", "note": ""}).status_code == 400
    response = client.post(url, {"corrections": '{"job_title": "Director de catalog"}', "note": ""})
    assert response.status_code == 302
    linked.refresh_from_db()
    assert linked.job_title == "Director de catalog"
