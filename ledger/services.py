"""Every write to the erasure ledger: record a completed erasure, catch up, purge.

The ledger is append-only (a PostgreSQL trigger refuses UPDATE, and DELETE unless the purge
below marks its transaction), keyed by the erasure's uuid, so recording twice is a no-op.
Entries are kept as long as billing records live (§5.2: the period comes from the registry,
``billing_records``): replay itself needs only as much as the oldest backup (31 days, the
``backups`` category), but while we hold billing records of an erased customer, the ledger
is how we prove they were erased everywhere else.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from accounts.models import Erasure
from micropim_privacy.policy import Period, category

from . import conf
from .models import LedgerEntry, LedgerIdentifier

log = logging.getLogger(__name__)

PURGE_SETTING = "ledger.purge"  # read by the append-only trigger (migration 0001)


class NotCompleted(Exception):
    pass


def retention() -> Period:
    """How long an entry is kept: as long as billing records live (§5.2, the registry)."""
    period = category("billing_records").retention
    assert period is not None  # noqa: S101 — the registry gives billing records a period
    return period


def systems_covered(erasure: Erasure) -> list[dict[str, Any]]:
    return [{"system": s.system, "status": s.status, "removed": sum(int(n) for n in s.removed.values())}
            for s in erasure.steps.order_by("position")]


def ledger_record(*, erasure: Erasure, now: datetime | None = None) -> tuple[LedgerEntry, bool]:
    """Write the completed erasure to the ledger (once; a second call returns the entry)."""
    if erasure.status != Erasure.Status.COMPLETED or erasure.finished_at is None:
        raise NotCompleted(f"erasure {erasure.uuid} is {erasure.status}, not completed")
    alias = conf.ledger_alias()
    existing = LedgerEntry.objects.filter(erasure_uuid=erasure.uuid).first()
    if existing is not None:
        return existing, False
    with transaction.atomic(using=alias):
        entry, created = LedgerEntry.objects.get_or_create(erasure_uuid=erasure.uuid, defaults={
            "reason": erasure.reason, "requested_at": erasure.requested_at,
            "erased_at": erasure.finished_at, "systems": systems_covered(erasure),
            "certificate_sha256": erasure.certificate_sha256, "recorded_at": now or timezone.now(),
        })
        if created:
            LedgerIdentifier.objects.bulk_create(
                LedgerIdentifier(entry=entry, kind=kind, hash=value)
                for kind, value in sorted(erasure.identifier_hashes.items()))
    if created:
        log.info("erasure %s recorded in the ledger", erasure.uuid)
    return entry, created


def missing_from_ledger(*, finished_before: datetime | None = None, batch: int = 500) -> list[Erasure]:
    """Completed erasures the ledger does not hold (a write that failed, or predates the ledger)."""
    completed = Erasure.objects.filter(status=Erasure.Status.COMPLETED).order_by("pk")
    if finished_before is not None:
        completed = completed.filter(finished_at__lt=finished_before)
    missing: list[Erasure] = []
    last = 0
    while chunk := list(completed.filter(pk__gt=last).only("pk", "uuid")[:batch]):
        last = chunk[-1].pk
        known = set(LedgerEntry.objects.filter(erasure_uuid__in=[e.uuid for e in chunk])
                    .values_list("erasure_uuid", flat=True))
        missing += [e for e in chunk if e.uuid not in known]
    return missing


def ledger_record_missing(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    """The catch-up job: every completed erasure in the ledger (idempotent)."""
    missing = missing_from_ledger()
    counts = {"missing": len(missing), "recorded": 0}
    if dry_run:
        return counts
    for erasure in missing:
        erasure.refresh_from_db()
        _, created = ledger_record(erasure=erasure, now=as_of)
        counts["recorded"] += created
    return counts


def ledger_purge_expired(*, as_of: datetime, dry_run: bool, batch: int = 500) -> dict[str, int]:
    """Entries past the billing-records period (computed now: a policy change needs no migration)."""
    cutoff = retention().before(as_of)
    expired = LedgerEntry.objects.filter(erased_at__lt=cutoff)
    counts = {"expired": expired.count(), "deleted": 0}
    if dry_run:
        return counts
    alias = conf.ledger_alias()
    while pks := list(expired.order_by("pk").values_list("pk", flat=True)[:batch]):
        with transaction.atomic(using=alias):
            _allow_purge(alias)
            LedgerIdentifier.objects.filter(entry_id__in=pks).delete()
            counts["deleted"] += LedgerEntry.objects.filter(pk__in=pks).delete()[1].get("ledger.LedgerEntry", 0)
    return counts


def _allow_purge(alias: str) -> None:
    """Mark this transaction as the retention purge: the only DELETE the trigger lets through."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
