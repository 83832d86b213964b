"""Do Not Sell or Share, marketing choices, sub-processor objections, policy acknowledgement:
each through its app's service."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from consent.models import Subscription, Suppression, email_hash
from portal.models import SaleOptOut
from subprocessors.models import PolicyResponse, PolicyVersion, SubProcessor, SubProcessorObjection


def test_do_not_sell_is_one_click_and_idempotent(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in(customer_a.email)
    assert client.post("/privacy/do-not-sell/").status_code == 302
    assert client.post("/privacy/do-not-sell/").status_code == 302
    opt_out = SaleOptOut.objects.get()
    assert opt_out.customer == customer_a and opt_out.email_hash == email_hash(customer_a.email)
    assert "recorded" in client.get("/privacy/do-not-sell/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_subscriber_stops_all_marketing_at_once(signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in("reader@example.org")
    assert client.post("/privacy/marketing/subscribe/").status_code == 302
    sub = Subscription.objects.get(email="reader@example.org")
    assert sub.status == "pending" and "newsletter" in mail.outbox[-1].subject.lower()
    assert client.post("/privacy/marketing/stop/").status_code == 302
    sub.refresh_from_db()
    assert sub.status == "unsubscribed"
    assert Suppression.objects.filter(email_hash=email_hash("reader@example.org")).exists()


def test_a_customer_objects_to_marketing(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in(customer_a.email)
    client.post("/privacy/marketing/stop/")
    customer_a.refresh_from_db()
    assert customer_a.marketing_objection


def test_a_customer_objects_to_a_sub_processor(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    sp = SubProcessor.objects.filter(status="active").first()
    client: Client = signed_in(customer_a.email)
    assert sp.name in client.get("/privacy/subprocessors/").content.decode()
    response = client.post(f"/privacy/subprocessors/{sp.slug}/object/", {"reason": "Not in the EU"})
    assert response.status_code == 302
    assert SubProcessorObjection.objects.get().customer == customer_a


def test_someone_without_an_account_cannot_object(signed_in) -> None:  # type: ignore[no-untyped-def]
    sp = SubProcessor.objects.filter(status="active").first()
    client: Client = signed_in("visitor@example.org")
    client.post(f"/privacy/subprocessors/{sp.slug}/object/", {"reason": "x"})
    assert not SubProcessorObjection.objects.exists()


def test_a_customer_acknowledges_a_material_change(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    version = PolicyVersion.objects.create(number="1.1", effective_on="2099-01-01", material=True,
                                           text="New text", change_summary="A new processor")
    client: Client = signed_in(customer_a.email)
    assert "1.1" in client.get("/privacy/").content.decode()  # the portal notice (§13.2)
    client.post("/privacy/policy/1.1/respond/", {"response": "acknowledged"})
    assert PolicyResponse.objects.get(version=version).kind == "acknowledged"
    assert client.post("/privacy/policy/1.0/respond/", {"response": "acknowledged"}).status_code == 404
