"""Alerts to the security and privacy officers: the clock (24/48/60 h, overdue) and new reports.

Each clock alert happens once per breach and stage: a ``BreachAlert`` row (unique on breach and
stage) is claimed first, then each officer is emailed through ``accounts.notifications.notify``
with a per-recipient ``dedupe_key``, then the row is marked complete. A crash half-way is
finished by the next run, and nobody is emailed twice.

Catching up after downtime (the rule): only the latest stage reached by ``as_of`` is sent,
with the time really left as of ``as_of``; earlier stages not sent by then are recorded as
``superseded`` and never sent. Back after 40 hours down at hour 65, the officers get one
"7 h left" alert, not a 24 h, a 48 h and a 60 h alert at once. Once the 72 hours have run
out, the single ``overdue`` alert replaces them all. A breach notified to ANSPDCP, or assessed
as unlikely to result in a risk (Art. 33(1)), gets no further alert.

No report content goes into an email: officers read it in the admin, where views are logged.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse

from accounts.notifications import notify

from . import clock, conf
from .models import Breach, BreachAlert, SecurityReport
from .selectors import clock_running, officer_recipients

log = logging.getLogger(__name__)


def _admin_url(name: str, pk: int) -> str:
    return conf.SITE_URL.rstrip("/") + reverse(f"admin:breaches_{name}_change", args=[pk])


def _alert_context(breach: Breach, stage: clock.Stage, as_of: datetime) -> dict[str, Any]:
    return {
        "breach": breach,
        "stage": stage.key,
        "overdue": stage.is_overdue,
        "discovered": clock.format_local(breach.discovered_at),
        "deadline": clock.format_local(breach.authority_deadline_at),
        "time_left": clock.format_remaining(breach.authority_deadline_at, as_of),
        "remaining": clock.format_duration(clock.remaining(breach.authority_deadline_at, as_of)),
        "url": _admin_url("breach", breach.pk),
    }


def _send_stage(breach: Breach, stage: clock.Stage, as_of: datetime) -> tuple[int, int]:
    """Email every officer (once each); returns (recipients, emails sent by this call)."""
    recipients = officer_recipients()
    if not recipients:
        log.warning("breach %s: %s alert has no recipient (no officer with an email)", breach.pk, stage.key)
    context = _alert_context(breach, stage, as_of)
    sent = 0
    for r in recipients:
        note = notify(kind="breach_clock_alert", to_email=r.email, language="en", context=context,
                      dedupe_key=f"breach-alert:{breach.pk}:{stage.key}:{r.key}", now=as_of)
        sent += note is not None
    return len(recipients), sent


def send_clock_alerts(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    counts = {"alerts": 0, "superseded": 0, "emails": 0}
    first = min(s.after for s in clock.STAGES)
    candidates = Breach.objects.filter(clock_running(), discovered_at__lte=as_of - first).order_by("pk")
    for breach in candidates.iterator(chunk_size=200):
        reached = clock.reached_stages(breach.discovered_at, as_of)
        latest = reached[-1]
        existing = {a.stage: a for a in breach.alerts.all()}
        if latest.key in existing and existing[latest.key].completed_at is not None:
            continue
        missed = [s for s in reached[:-1] if s.key not in existing]
        counts["alerts"] += 1
        counts["superseded"] += len(missed)
        if dry_run:
            continue
        with transaction.atomic():
            for s in missed:
                BreachAlert.objects.get_or_create(
                    breach=breach, stage=s.key,
                    defaults={"status": BreachAlert.Status.SUPERSEDED, "created_at": as_of,
                              "due_at": clock.stage_due_at(breach.discovered_at, s),
                              "completed_at": as_of})
            alert, _ = BreachAlert.objects.get_or_create(
                breach=breach, stage=latest.key,
                defaults={"status": BreachAlert.Status.SENT, "created_at": as_of,
                          "due_at": clock.stage_due_at(breach.discovered_at, latest)})
        recipients, sent = _send_stage(breach, latest, as_of)
        alert.recipients, alert.completed_at = recipients, as_of
        alert.save(update_fields=["recipients", "completed_at"])
        counts["emails"] += sent
    return counts


def alert_officers_of_report(*, report_id: int, now: datetime) -> int:
    """Tell the officers a security report came in (§14.4). Safe to call again."""
    report = SecurityReport.objects.filter(pk=report_id, officers_alerted_at__isnull=True).first()
    if report is None:
        return 0
    context = {"report": report, "url": _admin_url("securityreport", report.pk),
               "received": clock.format_local(report.received_at)}
    sent = 0
    for r in officer_recipients():
        note = notify(kind="breach_security_report", to_email=r.email, language="en", context=context,
                      dedupe_key=f"breach-report:{report.pk}:{r.key}", now=now)
        sent += note is not None
    SecurityReport.objects.filter(pk=report.pk).update(officers_alerted_at=now)
    return sent


def alert_officers_of_reports(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    """The catch-up for reports whose after-commit alert never ran (a crash, a restart)."""
    pending = SecurityReport.objects.filter(officers_alerted_at__isnull=True, received_at__lte=as_of)
    if dry_run:
        return {"reports": pending.count()}
    ids = list(pending.order_by("pk").values_list("pk", flat=True))
    return {"reports": len(ids),
            "emails": sum(alert_officers_of_report(report_id=pk, now=as_of) for pk in ids)}
