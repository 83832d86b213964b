"""Scheduled jobs of the ledger app (run by ``run_privacy_jobs`` and beat; each decides what is due).

| job | what | when | re-run |
|---|---|---|---|
| ledger_record_erasures | writes every completed erasure missing from the ledger (a write that failed when it completed) | every run, after erase_due_accounts | safe: keyed by the erasure's uuid |
| ledger_purge_expired | deletes ledger entries older than the billing-records period (§5.2, from the registry) | every run | safe |
| watchdog | finds stalled requests, erasures, campaigns, job runs and ledger gaps; alerts privacy officers once per finding | every run, last | safe: one alert per finding key |
"""

from __future__ import annotations

from datetime import datetime

from micropim_privacy.jobs import privacy_job

from .services import ledger_purge_expired, ledger_record_missing
from .watchdog import watchdog_run


@privacy_job("ledger_record_erasures",
             "Issue 11: completed erasures into the erasure ledger (catch-up of failed writes)", order=215)
def ledger_record_erasures(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return ledger_record_missing(as_of=as_of, dry_run=dry_run)


@privacy_job("ledger_purge_expired",
             "§5.2: erasure ledger entries kept as long as billing records, then deleted", order=700)
def ledger_purge(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return ledger_purge_expired(as_of=as_of, dry_run=dry_run)


@privacy_job("watchdog",
             "Stalled requests, erasures, notice campaigns and job runs: listed and alerted once", order=990)
def watchdog(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return watchdog_run(as_of=as_of, dry_run=dry_run)
