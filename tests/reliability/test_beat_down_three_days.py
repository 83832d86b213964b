"""Beat down for three days: the next run catches up every deadline and reminder, each once.

The jobs run as beat would at T0; then nothing runs for three days (beat down, no worker), while
a deletion's 7-day point, another's 1-day point, a third's final date, a breach's 24/48/60/72-hour
alerts, a sub-processor's start date and a new notice campaign all fall due. One
``run_privacy_jobs --as-of T0+3d`` then does what policy says should have happened by then:

- §5.3 reminders: a 7-day reminder missed in the gap goes late, once; where the 1-day point has
  passed too, only the 1-day one goes; after the final date none goes — the account is erased;
- §6.4 breach clock: only the latest stage goes, stating the real time left (here: "overdue"),
  the stages skipped are recorded as superseded, never sent;
- §4.2 the sub-processor becomes active; the notice campaign queued in the gap is delivered;
- and a second run at the same instant sends nothing more.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command

from accounts.lifecycle import deletion_start
from accounts.models import Customer, Notification
from breaches.models import BreachAlert
from breaches.services import breach_create
from micropim_privacy.policy import Deadlines
from subprocessors.models import NoticeDelivery, SubProcessor
from subprocessors.services import subprocessor_announce, subprocessor_propose
from tests.conftest import NOW

pytestmark = pytest.mark.django_db(databases=["default", "ledger"])

T0 = NOW
GAP = timedelta(days=3)
GRACE = Deadlines.ACCOUNT_DELETION_GRACE.delta
JOBS = ("send_deletion_reminders", "erase_due_accounts", "breach_clock_alerts", "start_announced_subprocessors",
        "deliver_notice_campaigns", "retry_notifications")


def run_jobs(as_of) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with time_machine.travel(as_of, tick=False):
        call_command("run_privacy_jobs", "--as-of", as_of.isoformat(), "--only", *JOBS, "--json", stdout=out)
    return json.loads(out.getvalue())["jobs"]  # type: ignore[no-any-return]


def _pending(external_id: str, due_in: timedelta) -> Customer:
    """An account whose 31-day countdown ends ``due_in`` after T0 (started through the lifecycle)."""
    customer = Customer.objects.create(external_id=external_id, email=f"{external_id}@example.com")
    started = T0 + due_in - GRACE
    with time_machine.travel(started, tick=False):
        deletion_start(customer=customer, now=started)
    return customer


def _kinds(customer: Customer) -> list[str]:
    return sorted(Notification.objects.filter(customer=customer).values_list("kind", flat=True))


def test_three_days_without_beat_are_caught_up_by_the_next_run(privacy_officer: User,
                                                               security_officer: User) -> None:
    for officer, address in ((privacy_officer, "priya@micropim.net"), (security_officer, "sid@micropim.net")):
        officer.email = address
        officer.save(update_fields=["email"])
    active = [Customer.objects.create(external_id=f"cus-act{i}", email=f"act{i}@example.com") for i in range(2)]
    late_seven = _pending("cus-late7", due_in=timedelta(days=8))  # 7-day point: T0+1d, in the gap
    one_day = _pending("cus-1day", due_in=timedelta(days=3, hours=12))  # 1-day point: T0+2.5d, in the gap
    past_due = _pending("cus-gone", due_in=timedelta(days=2, hours=12))  # final date in the gap
    with time_machine.travel(T0 - timedelta(days=29), tick=False):
        announced = T0 - timedelta(days=29)
        starting = subprocessor_propose(name="Mailgun", service="Email", data_shared="Email addresses",
                                        location="Germany", safeguards=["eu_only"], now=announced)
        subprocessor_announce(subprocessor=starting, starts_on=(T0 + timedelta(days=2)).date(), by=None,
                              now=announced)
    fresh = breach_create(fields={"title": "Fresh", "detected_by": "t", "nature": "n", "confidentiality": True,
                                  "discovered_at": T0 - timedelta(hours=10)}, actor=None, now=T0)
    older = breach_create(fields={"title": "Older", "detected_by": "t", "nature": "n", "confidentiality": True,
                                  "discovered_at": T0 - timedelta(hours=30)}, actor=None, now=T0)

    # T0: beat still runs.
    run_jobs(T0)
    assert _kinds(late_seven) == ["deletion_started"]
    assert _kinds(one_day) == ["deletion_reminder_7d", "deletion_started"]
    assert _kinds(past_due) == ["deletion_reminder_7d", "deletion_started"]
    assert set(BreachAlert.objects.filter(breach=older).values_list("stage", "status")) == {("24h", "sent")}
    assert not BreachAlert.objects.filter(breach=fresh).exists()
    assert SubProcessor.objects.get(pk=starting.pk).status == SubProcessor.Status.ANNOUNCED

    # Beat dies. A day later staff announce another sub-processor: its campaign is never queued.
    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        new = subprocessor_propose(name="Brevo", service="Email", data_shared="Email addresses",
                                   location="France", safeguards=["eu_only"], now=T0 + timedelta(days=1))
        new = subprocessor_announce(subprocessor=new, starts_on=(T0 + timedelta(days=40)).date(), by=None,
                                    now=T0 + timedelta(days=1))
    mail.outbox.clear()

    # T0 + 3 days: the next run.
    jobs = run_jobs(T0 + GAP)
    assert _kinds(late_seven) == ["deletion_reminder_7d", "deletion_started"]  # late, once
    assert _kinds(one_day) == ["deletion_reminder_1d", "deletion_reminder_7d", "deletion_started"]
    assert "deletion_reminder_1d" not in _kinds(past_due)  # too late for a reminder: it is erased
    assert Customer.objects.get(pk=past_due.pk).status == Customer.Status.DELETED
    assert Customer.objects.get(pk=one_day.pk).status == Customer.Status.PENDING_DELETION
    assert Customer.objects.get(pk=late_seven.pk).status == Customer.Status.PENDING_DELETION
    assert jobs["erase_due_accounts"]["counts"]["erased"] == 1, jobs
    assert jobs["send_deletion_reminders"]["counts"] == {"deletion_reminder_7d": 1, "deletion_reminder_1d": 1,
                                                         "start_notices": 0}, jobs

    for breach, superseded in ((fresh, {"24h", "48h", "60h"}), (older, {"48h", "60h"})):
        alerts = dict(BreachAlert.objects.filter(breach=breach).values_list("stage", "status"))
        assert alerts["overdue"] == BreachAlert.Status.SENT, alerts
        assert {s for s, st in alerts.items() if st == BreachAlert.Status.SUPERSEDED} == superseded, alerts
        sent = [m for m in mail.outbox if m.subject.startswith(f"[{breach.reference}]")]
        assert len(sent) == 2 and all("OVERDUE" in m.subject for m in sent), [m.subject for m in sent]

    assert SubProcessor.objects.get(pk=starting.pk).status == SubProcessor.Status.ACTIVE
    brevo = [m.to[0] for m in mail.outbox if "Brevo" in m.subject]
    assert sorted(brevo) == sorted(c.email for c in active)  # the pending accounts are not "active"
    assert not NoticeDelivery.objects.filter(campaign=new.announcement).exclude(status="sent").exists()

    # The same instant again (beat's next tick, or a second worker): nothing twice.
    sent_before = len(mail.outbox)
    run_jobs(T0 + GAP)
    assert len(mail.outbox) == sent_before
