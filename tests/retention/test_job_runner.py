"""`run_privacy_jobs`: --as-of, --only, --dry-run, --json, the time-travel guard, run records."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from micropim_privacy.jobs import Job, temporary_jobs
from retention.models import JobRun
from retention.runner import run_jobs

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SEEN: list[tuple[str, datetime, bool]] = []


def _counting(name: str) -> Job:
    def run(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
        SEEN.append((name, as_of, dry_run))
        return {"due": as_of.day, "changed": 0 if dry_run else as_of.day}

    return Job(name=name, description=f"test job {name}", func=run)


def _failing(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    raise RuntimeError("connector down")


@pytest.fixture(autouse=True)
def jobs(db: None):  # type: ignore[no-untyped-def]
    SEEN.clear()
    with temporary_jobs(_counting("alpha"), _counting("beta")):
        yield


def _run(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("run_privacy_jobs", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@time_machine.travel(NOW, tick=False)
def test_runs_every_job_as_of_now_and_records_each_run() -> None:
    report = _run()
    assert report["as_of"] == NOW.isoformat()
    assert report["dry_run"] is False
    assert report["jobs"]["alpha"]["counts"] == {"due": 10, "changed": 10}
    runs = JobRun.objects.order_by("job")
    assert [(r.job, r.outcome, r.as_of, r.counts["changed"]) for r in runs] == [
        ("alpha", "ok", NOW, 10), ("beta", "ok", NOW, 10)]
    assert all(r.finished_at and r.duration_ms is not None for r in runs)


@time_machine.travel(NOW, tick=False)
def test_as_of_in_the_past_and_only() -> None:
    report = _run("--as-of", "2026-02-28T23:30:00+02:00", "--only", "beta")
    assert list(report["jobs"]) == ["beta"]
    assert SEEN == [("beta", datetime(2026, 2, 28, 21, 30, tzinfo=UTC), False)]


@time_machine.travel(NOW, tick=False)
def test_a_date_without_zone_is_utc() -> None:
    assert _run("--as-of", "2026-02-01")["as_of"] == "2026-02-01T00:00:00+00:00"


@time_machine.travel(NOW, tick=False)
def test_dry_run_changes_nothing_and_records_nothing() -> None:
    report = _run("--dry-run", "--as-of", "2026-03-01T00:00:00Z")
    assert report["dry_run"] is True
    assert report["jobs"]["alpha"]["counts"] == {"due": 1, "changed": 0}
    assert not JobRun.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_future_is_refused_without_time_travel(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PRIVACY_ALLOW_TIME_TRAVEL = False
    with pytest.raises(CommandError, match="future"):
        _run("--as-of", "2026-04-01T00:00:00Z")
    assert SEEN == [] and not JobRun.objects.exists()
    # ... but a dry run may look ahead, and time travel (demo/test settings) may go there.
    assert _run("--as-of", "2026-04-01T00:00:00Z", "--dry-run")["jobs"]["alpha"]["counts"]["due"] == 1
    settings.PRIVACY_ALLOW_TIME_TRAVEL = True
    assert _run("--as-of", "2026-04-01T00:00:00Z")["jobs"]["beta"]["outcome"] == "ok"


@pytest.mark.parametrize("bad", [["--as-of", "next tuesday"], ["--only", "nope"]])
def test_bad_arguments_are_refused_clearly(bad: list[str]) -> None:
    with pytest.raises((CommandError, SystemExit)):
        call_command("run_privacy_jobs", *bad)
    assert not JobRun.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_failing_job_is_recorded_failed_and_the_others_still_run() -> None:
    with temporary_jobs(Job(name="aaa_broken", description="x", func=_failing), replace=False):
        with pytest.raises(CommandError, match="aaa_broken"):
            call_command("run_privacy_jobs", stdout=StringIO())
    failed = JobRun.objects.get(job="aaa_broken")
    assert failed.outcome == "failed" and failed.error == "RuntimeError: connector down"
    assert set(JobRun.objects.filter(outcome="ok").values_list("job", flat=True)) == {"alpha", "beta"}


def test_a_job_locked_by_another_run_is_skipped(transactional_db: None) -> None:
    from django.db import connections

    from micropim_privacy.jobs import JOBS
    from retention.runner import _JobLock

    other = connections.create_connection("default")
    try:
        key = _JobLock(JOBS["alpha"]).key
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
        report = run_jobs(only=["alpha", "beta"])
        assert report.jobs["alpha"]["outcome"] == "skipped"
        assert report.jobs["beta"]["outcome"] == "ok"
        assert [name for name, *_ in SEEN] == ["beta"]
    finally:
        other.close()


@time_machine.travel(NOW, tick=False)
def test_a_run_left_running_by_a_dead_process_is_closed_as_failed() -> None:
    dead = JobRun.objects.create(job="alpha", as_of=NOW)  # its process was killed mid-run
    _run("--only", "alpha")
    dead.refresh_from_db()
    assert dead.outcome == "failed" and dead.finished_at == NOW
    assert dead.error.startswith("interrupted")
    assert JobRun.objects.filter(job="alpha", outcome="ok").count() == 1
