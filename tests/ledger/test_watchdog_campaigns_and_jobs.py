"""Notice campaigns with deliveries pending for over an hour, and job runs that failed or
never finished: found, alerted once (per failure streak), retried or marked failed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Customer, Notification
from ledger.actions import finding_mark_failed, finding_retry, offered
from ledger.models import Finding
from ledger.watchdog import watchdog_run
from retention.models import JobRun
from subprocessors.campaigns import campaign_create
from subprocessors.models import NoticeCampaign, NoticeDelivery
from tests.conftest import NOW

from .conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def officer(privacy_officer: User) -> User:
    privacy_officer.email = "priya@micropim.test"
    privacy_officer.save(update_fields=["email"])
    return privacy_officer


def _alerts() -> int:
    return Notification.objects.filter(kind="watchdog_alert").count()


def _campaign(customers: list[Customer]) -> NoticeCampaign:
    # Created in the test's transaction: its Celery delivery (queued on commit) never starts.
    return campaign_create(kind=NoticeCampaign.Kind.OTHER, title="Office move notice",
                           recipients=[(c, None) for c in customers], template="notice",
                           context={"subject_en": "We moved", "body_en": "New address.",
                                    "subject_ro": "Ne-am mutat", "body_ro": "Adresă nouă."}, now=NOW)


def test_a_campaign_still_pending_after_an_hour_is_found_and_retried(
        customer_a: Customer, customer_b: Customer, officer: User) -> None:
    campaign = _campaign([customer_a, customer_b])
    watchdog_run(as_of=NOW + timedelta(minutes=59), dry_run=False)
    assert not Finding.objects.exists()
    watchdog_run(as_of=NOW + timedelta(minutes=61), dry_run=False)
    finding = Finding.objects.get()
    assert finding.rule == "pending_deliveries" and "2 delivery(ies) still pending 1 hour(s) after" in finding.reason
    assert offered(finding) == ["retry", "reassign", "mark_failed"]
    message = finding_retry(finding=finding, actor=officer, now=NOW + timedelta(hours=2))
    assert message.startswith("Campaign: 2 sent, 0 pending")
    finding.refresh_from_db()
    assert finding.state == "resolved"
    assert set(campaign.deliveries.values_list("status", flat=True)) == {"sent"}


def test_a_campaign_given_up_is_marked_failed_with_the_reason(customer_a: Customer, officer: User) -> None:
    campaign = _campaign([customer_a])
    watchdog_run(as_of=NOW + timedelta(hours=2), dry_run=False)
    finding = Finding.objects.get()
    finding_mark_failed(finding=finding, reason="recipient list withdrawn by legal", actor=officer,
                        now=NOW + timedelta(hours=2))
    delivery = NoticeDelivery.objects.get(campaign=campaign)
    assert (delivery.status, delivery.error) == ("failed", "given up: recipient list withdrawn by legal")
    campaign.refresh_from_db()
    assert campaign.status == "completed"
    finding.refresh_from_db()
    assert finding.state == "resolved" and finding.history[-2]["note"].startswith("recipient list withdrawn")


def _run(job: str, outcome: str, started: datetime) -> JobRun:
    return JobRun.objects.create(job=job, as_of=started, started_at=started, outcome=outcome,
                                 finished_at=None if outcome == "running" else started,
                                 error="ErasuresIncomplete: 1 erasure(s) failed" if outcome == "failed" else "")


def test_a_failing_job_alerts_once_per_failure_streak(officer: User) -> None:
    now = timezone.now()
    _run("erase_due_accounts", "ok", now - timedelta(hours=5))
    for hours in (4, 3, 2):
        _run("erase_due_accounts", "failed", now - timedelta(hours=hours))
        watchdog_run(as_of=now, dry_run=False)
    finding = Finding.objects.get()
    assert finding.reason.startswith("Job erase_due_accounts failed 3 time(s) in a row since")
    assert "last error: ErasuresIncomplete: 1 erasure(s) failed" in finding.reason
    assert _alerts() == 1

    _run("erase_due_accounts", "ok", now - timedelta(hours=1))
    watchdog_run(as_of=now, dry_run=False)
    finding.refresh_from_db()
    assert finding.state == "resolved"

    _run("erase_due_accounts", "failed", now - timedelta(minutes=30))  # a new streak: a new alert
    watchdog_run(as_of=now, dry_run=False)
    assert Finding.objects.filter(state="open").count() == 1 and _alerts() == 2


def test_a_job_run_that_never_finished_is_marked_failed_with_the_reason(officer: User) -> None:
    now = timezone.now()
    _run("purge_expired", "ok", now - timedelta(hours=4))
    run = _run("purge_expired", "running", now - timedelta(hours=3))  # its process died
    watchdog_run(as_of=now, dry_run=False)
    finding = Finding.objects.get()
    assert finding.rule == "unfinished" and "never finished" in finding.reason
    assert offered(finding) == ["retry", "reassign", "mark_failed"]
    finding_mark_failed(finding=finding, reason="worker OOM-killed at 03:00 (ops ticket 77)", actor=officer, now=now)
    run.refresh_from_db()
    assert run.outcome == "failed" and run.error == "marked failed by priya: worker OOM-killed at 03:00 (ops ticket 77)"
    finding.refresh_from_db()
    assert finding.state == "resolved"
    # That run is now the job's latest and failed: listed, but the officer who marked it knows already.
    known = Finding.objects.get(state="open")
    assert known.rule == "failed" and known.alerted_at is not None
    alerts = _alerts()
    watchdog_run(as_of=now, dry_run=False)
    assert _alerts() == alerts


def test_a_dry_run_changes_nothing(customer_a: Customer, officer: User) -> None:
    _campaign([customer_a])
    counts = watchdog_run(as_of=NOW + timedelta(hours=2), dry_run=True)
    assert counts["found"] == 1 and counts["new"] == 1 and counts["alerted"] == 1
    assert not Finding.objects.exists() and _alerts() == 0
    call_command("run_privacy_jobs", as_of=NOW + timedelta(hours=2), only=["watchdog"], dry_run=True)
    assert not Finding.objects.exists()
