"""§5.5 legal holds: a hold on the account blocks final erasure (the account stays disabled,
the job reports it held, the customer is told once); a hold on a category keeps that data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.lifecycle import deletion_start
from accounts.models import Customer, Erasure
from retention.models import JobRun, LegalHold, SupportTicket
from retention.runner import run_jobs

from .conftest import Outside, refreshed

DAY0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
DAY31 = DAY0 + timedelta(days=31)


def _erase_job(as_of: datetime) -> dict[str, int]:
    report = run_jobs(as_of=as_of, only=["erase_due_accounts"])
    return report.jobs["erase_due_accounts"]["counts"]  # type: ignore[return-value]


def test_a_hold_on_the_account_blocks_erasure_and_the_customer_is_told_once(
        customer_a: Customer, kinds: Any) -> None:
    deletion_start(customer=customer_a, now=DAY0)
    hold = LegalHold.objects.create(customer=customer_a, reason="Court order 12/2026")
    first = _erase_job(DAY31)
    assert first["held"] == 1 and first["erased"] == 0 and first["hold_notices"] == 1
    second = _erase_job(DAY31 + timedelta(days=1))
    assert second["held"] == 1 and second["hold_notices"] == 0
    customer = refreshed(customer_a)
    assert customer.status == "pending_deletion" and customer.access_disabled
    assert not Erasure.objects.exists()
    assert kinds("cus-a") == ["deletion_started", "deletion_legal_hold"]
    hold.refresh_from_db()
    assert hold.subject_notified_at == DAY31
    assert JobRun.objects.filter(job="erase_due_accounts").latest("started_at").counts["held"] == 1
    # Lifted: the next run carries the deletion out.
    hold.lifted_at = DAY31 + timedelta(days=2)
    hold.save()
    assert _erase_job(DAY31 + timedelta(days=3))["erased"] == 1
    assert refreshed(customer_a).status == "deleted"
    assert kinds("cus-a") == ["deletion_started", "deletion_legal_hold", "deletion_completed"]


def test_a_hold_placed_while_an_erasure_is_under_way_pauses_it(customer_a: Customer, outside: Outside,
                                                               kinds: Any) -> None:
    customer_a.stripe_customer_id = outside.stripe.add_customer(email=customer_a.email)
    customer_a.save()
    deletion_start(customer=customer_a, now=DAY0)
    outside.stripe.fail_next = 5
    try:
        call_command("run_privacy_jobs", as_of=DAY31, only=["erase_due_accounts"])
    except CommandError:
        pass
    hold = LegalHold.objects.create(customer=customer_a, reason="Regulatory audit")
    outside.stripe.fail_next = 0
    counts = _erase_job(DAY31 + timedelta(hours=1))
    assert counts["held"] == 1 and counts["hold_notices"] == 1
    erasure = Erasure.objects.get()
    assert erasure.status == "held"
    assert erasure.steps.get(system="stripe").status == "failed"  # not retried under the hold
    assert refreshed(customer_a).email  # nothing more erased
    hold.lifted_at = DAY31 + timedelta(days=1)
    hold.save()
    assert _erase_job(DAY31 + timedelta(days=1, hours=1))["resumed"] == 1
    assert Erasure.objects.get().status == "completed"


def test_a_hold_on_one_category_keeps_that_data_and_says_why(customer_a: Customer) -> None:
    ticket = SupportTicket.objects.create(customer=customer_a, reference="T-9", subject="Refund dispute",
                                          opened_at=DAY0)
    LegalHold.objects.create(customer=customer_a, category_key="support_tickets", reason="Dispute")
    deletion_start(customer=customer_a, now=DAY0)
    assert _erase_job(DAY31)["erased"] == 1
    assert SupportTicket.objects.filter(pk=ticket.pk).exists()
    [kept] = [k for k in Erasure.objects.get().certificate["kept"] if "Support" in k["what"]]
    assert kept["count"] == 1 and kept["reason"].startswith("§5.5")


def test_dry_run_reports_held_accounts_and_changes_nothing(customer_a: Customer, customer_b: Customer) -> None:
    deletion_start(customer=customer_a, now=DAY0)
    deletion_start(customer=customer_b, now=DAY0)
    LegalHold.objects.create(customer=customer_b, reason="Claim")
    report = run_jobs(as_of=DAY31, only=["erase_due_accounts"], dry_run=True)
    counts = report.jobs["erase_due_accounts"]["counts"]
    assert counts["would_erase"] == 1 and counts["held"] == 1  # type: ignore[index]
    assert not Erasure.objects.exists() and not LegalHold.objects.filter(subject_notified_at__isnull=False)
