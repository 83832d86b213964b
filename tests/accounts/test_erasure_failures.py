"""An erasure step that fails is recorded with its reason and retried on the next run, from
that step: finished steps are never run again (§5.3; the watchdog of issue 11 reads this)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management.base import CommandError

from accounts.erasure import erase_customer
from accounts.lifecycle import deletion_start
from accounts.models import Customer, Erasure, Notification
from retention.models import JobRun

from .conftest import Outside, refreshed

DAY0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY31 = DAY0 + timedelta(days=31)


def _attempts(erasure: Erasure) -> dict[str, tuple[str, int]]:
    return {s.system: (s.status, s.attempts) for s in erasure.steps.all()}


def test_a_failing_step_stops_the_erasure_and_the_next_run_resumes_there(
        customer_a: Customer, outside: Outside, run_jobs_as_of: Any) -> None:
    outside.put("customers/cus-a/a.csv")
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email)
    customer_a.save()
    deletion_start(customer=customer_a, now=DAY0)
    outside.stripe.fail_next = 10  # Stripe answers 500
    with pytest.raises(CommandError, match="erase_due_accounts"):
        run_jobs_as_of(DAY31)
    erasure = Erasure.objects.get()
    assert erasure.status == "failed"
    assert erasure.failure_reason.startswith("stripe: StripeEraseFailed")
    stripe_step = erasure.steps.get(system="stripe")
    assert stripe_step.status == "failed" and "APIError" in stripe_step.error
    assert JobRun.objects.filter(job="erase_due_accounts", outcome="failed").count() == 1
    # The address was not erased, no confirmation went out: the steps after Stripe wait.
    assert refreshed(customer_a).email == "ana.popescu@example.com"
    assert not Notification.objects.filter(kind="deletion_completed").exists()

    outside.stripe.fail_next = 0
    run_jobs_as_of(DAY31 + timedelta(hours=1))
    erasure.refresh_from_db()
    assert erasure.status == "completed" and erasure.failure_reason == ""
    assert _attempts(erasure) == {"main-app": ("done", 1), "s3": ("done", 1), "cognito": ("done", 1),
                                  "stripe": ("done", 2), "backups": ("done", 1),
                                  "confirmation-email": ("done", 1), "privacy-db": ("done", 1)}
    assert len(outside.receiver.requests) == 1  # the main app was not told twice


def test_the_webhook_is_retried_and_then_the_step_fails(customer_a: Customer, outside: Outside,
                                                         settings: Any) -> None:
    settings.ERASURE_WEBHOOK_ATTEMPTS = 3
    outside.receiver.status = 503
    erasure = erase_customer(customer=customer_a, reason="immediate", now=DAY0)
    assert erasure.status == "failed"
    assert len(outside.receiver.requests) == 3
    assert erasure.steps.get(system="main-app").error.endswith("did not acknowledge after 3 attempts (HTTP 503)")
    assert _attempts(erasure)["s3"] == ("pending", 0)


def test_a_refusal_from_the_main_app_is_not_retried_in_the_same_run(customer_a: Customer,
                                                                     outside: Outside) -> None:
    outside.receiver.status = 401
    erasure = erase_customer(customer=customer_a, reason="immediate", now=DAY0)
    assert erasure.status == "failed" and len(outside.receiver.requests) == 1
    assert "HTTP 401" in erasure.failure_reason


def test_already_gone_elsewhere_is_recorded_not_an_error(customer_a: Customer, outside: Outside) -> None:
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email)
    customer_a.cognito_sub = "0b9f6f1e-0000-4000-8000-000000000000"  # no such user
    customer_a.save()
    outside.stripe.customers[customer_a.stripe_customer_id]["deleted"] = True
    erasure = erase_customer(customer=customer_a, reason="immediate", now=DAY0)
    assert erasure.status == "completed"
    notes = {s.system: (s.removed, s.note) for s in erasure.steps.all()}
    assert notes["stripe"] == ({}, "Stripe customer already deleted (by an earlier attempt or before)")
    assert notes["cognito"][0] == {} and notes["cognito"][1].startswith("No Cognito user found")


def test_systems_not_configured_are_skipped_with_the_reason_on_the_certificate(customer_a: Customer) -> None:
    erasure = erase_customer(customer=customer_a, reason="immediate", now=DAY0)
    assert erasure.status == "completed"
    systems = {s["system"]: s for s in erasure.certificate["systems"]}
    assert systems["main-app"]["status"] == "skipped"
    assert systems["main-app"]["note"].startswith("MAIN_APP_WEBHOOK_URL is not set")
    assert systems["s3"]["note"].startswith("AWS is not configured")
    assert systems["stripe"]["note"] == "STRIPE_API_KEY is not set"
    assert systems["privacy-db"]["status"] == "done"


def test_the_address_is_not_erased_before_the_confirmation_went_out(customer_a: Customer,
                                                                     settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.DownBackend"
    erasure = erase_customer(customer=customer_a, reason="immediate", now=DAY0)
    assert erasure.status == "failed"
    assert erasure.steps.get(system="confirmation-email").error.startswith("ConfirmationNotSent")
    assert refreshed(customer_a).email == "ana.popescu@example.com"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    erasure = erase_customer(customer=refreshed(customer_a), reason="immediate", now=DAY0)
    assert erasure.status == "completed"
    assert [m.subject for m in mail.outbox] == ["Contul dumneavoastră MicroPIM a fost șters"]
    note = Notification.objects.get(kind="deletion_completed")
    assert note.attempts == 2 and note.sent_at is not None and note.to_email == ""


def test_a_mail_outage_does_not_hold_the_erasure_forever(customer_a: Customer, settings: Any) -> None:
    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.DownBackend"
    settings.ERASURE_CONFIRMATION_MAX_ATTEMPTS = 2
    erase_customer(customer=customer_a, reason="immediate", now=DAY0)
    erasure = erase_customer(customer=refreshed(customer_a), reason="immediate", now=DAY0)
    assert erasure.status == "completed"
    assert erasure.steps.get(system="confirmation-email").note.startswith("Could not be delivered after 2")
