"""Deletion without the grace period: immediate deletion asked by email (§5.3, due within 30
days, shown in the admin) and a child under 16 (§9.2, terminated, erased at once)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AccessLogEntry, Customer, Erasure
from micropim_privacy.policy import Deadlines

from .conftest import refreshed

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _action(client: Client, action: str, customer: Customer, **fields: str) -> Any:
    return client.post("/admin/accounts/customer/", {
        "action": action, "_selected_action": [customer.pk], "apply": "Confirm", **fields})


def test_staff_record_an_immediate_deletion_due_within_30_days_of_the_email(
        customer_a: Customer, privacy_officer: User, staff_client: Callable[[User], Client],
        run_jobs_as_of: Any, kinds: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        client = staff_client(privacy_officer)
        page = client.post("/admin/accounts/customer/", {"action": "record_immediate_deletion",
                                                          "_selected_action": [customer_a.pk]})
        assert page.status_code == 200 and b"Request email received on" in page.content
        response = _action(client, "record_immediate_deletion", customer_a, received_on="2026-03-06")
        assert response.status_code == 302
        listing = client.get("/admin/accounts/customer/?deletion_kind=immediate")
    customer = refreshed(customer_a)
    requested = datetime(2026, 3, 6, tzinfo=UTC)
    assert customer.status == "pending_deletion" and customer.deletion_kind == "immediate"
    assert customer.deletion_due_at == Deadlines.IMMEDIATE_DELETION.after(requested)
    assert customer.deletion_recorded_by == privacy_officer
    assert b"April 5, 2026" in listing.content or b"2026-04-05" in listing.content  # the due date
    assert AccessLogEntry.objects.filter(actor_user=privacy_officer, action="change",
                                         subject_ref="cus-a").exists()
    assert mail.outbox[-1].subject == "Vom șterge contul dumneavoastră MicroPIM până la 05.04.2026"
    # Carried out at the next run, without the grace period.
    run_jobs_as_of(NOW + timedelta(hours=1))
    assert refreshed(customer_a).status == "deleted"
    assert Erasure.objects.get().reason == "immediate"
    assert kinds("cus-a") == ["deletion_immediate", "deletion_completed"]


def test_a_future_request_date_is_refused(customer_a: Customer, privacy_officer: User,
                                          staff_client: Callable[[User], Client]) -> None:
    response = _action(staff_client(privacy_officer), "record_immediate_deletion", customer_a,
                       received_on=(datetime.now(tz=UTC).date() + timedelta(days=3)).isoformat())
    assert response.status_code == 200 and b"cannot be in the future" in response.content
    assert refreshed(customer_a).status == "active"


def test_a_child_under_16_is_terminated_and_erased_without_grace(
        customer_a: Customer, privacy_officer: User, staff_client: Callable[[User], Client],
        run_jobs_as_of: Any, api: APIClient) -> None:
    with time_machine.travel(NOW, tick=False):
        assert _action(staff_client(privacy_officer), "flag_child_under_16", customer_a).status_code == 302
    customer = refreshed(customer_a)
    assert customer.deletion_kind == "child" and customer.access_disabled
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        reactivate = api.delete("/api/v1/accounts/cus-a/deletion/")
    assert reactivate.status_code == 409 and "§9.2" in reactivate.json()["detail"]
    run_jobs_as_of(NOW + timedelta(minutes=10))
    assert refreshed(customer_a).status == "deleted"
    assert Erasure.objects.get().certificate["reason"]["code"] == "child_under_16"


def test_support_agents_cannot_delete_accounts(customer_a: Customer, support_agent: User,
                                              staff_client: Callable[[User], Client]) -> None:
    response = _action(staff_client(support_agent), "flag_child_under_16", customer_a)
    assert response.status_code in (200, 302, 403)
    assert refreshed(customer_a).status == "active"


def test_a_date_of_birth_under_16_is_refused_at_creation(api: APIClient) -> None:
    response = api.post("/api/v1/accounts/", {"external_id": "kid-1", "email": "kid@example.com",
                                              "date_of_birth": (datetime.now(tz=UTC).date() - timedelta(days=15 * 365)).isoformat()},
                        format="json")
    assert response.status_code == 400 and "date_of_birth" in response.json()["errors"]
    assert not Customer.objects.filter(external_id="kid-1").exists()


def test_the_erasures_list_offers_the_certificate(customer_a: Customer, privacy_officer: User,
                                                  staff_client: Callable[[User], Client],
                                                  run_jobs_as_of: Any) -> None:
    from accounts.erasure import erase_customer

    erasure = erase_customer(customer=customer_a, reason="immediate", now=NOW)
    client = staff_client(privacy_officer)
    listing = client.get("/admin/accounts/erasure/")
    assert listing.status_code == 200 and str(erasure.uuid).encode() in listing.content
    pdf = client.get(f"/admin/accounts/erasure/{erasure.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    cert = client.get(f"/admin/accounts/erasure/{erasure.pk}/certificate.json").json()
    assert cert["erasure_id"] == str(erasure.uuid)
    change = client.get(f"/admin/accounts/erasure/{erasure.pk}/change/")
    assert change.status_code == 200 and b"privacy-db" in change.content
