"""Beat's task runs the same job runner, on a real Celery worker consuming from Redis."""

from __future__ import annotations

from datetime import datetime

import pytest
from celery.contrib.testing.worker import start_worker

from micropim_privacy.celery import app
from micropim_privacy.jobs import Job, temporary_jobs
from retention.models import JobRun
from retention.tasks import run_privacy_jobs_task


def _job(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return {"seen": 1}


@pytest.mark.celery_worker
def test_a_real_worker_runs_the_beat_task_from_redis(transactional_db: None, settings) -> None:  # type: ignore[no-untyped-def]
    assert app.conf.broker_url.startswith("redis://")
    with temporary_jobs(Job(name="probe", description="probe", func=_job)), \
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = run_privacy_jobs_task.apply_async(kwargs={"as_of": "2026-01-31T23:00:00+00:00"})
        # no result backend: wait on the database, the source of truth
        import time

        deadline = time.monotonic() + 20
        while not JobRun.objects.filter(job="probe", outcome="ok").exists():
            assert time.monotonic() < deadline, "the worker never ran the task"
            time.sleep(0.1)
    run = JobRun.objects.get(job="probe")
    assert run.trigger == "beat" and run.counts == {"seen": 1}
    assert run.as_of.isoformat() == "2026-01-31T23:00:00+00:00"
    assert result.id


def test_the_schedule_is_declared_once_and_hourly_by_default() -> None:
    app.loader.import_default_modules()
    app.finalize()
    entry = app.conf.beat_schedule["run-privacy-jobs"]
    assert entry["task"] == "retention.tasks.run_privacy_jobs_task"
    assert entry["schedule"] == 3600.0
