"""`POST/DELETE /api/v1/accounts/{id}/deletion/` (§5.3): start, idempotent start, reactivate, bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from django.core import mail
from rest_framework.test import APIClient

from accounts.models import AccessLogEntry, Customer, Notification
from micropim_privacy.policy import Deadlines

from .conftest import refreshed

DAY0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _snapshot() -> tuple[list[tuple[object, ...]], int, int]:
    rows = list(Customer.objects.order_by("pk").values_list(
        "status", "deletion_kind", "deletion_requested_at", "deletion_due_at"))
    return rows, Notification.objects.count(), len(mail.outbox)


def test_starting_deletion_disables_access_and_starts_the_31_day_countdown(
        api: APIClient, customer_a: Customer) -> None:
    with time_machine.travel(DAY0, tick=False):
        response = api.post("/api/v1/accounts/cus-a/deletion/", format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending_deletion"
    assert body["access_disabled"] is True  # the main app blocks login from this
    due = Deadlines.ACCOUNT_DELETION_GRACE.after(DAY0)
    assert datetime.fromisoformat(body["deletion_due_at"]) == due == datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
    # The notification email: what happens, the final date, how to export, how to reactivate.
    [message] = mail.outbox
    assert message.to == ["ana.popescu@example.com"]
    assert message.subject == "Contul dumneavoastră MicroPIM va fi șters la 10.04.2026"
    assert "10.04.2026, 09:00 UTC" in message.body
    assert "exportați" in message.body.lower() and "reactiva" in message.body
    assert AccessLogEntry.objects.filter(action="api_write", subject_ref="cus-a").exists()


def test_starting_twice_does_not_reset_the_first_countdown(api: APIClient, customer_a: Customer) -> None:
    with time_machine.travel(DAY0, tick=False):
        api.post("/api/v1/accounts/cus-a/deletion/", format="json")
    with time_machine.travel(datetime(2026, 3, 15, tzinfo=UTC), tick=False):
        again = api.post("/api/v1/accounts/cus-a/deletion/", {}, format="json")
    assert again.status_code == 200
    assert datetime.fromisoformat(again.json()["deletion_due_at"]) == datetime(2026, 4, 10, 9, 0, tzinfo=UTC)
    assert len(mail.outbox) == 1


def test_reactivation_stops_the_countdown_and_is_confirmed_by_email(
        api: APIClient, customer_b: Customer, kinds) -> None:
    with time_machine.travel(DAY0, tick=False):
        api.post("/api/v1/accounts/cus-b/deletion/", format="json")
        response = api.delete("/api/v1/accounts/cus-b/deletion/")
    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert response.json()["deletion_due_at"] is None
    assert mail.outbox[-1].subject == "Your MicroPIM account has been reactivated"
    assert kinds("cus-b") == ["deletion_started", "deletion_cancelled"]


def test_starting_again_after_reactivation_starts_a_new_countdown(api: APIClient, customer_b: Customer) -> None:
    with time_machine.travel(DAY0, tick=False):
        api.post("/api/v1/accounts/cus-b/deletion/", format="json")
        api.delete("/api/v1/accounts/cus-b/deletion/")
    later = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        response = api.post("/api/v1/accounts/cus-b/deletion/", format="json")
    assert response.status_code == 201
    assert refreshed(customer_b).deletion_due_at == Deadlines.ACCOUNT_DELETION_GRACE.after(later)
    assert Notification.objects.filter(kind="deletion_started").count() == 2


def test_cancelling_a_deletion_that_is_not_pending_is_409_and_changes_nothing(
        api: APIClient, customer_a: Customer) -> None:
    before = _snapshot()
    response = api.delete("/api/v1/accounts/cus-a/deletion/")
    assert response.status_code == 409
    assert response.json() == {"detail": "No deletion is pending for this account."}
    assert _snapshot() == before


def test_unknown_account_is_404_for_every_verb_and_changes_nothing(api: APIClient, customer_a: Customer) -> None:
    before = _snapshot()
    for response in (api.post("/api/v1/accounts/nobody/deletion/", format="json"),
                     api.delete("/api/v1/accounts/nobody/deletion/"),
                     api.get("/api/v1/accounts/nobody/notifications/"),
                     api.get("/api/v1/accounts/nobody/export/")):
        assert response.status_code == 404
        assert "detail" in response.json()
    assert _snapshot() == before


def test_unknown_fields_are_refused_and_nothing_starts(api: APIClient, customer_a: Customer) -> None:
    response = api.post("/api/v1/accounts/cus-a/deletion/", {"when": "now"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"when": ["Unknown field."]}
    assert refreshed(customer_a).status == "active"


def test_without_a_token_nothing_happens(anon_api: APIClient, customer_a: Customer) -> None:
    assert anon_api.post("/api/v1/accounts/cus-a/deletion/", format="json").status_code in (401, 403)
    assert refreshed(customer_a).status == "active"
