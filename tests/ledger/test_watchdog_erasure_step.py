"""Issue 11: a step made to fail (Stripe answering 500) surfaces in the "needs attention"
list with its reason, alerts privacy officers once however often the watchdog runs, and
succeeds on retry without redoing the steps that were already done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.erasure import erase_customer
from accounts.models import Customer, Erasure, Notification
from ledger.models import Finding, LedgerEntry

from .conftest import BOTH, Outside

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def officer(privacy_officer: User) -> User:
    privacy_officer.email = "priya@micropim.test"
    privacy_officer.save(update_fields=["email"])
    return privacy_officer


def _watchdog(at: object) -> None:
    call_command("run_privacy_jobs", as_of=at, only=["watchdog"])


def test_a_failed_step_is_listed_alerted_once_and_resumed_by_retry(
        customer_a: Customer, outside: Outside, officer: User, staff_client: Callable[[User], Client],
        django_capture_on_commit_callbacks: Any) -> None:
    outside.put("customers/cus-a/catalogue.csv")
    customer_a.cognito_sub = outside.add_cognito_user(customer_a.email)
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email)
    customer_a.save()
    outside.stripe.fail_next = 100  # Stripe is down
    erasure = erase_customer(customer=customer_a, reason=Erasure.Reason.IMMEDIATE, now=timezone.now())
    assert erasure.status == "failed"

    start = timezone.now()
    for hour in range(4):  # the hourly runs while nobody has looked yet
        _watchdog(start + timedelta(hours=hour))
    finding = Finding.objects.get()
    assert (finding.kind, finding.rule, finding.state) == ("erasure", "failed", "open")
    assert "failed at step stripe (failed, 1 attempt(s)): StripeEraseFailed: Stripe error: APIError" in finding.reason
    assert "3 of 7 steps done" in finding.reason and "ana" not in finding.reason.lower()
    alerts = Notification.objects.filter(kind="watchdog_alert")
    assert alerts.count() == 1 and [m.to for m in mail.outbox] == [["priya@micropim.test"]]
    assert mail.outbox[0].subject.startswith("Needs attention: 1 stalled item")
    assert "StripeEraseFailed" in mail.outbox[0].body and "/admin/ledger/finding/" in mail.outbox[0].body

    client = staff_client(officer)
    page = client.get("/admin/ledger/finding/", follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert "StripeEraseFailed: Stripe error: APIError" in html
    assert f"/admin/ledger/finding/{finding.pk}/act/retry/" in html
    assert f"/admin/ledger/finding/{finding.pk}/act/mark_failed/" not in html  # it already failed

    retry_page = client.get(f"/admin/ledger/finding/{finding.pk}/act/retry/")
    assert retry_page.status_code == 200 and "Retry" in retry_page.content.decode()
    outside.stripe.fail_next = 0  # Stripe is back
    calls_before = len(outside.stripe.calls)
    with django_capture_on_commit_callbacks(execute=True):  # as after a real commit: into the ledger
        response = client.post(f"/admin/ledger/finding/{finding.pk}/act/retry/")
    assert response.status_code == 302

    erasure.refresh_from_db()
    assert erasure.status == "completed"
    assert dict(erasure.steps.values_list("system", "attempts")) == {
        "main-app": 1, "s3": 1, "cognito": 1, "stripe": 2, "backups": 1, "confirmation-email": 1,
        "privacy-db": 1}  # resumed at Stripe: nothing before it ran again
    assert outside.stripe.calls[calls_before:] == [("DELETE", f"/v1/customers/{customer_a.stripe_customer_id}")]
    assert outside.keys("customers/cus-a/") == [] and outside.cognito_emails() == []
    entry = LedgerEntry.objects.get(erasure_uuid=erasure.uuid)
    ledger_page = client.get(f"/admin/ledger/ledgerentry/{entry.pk}/change/").content.decode()
    assert str(erasure.uuid) in ledger_page and entry.identifiers.get(kind="email").hash in ledger_page
    assert "ana.popescu" not in ledger_page and "cus-a" not in ledger_page
    assert client.get("/admin/ledger/replayrun/").status_code == 200
    finding.refresh_from_db()
    assert finding.state == "resolved" and [h["action"] for h in finding.history] == ["found", "retry", "resolved"]
    assert finding.history[1]["by"] == "priya"

    _watchdog(start + timedelta(hours=5))
    assert alerts.count() == 1 and Finding.objects.count() == 1  # nothing new, nothing re-sent


def test_an_erasure_left_running_by_a_dead_worker_is_found_after_an_hour(customer_a: Customer) -> None:
    erasure = erase_customer(customer=customer_a, reason=Erasure.Reason.IMMEDIATE, now=timezone.now())
    # What a SIGKILL mid-step leaves behind: the erasure and one step "running", no lock held.
    Erasure.objects.filter(pk=erasure.pk).update(status="running", certificate=None)
    erasure.steps.filter(system="privacy-db").update(status="running", finished_at=None)
    last = erasure.steps.get(system="privacy-db").started_at
    _watchdog(last + timedelta(minutes=59))
    assert not Finding.objects.exists()
    _watchdog(last + timedelta(minutes=61))
    finding = Finding.objects.get()
    assert finding.rule == "unfinished" and "next: step privacy-db (running, 1 attempt(s))" in finding.reason
