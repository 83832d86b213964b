"""The watchdog: finds work that has not moved, lists it, and tells privacy officers once.

Each run (hourly, the ``watchdog`` job) evaluates every rule of ``ledger/rules.py`` and
reconciles the ``Finding`` rows with what it saw:

- a new key → a new open finding (shown in the admin's "needs attention" list);
- a key seen before → ``last_seen_at`` and the reason refreshed; a resolved one reopened
  (no new alert: the key already alerted once — a new problem gets a new key);
- an open finding no rule reports any more → resolved ("moving again or finished").

Then every open finding not yet alerted goes to each privacy officer in one email per run
(``accounts.notifications.notify`` with a dedupe key over the findings' ids, so a crash
between sending and marking never sends the same alert twice), and is marked alerted.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import notify

from . import conf, rules
from .models import Finding
from .rules import Detected
from .selectors import privacy_officers

log = logging.getLogger(__name__)


def detect(*, as_of: datetime, wall: datetime) -> list[Detected]:
    found: list[Detected] = []
    found += rules.requests(as_of)
    found += rules.erasures(as_of)
    found += rules.campaigns(as_of)
    found += rules.jobs(wall)
    found += rules.ledger(as_of)
    return found


def watchdog_run(*, as_of: datetime, dry_run: bool, wall: datetime | None = None) -> dict[str, int]:
    detected = detect(as_of=as_of, wall=wall or timezone.now())
    keys = {d.key for d in detected}
    known = dict(Finding.objects.filter(key__in=keys).values_list("key", "alerted_at"))
    counts = {"found": len(detected), "new": len(keys - known.keys()), "resolved": 0, "alerted": 0, "emails": 0}
    if dry_run:
        counts["resolved"] = Finding.objects.filter(state=Finding.State.OPEN).exclude(key__in=keys).count()
        counts["alerted"] = counts["new"] + sum(1 for k in keys & known.keys() if known[k] is None)
        return counts
    reconcile(detected, now=as_of)
    counts["resolved"] = resolve_missing(Finding.objects.filter(state=Finding.State.OPEN).exclude(key__in=keys),
                                         now=as_of, why="no longer stalled: moving again or finished")
    counts["alerted"], counts["emails"] = alert(now=as_of)
    return counts


def reconcile(detected: Iterable[Detected], *, now: datetime, acknowledged_by: str = "") -> None:
    """Create or refresh a finding per detected item (``acknowledged_by``: staff who caused it
    by their own action already know — recorded as alerted, no email)."""
    for d in detected:
        fields = {"kind": d.kind, "rule": d.rule, "object_type": d.object_type, "object_id": d.object_id,
                  "reason": d.reason, "last_seen_at": now}
        updated = Finding.objects.filter(key=d.key).update(**fields)
        if updated:
            Finding.objects.filter(key=d.key, state=Finding.State.RESOLVED).update(
                state=Finding.State.OPEN, resolved_at=None, resolution="")
            continue
        history = [{"at": now.isoformat(), "by": acknowledged_by or "watchdog", "action": "found",
                    "note": d.reason[:300]}]
        try:
            with transaction.atomic():
                Finding.objects.create(key=d.key, first_seen_at=now, history=history,
                                       alerted_at=now if acknowledged_by else None, **fields)
        except IntegrityError:  # another run created it a moment ago
            Finding.objects.filter(key=d.key).update(**fields)


def resolve_missing(findings: Any, *, now: datetime, why: str, by: str = "watchdog") -> int:
    resolved = 0
    for finding in findings:
        resolved += finding_resolve(finding, now=now, why=why, by=by)
    return resolved


def finding_resolve(finding: Finding, *, now: datetime, why: str, by: str) -> int:
    with transaction.atomic():
        locked = Finding.objects.select_for_update().get(pk=finding.pk)
        if locked.state != Finding.State.OPEN:
            return 0
        locked.state, locked.resolved_at, locked.resolution = Finding.State.RESOLVED, now, why[:1000]
        locked.history = [*locked.history, {"at": now.isoformat(), "by": by, "action": "resolved", "note": why[:300]}]
        locked.save(update_fields=["state", "resolved_at", "resolution", "history"])
    return 1


def alert(*, now: datetime) -> tuple[int, int]:
    """One email per officer listing the open findings nobody was told about; each alerts once."""
    pending = list(Finding.objects.filter(state=Finding.State.OPEN, alerted_at__isnull=True).order_by("id"))
    officers = privacy_officers()
    if not pending or not officers:
        return 0, 0
    digest = hashlib.sha256(",".join(str(f.pk) for f in pending).encode()).hexdigest()[:16]
    url = conf.public_base_url() + reverse("admin:ledger_finding_changelist")
    sent = 0
    for officer in officers:
        note = notify(kind="watchdog_alert", to_email=officer.email, language="en", now=now,
                      context={"findings": pending, "url": url, "as_of": now, "officer": officer},
                      dedupe_key=f"watchdog:{officer.pk}:{digest}")
        sent += note is not None
    Finding.objects.filter(pk__in=[f.pk for f in pending], alerted_at__isnull=True).update(alerted_at=now)
    log.info("watchdog: %s finding(s) alerted to %s officer(s)", len(pending), len(officers))
    return len(pending), sent


def refresh(finding: Finding, *, now: datetime, actor: str) -> None:
    """Re-evaluate one finding's object right after a staff action: resolve it if it moved;
    what the action itself produced (e.g. a request now "failed") is recorded as known."""
    detected = list(_detect_object(finding, now=now))
    reconcile(detected, now=now, acknowledged_by=actor)
    keys = {d.key for d in detected}
    if finding.kind in (Finding.Kind.JOB, Finding.Kind.LEDGER):
        same_object = Finding.objects.filter(pk=finding.pk).exclude(key__in=keys)
    else:
        same_object = Finding.objects.filter(state=Finding.State.OPEN, object_type=finding.object_type,
                                             object_id=finding.object_id).exclude(key__in=keys)
    resolve_missing(same_object, now=now, why=f"moving again after {actor}'s action", by=actor)


def _detect_object(finding: Finding, *, now: datetime) -> Iterable[Detected]:
    if finding.kind == Finding.Kind.REQUEST:
        return rules.requests(now, pks=[int(finding.object_id)])
    if finding.kind == Finding.Kind.ERASURE:
        return rules.erasures(now, pks=[int(finding.object_id)])
    if finding.kind == Finding.Kind.CAMPAIGN:
        return rules.campaigns(now, pks=[int(finding.object_id)])
    if finding.kind == Finding.Kind.JOB:  # every finding of that job: a run marked failed starts a streak
        from retention.models import JobRun

        job = JobRun.objects.filter(pk=int(finding.object_id)).values_list("job", flat=True).first()
        return list(rules.jobs(timezone.now(), names=[job] if job else []))
    return [d for d in rules.ledger(now) if d.key == finding.key]
