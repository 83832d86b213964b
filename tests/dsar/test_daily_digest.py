"""A daily digest to privacy officers lists what is overdue and what falls due within 7 days —
once per day, however often the job runner runs."""

from __future__ import annotations

import json
from io import StringIO

from django.core import mail
from django.core.management import call_command

from accounts.models import Customer, Notification
from tests.conftest import NOW

from .conftest import days, submit


def _run(as_of, *, dry_run: bool = False) -> dict:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("run_privacy_jobs", as_of=as_of, only=["dsar_daily_digest"], json=True, dry_run=dry_run,
                 stdout=out)
    return json.loads(out.getvalue())["jobs"]["dsar_daily_digest"]["counts"]


def test_officers_get_one_digest_a_day_with_overdue_and_due_soon(  # type: ignore[no-untyped-def]
        customer_a: Customer, customer_b: Customer, privacy_officer, support_agent) -> None:
    privacy_officer.email = "priya@micropim.net"
    privacy_officer.save()
    support_agent.email = "sam@micropim.net"
    support_agent.save()
    late = submit("access", customer=customer_a, received_at=NOW - days(31))
    soon = submit("erasure", customer=customer_b, email=customer_b.email, received_at=NOW - days(25))
    later = submit("restriction", customer=customer_a, received_at=NOW - days(1))
    mail.outbox.clear()
    assert _run(NOW, dry_run=True) == {"overdue": 1, "due_soon": 1, "officers": 1, "sent": 0}
    assert mail.outbox == []
    assert _run(NOW)["sent"] == 1
    for hour in (1, 5, 14):  # beat runs hourly: still one digest that day
        assert _run(NOW + days(1) / 24 * hour)["sent"] == 0
    [digest] = mail.outbox
    assert digest.to == ["priya@micropim.net"]  # support agents get none
    assert "1 overdue, 1 due within 7 days" in digest.subject
    assert str(late.public_id) in digest.body and str(soon.public_id) in digest.body
    assert str(later.public_id) not in digest.body
    assert customer_a.email not in digest.body and "Ana" not in digest.body  # ids, no personal data
    assert _run(NOW + days(1))["sent"] == 1  # the next day, the next digest
    assert Notification.objects.filter(kind="request_digest").count() == 2


def test_nothing_due_means_no_digest(customer_a: Customer, privacy_officer) -> None:  # type: ignore[no-untyped-def]
    privacy_officer.email = "priya@micropim.net"
    privacy_officer.save()
    submit("access", customer=customer_a)
    mail.outbox.clear()
    assert _run(NOW)["sent"] == 0 and mail.outbox == []
