"""Deleting the account and reactivating it (§5.3), through accounts.lifecycle."""

from __future__ import annotations

from django.test import Client

from accounts.models import Customer, Notification


def test_deleting_needs_the_confirmation_and_changes_nothing_without_it(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in(customer_a.email)
    client.cookies["django_language"] = "ro"
    response = client.post("/privacy/account/", {})
    assert response.status_code == 400
    assert "Vă rugăm să corectați următoarele" in response.content.decode()
    customer_a.refresh_from_db()
    assert customer_a.status == Customer.Status.ACTIVE


def test_delete_then_reactivate(customer_a, signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in(customer_a.email)
    page = client.get("/privacy/account/").content.decode()
    assert "Facturi și documente fiscale" in page or "Invoices and tax documents" in page  # what is kept
    assert client.post("/privacy/account/", {"confirm": "on"}).status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.status == Customer.Status.PENDING_DELETION and customer_a.deletion_due_at
    assert Notification.objects.filter(customer=customer_a, kind="deletion_started", status="sent").exists()
    # Still signed in during the grace period: the page offers reactivation.
    assert "account/reactivate/" in client.get("/privacy/account/").content.decode()
    assert client.post("/privacy/account/reactivate/").status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.status == Customer.Status.ACTIVE and customer_a.deletion_due_at is None
    assert client.post("/privacy/account/reactivate/").status_code == 409  # nothing pending


def test_only_account_holders_have_the_page(signed_in) -> None:  # type: ignore[no-untyped-def]
    client: Client = signed_in("visitor@example.org")
    assert client.get("/privacy/account/")["Location"] == "/privacy/"
