"""Runs the registered privacy jobs as of an instant — the code `run_privacy_jobs` and beat share."""

from __future__ import annotations

import logging
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from micropim_privacy.jobs import Job, ordered_jobs
from micropim_privacy.locks import AdvisoryLock

from .models import JobRun

log = logging.getLogger(__name__)


class TimeTravelRefused(Exception):
    """A future as-of that would change data, without PRIVACY_ALLOW_TIME_TRAVEL."""


@dataclass
class RunReport:
    as_of: datetime
    dry_run: bool
    jobs: dict[str, dict[str, object]] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        return [name for name, r in self.jobs.items() if r.get("outcome") == JobRun.Outcome.FAILED]

    def as_dict(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat(), "dry_run": self.dry_run, "jobs": self.jobs}


def check_as_of(as_of: datetime, *, dry_run: bool, now: datetime) -> None:
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    if as_of > now and not dry_run and not settings.PRIVACY_ALLOW_TIME_TRAVEL:
        raise TimeTravelRefused(
            "--as-of is in the future: use --dry-run to preview, or enable "
            "PRIVACY_ALLOW_TIME_TRAVEL (demo and test settings only)."
        )


class _JobLock(AdvisoryLock):
    """One run of a job at a time, across workers and machines."""

    def __init__(self, job: Job) -> None:
        super().__init__(zlib.crc32(f"privacy-job:{job.name}".encode()))


def _run_one(job: Job, *, as_of: datetime, dry_run: bool, trigger: str) -> dict[str, object]:
    started = time.monotonic()
    if dry_run:
        counts = job(as_of=as_of, dry_run=True)
        return {"outcome": "ok", "counts": counts, "duration_ms": _ms(started)}
    with _JobLock(job) as acquired:
        if not acquired:
            run = JobRun.objects.create(
                job=job.name, as_of=as_of, trigger=trigger, outcome=JobRun.Outcome.SKIPPED,
                finished_at=timezone.now(), duration_ms=0,
            )
            return {"outcome": run.outcome, "counts": {}, "duration_ms": 0}
        # We hold the job's lock, so a run of it still marked "running" died with its process
        # (SIGKILL, lost database connection): close it as failed, so nothing looks stuck.
        JobRun.objects.filter(job=job.name, outcome=JobRun.Outcome.RUNNING).update(
            outcome=JobRun.Outcome.FAILED, finished_at=timezone.now(),
            error="interrupted: the process running it died before it finished",
        )
        run = JobRun.objects.create(job=job.name, as_of=as_of, trigger=trigger)
        try:
            counts = job(as_of=as_of, dry_run=False)
        except Exception as exc:
            # The type and message only: jobs keep personal data out of their exceptions.
            log.exception("privacy job %s failed", job.name)
            run.outcome = JobRun.Outcome.FAILED
            run.error = f"{type(exc).__name__}: {exc}"[:2000]
            counts = {}
        else:
            run.outcome = JobRun.Outcome.OK
        run.counts = counts
        run.finished_at = timezone.now()
        run.duration_ms = _ms(started)
        run.save(update_fields=["outcome", "error", "counts", "finished_at", "duration_ms"])
    return {"outcome": run.outcome, "counts": counts, "duration_ms": run.duration_ms}


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def run_jobs(
    *,
    as_of: datetime | None = None,
    only: list[str] | None = None,
    dry_run: bool = False,
    trigger: str = "command",
) -> RunReport:
    now = timezone.now()
    as_of = as_of or now
    check_as_of(as_of, dry_run=dry_run, now=now)
    report = RunReport(as_of=as_of, dry_run=dry_run)
    for job in ordered_jobs(only):
        report.jobs[job.name] = _run_one(job, as_of=as_of, dry_run=dry_run, trigger=trigger)
    return report
