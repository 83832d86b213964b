"""Beat's hourly task runs the registry's purges on a real Celery worker consuming from Redis."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from celery.contrib.testing.worker import start_worker

from micropim_privacy.celery import app
from retention.models import JobRun, PurgeRun, ServerLogLine
from retention.tasks import run_privacy_jobs_task

from .conftest import make_row

AS_OF = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.mark.celery_worker
def test_a_worker_runs_the_server_log_purge(transactional_db: None) -> None:
    make_row("server_logs", AS_OF - timedelta(days=120))
    make_row("server_logs", AS_OF - timedelta(days=5))
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run_privacy_jobs_task.delay(as_of=AS_OF.isoformat(),
                                    only=["purge_server_logs"])
        deadline = time.monotonic() + 20
        while not PurgeRun.objects.filter(category_key="server_logs", outcome="ok").exists():
            assert time.monotonic() < deadline, "the worker never ran the purge"
            time.sleep(0.1)
    run = PurgeRun.objects.get(category_key="server_logs")
    assert (run.as_of, run.counted, run.deleted) == (AS_OF, 1, 1)
    assert JobRun.objects.get(job="purge_server_logs").trigger == "beat"
    assert ServerLogLine.objects.count() == 1
