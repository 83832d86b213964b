"""Replay after a restore: erase again everyone the ledger says was erased (§5.3).

Why it is built this way: after a restore of the main database, people erased since the
backup are back — their profile, their S3 prefix (if the bucket was restored too), their
Cognito user — and so may be the erasure records themselves, in whatever state they were at
backup time: absent (the backup predates the erasure), half-way (some steps "done" that
the restored systems have since undone), or failed. The ledger, in its own database, was
not rolled back. So the replay trusts only the ledger:

1. Every customer in the restored data that is not a tombstone is hashed with the same
   keyed hash (``accounts.identifiers``) and looked up in the ledger, in batches. A match
   on any identifier counts — but only for an account that existed when that erasure
   completed (``created_at <= erased_at``): a new account opened later with a reused
   email address is someone's new account, not a restored one.
2. Each match is erased through the same engine (``accounts.erasure``):
   - no erasure record (the usual case): ``erase_customer(reason="replay")``;
   - an unfinished restored erasure: re-armed — every step back to pending — and run
     again, because "done" in a restored record says nothing about restored systems
     (every connector finds what is left, so re-running a step is safe);
   - a completed erasure of an account that still has identifiers cannot come from a
     restore (the tombstone precedes completion): reported as an inconsistency.
3. Nobody is told again (``notify_subject=False``): the subject was told when the erasure
   first completed. A legal hold in the restored data pauses the engine: reported as held,
   and the command fails, like any subject it could not erase (the runbook says what to do).

A second replay finds nothing: every matched account is now a tombstone with no identifiers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from accounts.erasure import ErasureLock, ErasureRefused, erase_customer, run_erasure
from accounts.identifiers import identifier_hashes
from accounts.models import Customer, Erasure, ErasureStep

from . import conf
from .models import LedgerIdentifier, ReplayRun

log = logging.getLogger(__name__)

ERASED = "erased"
RESUMED = "resumed"
HELD = "held"
FAILED = "failed"
BUSY = "busy"
REFUSED = "refused"
INCONSISTENT = "inconsistent"
WOULD_ERASE = "would_erase"
OUTCOMES = (ERASED, RESUMED, HELD, FAILED, BUSY, REFUSED, INCONSISTENT, WOULD_ERASE)


@dataclass(frozen=True)
class Match:
    customer: Customer
    entry_uuid: str  # the ledger entry's erasure uuid (the original erasure)
    erased_at: datetime
    kinds: tuple[str, ...]  # which identifiers matched


@dataclass
class ReplayReport:
    since: datetime | None
    dry_run: bool
    scanned: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"scanned": self.scanned, "matched": len(self.results)}
        for outcome in OUTCOMES:
            counts[outcome] = sum(1 for r in self.results if r["outcome"] == outcome)
        return counts

    @property
    def problems(self) -> int:
        return sum(1 for r in self.results if r["outcome"] in (HELD, FAILED, BUSY, REFUSED, INCONSISTENT))

    def lines(self) -> Iterator[str]:
        since = f"erased since {self.since:%Y-%m-%d %H:%M} UTC" if self.since else "every ledger entry"
        yield f"Replay of the erasure ledger ({since}){' — DRY RUN, nothing changed' if self.dry_run else ''}"
        yield f"Customers scanned: {self.scanned}; matched in the ledger: {len(self.results)}"
        for r in self.results:
            yield (f"  customer #{r['customer']}: ledger entry {r['ledger_entry']} (erased "
                   f"{r['erased_at'][:16]}, matched on {', '.join(r['matched_on'])}) → {r['outcome']}"
                   + (f", erasure {r['erasure']}" if r.get("erasure") else "")
                   + (f": {r['detail']}" if r.get("detail") else ""))
        yield "Result: " + ", ".join(f"{k} {v}" for k, v in self.counts.items() if k not in ("scanned", "matched"))


def candidates() -> Any:
    """Every account that still carries identifiers (tombstones are ``erased-<uuid>``)."""
    return Customer.objects.exclude(external_id__startswith="erased-").order_by("pk")


def find_matches(*, since: datetime | None = None, batch: int | None = None) -> Iterator[Match]:
    size = batch or conf.replay_batch_size()
    last = 0
    while chunk := list(candidates().filter(pk__gt=last)[:size]):
        last = chunk[-1].pk
        hashes = {c.pk: identifier_hashes(c) for c in chunk}
        wanted = {h for per in hashes.values() for h in per.values()}
        rows = LedgerIdentifier.objects.filter(hash__in=wanted).select_related("entry")
        if since is not None:
            rows = rows.filter(entry__erased_at__gte=since)
        by_hash: dict[str, list[LedgerIdentifier]] = {}
        for row in rows:
            by_hash.setdefault(row.hash, []).append(row)
        for customer in chunk:
            match = _match(customer, hashes[customer.pk], by_hash)
            if match is not None:
                yield match


def _match(customer: Customer, hashes: dict[str, str], by_hash: dict[str, list[LedgerIdentifier]]) -> Match | None:
    found: dict[str, tuple[datetime, set[str]]] = {}
    for kind, value in hashes.items():
        for row in by_hash.get(value, []):
            if row.kind != kind or customer.created_at > row.entry.erased_at:
                continue  # a later account with a reused identifier is not the erased one
            erased_at, kinds = found.setdefault(str(row.entry.erasure_uuid), (row.entry.erased_at, set()))
            kinds.add(kind)
    if not found:
        return None
    entry_uuid, (erased_at, kinds) = max(found.items(), key=lambda item: item[1][0])  # the latest erasure
    return Match(customer, entry_uuid, erased_at, tuple(sorted(kinds)))


def replay_erasures(*, now: datetime, since: datetime | None = None, dry_run: bool = False) -> ReplayReport:
    report = ReplayReport(since=since, dry_run=dry_run)
    started = timezone.now()
    report.scanned = candidates().count()
    for match in find_matches(since=since):
        result = {"customer": match.customer.pk, "ledger_entry": match.entry_uuid,
                  "erased_at": match.erased_at.isoformat(), "matched_on": list(match.kinds)}
        result.update(_would(match) if dry_run else _erase_again(match, now=now))
        report.results.append(result)
        log.info("replay: customer %s matched ledger entry %s: %s", match.customer.pk, match.entry_uuid,
                 result["outcome"])
    if not dry_run:  # proof, in the ledger's own database, that the restore was followed up
        ReplayRun.objects.create(started_at=started, finished_at=timezone.now(), since=since,
                                 counts=report.counts, results=report.results)
    return report


def _would(match: Match) -> dict[str, Any]:
    existing = Erasure.objects.filter(customer=match.customer).first()
    if existing is None:
        return {"outcome": WOULD_ERASE, "detail": "would start a replay erasure"}
    return {"outcome": WOULD_ERASE, "erasure": str(existing.uuid),
            "detail": f"would re-arm the restored {existing.status} erasure and run every step again"}


def _erase_again(match: Match, *, now: datetime) -> dict[str, Any]:
    customer = match.customer
    existing = Erasure.objects.filter(customer=customer).first()
    try:
        if existing is None:
            erasure = erase_customer(customer=customer, reason=Erasure.Reason.REPLAY, now=now,
                                     notify_subject=False, request_ref=f"replay:{match.entry_uuid}"[:64])
            return _outcome(erasure, ERASED)
        if existing.status == Erasure.Status.COMPLETED:
            return {"outcome": INCONSISTENT, "erasure": str(existing.uuid),
                    "detail": "a completed erasure, yet the account still has identifiers: check by hand"}
        with ErasureLock(existing.pk) as acquired:  # re-entrant: run_erasure takes it again
            if not acquired:
                return {"outcome": BUSY, "erasure": str(existing.uuid),
                        "detail": "another worker holds this erasure; stop workers and run again"}
            rearm(existing)
            return _outcome(run_erasure(existing), RESUMED)
    except ErasureRefused as exc:
        return {"outcome": REFUSED, "detail": str(exc)}
    except Exception as exc:  # one subject's failure must not stop the others
        log.exception("replay of customer %s failed outside a step", customer.pk)
        return {"outcome": FAILED, "detail": type(exc).__name__}


def rearm(erasure: Erasure) -> None:
    """Every step back to pending: what a restored record calls "done" may have been restored."""
    ErasureStep.objects.filter(erasure=erasure).update(
        status=ErasureStep.Status.PENDING, finished_at=None, error="", progress={})
    Erasure.objects.filter(pk=erasure.pk).update(
        status=Erasure.Status.PENDING, failure_reason="", notify_subject=False)
    erasure.refresh_from_db()


def _outcome(erasure: Erasure, done: str) -> dict[str, Any]:
    outcome = {Erasure.Status.COMPLETED: done, Erasure.Status.HELD: HELD,
               Erasure.Status.FAILED: FAILED}.get(erasure.status, BUSY)  # type: ignore[call-overload]
    return {"outcome": outcome, "erasure": str(erasure.uuid), "detail": erasure.failure_reason}
