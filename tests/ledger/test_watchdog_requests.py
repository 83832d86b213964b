"""A data subject request that stops moving is found, alerted once, and handled from the
"needs attention" list: reassigned, or marked failed — a real state with a reason on the
request's timeline, distinct from refused and completed — and retried from there."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from accounts.models import Customer, Notification
from dsar.intake import Submission, request_submit
from dsar.models import DataSubjectRequest, RequestEvent
from dsar.services import request_mark_identity_verified, request_move
from ledger.models import Finding
from tests.conftest import NOW

from .conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


@pytest.fixture
def officer(privacy_officer: User) -> User:
    privacy_officer.email = "priya@micropim.test"
    privacy_officer.save(update_fields=["email"])
    return privacy_officer


def _in_progress(customer: Customer, at: datetime) -> DataSubjectRequest:
    sub = Submission(type="access", email=customer.email, channel="email", received_at=at, customer=customer)
    dsr = request_submit(submission=sub, actor="test", now=at)
    request_mark_identity_verified(dsr=dsr, method=DataSubjectRequest.VerificationMethod.GOVERNMENT_ID,
                                   actor="test", now=at)
    return request_move(dsr=dsr, to="in_progress", actor="test", now=at, reason="package requested")


def _watchdog(at: datetime) -> None:
    call_command("run_privacy_jobs", as_of=at, only=["watchdog"])


def _alerts() -> int:
    return Notification.objects.filter(kind="watchdog_alert").count()


def test_a_request_in_progress_for_more_than_a_day_is_found_once(customer_a: Customer, officer: User) -> None:
    dsr = _in_progress(customer_a, NOW)
    _watchdog(NOW + timedelta(hours=23))
    assert not Finding.objects.exists()
    for hours in (25, 26, 30):
        _watchdog(NOW + timedelta(hours=hours))
    finding = Finding.objects.get()
    assert finding.rule == "stalled_in_progress" and finding.object_id == str(dsr.pk)
    assert "in progress for 30 hour(s) (since 2026-03-10 09:00 UTC; flagged after 24 hour(s))" in finding.reason
    assert _alerts() == 1


def test_marking_failed_needs_a_reason_and_is_neither_refused_nor_completed(
        customer_a: Customer, officer: User, support_agent: User, staff_client: Callable[[User], Client]) -> None:
    dsr = _in_progress(customer_a, NOW)
    _watchdog(NOW + timedelta(days=2))
    stalled = Finding.objects.get()
    client = staff_client(officer)
    url = f"/admin/ledger/finding/{stalled.pk}/act/"

    assert client.post(url + "mark_failed/", {"reason": "  "}).status_code == 400
    dsr.refresh_from_db()
    assert dsr.status == "in_progress"

    assert client.post(url + "reassign/", {"assignee": support_agent.pk}).status_code == 302
    dsr.refresh_from_db()
    assert dsr.assignee == support_agent

    why = "The access package build crashes on this account's catalogue (ticket OPS-12)"
    assert client.post(url + "mark_failed/", {"reason": why}).status_code == 302
    dsr.refresh_from_db()
    assert dsr.status == "failed" and dsr.is_open and dsr.closed_at is None
    assert dsr.refusal_reason == "" and dsr.answer == ""  # not refused, not answered
    moved = dsr.events.filter(kind=RequestEvent.Kind.MOVED).last()
    assert (moved.from_status, moved.to_status, moved.reason, moved.actor_label) == (
        "in_progress", "failed", why, "priya")

    stalled.refresh_from_db()
    assert stalled.state == "resolved"
    failed = Finding.objects.get(state="open")
    assert failed.rule == "failed" and why in failed.reason
    assert failed.alerted_at is not None  # the officer who marked it knows: no alert for it
    alerts = _alerts()
    _watchdog(NOW + timedelta(days=2, hours=1))
    assert _alerts() == alerts

    page = client.get("/admin/ledger/finding/", follow=True).content.decode()
    assert "ticket OPS-12" in page and f"/admin/ledger/finding/{failed.pk}/act/retry/" in page
    assert client.post(f"/admin/ledger/finding/{failed.pk}/act/retry/").status_code == 302
    dsr.refresh_from_db()
    assert dsr.status == "in_progress"
    failed.refresh_from_db()
    assert failed.state == "resolved"


def test_an_action_that_does_not_fit_the_state_is_refused(customer_a: Customer, officer: User,
                                                            staff_client: Callable[[User], Client]) -> None:
    sub = Submission(type="access", email=customer_a.email, channel="email", received_at=NOW, customer=customer_a)
    dsr = request_submit(submission=sub, actor="test", now=NOW)  # awaiting the subject's confirmation
    _watchdog(NOW + timedelta(days=7, hours=1))
    finding = Finding.objects.get()
    assert finding.rule == "stalled_awaiting_verification"
    client = staff_client(officer)
    page = client.get(f"/admin/ledger/finding/{finding.pk}/act/mark_failed/")
    assert page.status_code == 409  # nothing was processed: refuse it or wait, not "failed"
    assert client.post(f"/admin/ledger/finding/{finding.pk}/act/mark_failed/",
                       {"reason": "no answer"}).status_code == 409
    dsr.refresh_from_db()
    assert dsr.status == "awaiting_verification"
    assert client.get(f"/admin/ledger/finding/{finding.pk}/act/nonsense/").status_code == 404


def test_due_within_three_days_and_not_started(customer_a: Customer, officer: User) -> None:
    sub = Submission(type="access", email=customer_a.email, channel="email", received_at=NOW, customer=customer_a)
    dsr = request_submit(submission=sub, actor="test", now=NOW)
    request_mark_identity_verified(dsr=dsr, method=DataSubjectRequest.VerificationMethod.GOVERNMENT_ID,
                                   actor="test", now=NOW)
    _watchdog(dsr.due_at - timedelta(days=3, minutes=1))
    assert [f.rule for f in Finding.objects.all()] == ["stalled_verified"]  # verified 27 days, not started
    _watchdog(dsr.due_at - timedelta(days=3))
    assert list(Finding.objects.filter(state="open").values_list("rule", flat=True)) == ["due_not_started"]
    assert "and not started: identity verified" in Finding.objects.get(state="open").reason
