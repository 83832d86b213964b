"""Partition DDL never waits long for a table lock (nor makes everyone queue behind it): with a
long-running reader on the server-log table, the purge gives up after the lock timeout, is
recorded failed, and the next run does the work."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections

from retention.jobs import create_partitions
from retention.models import PurgeRun, ServerLogLine
from retention.runner import run_jobs

from .conftest import make_row, partition_names

AS_OF = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.mark.slow
def test_a_blocked_partition_drop_gives_up_quickly_and_the_next_run_finishes(
        transactional_db: None, drop_partitions_after: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RETENTION_LOCK_TIMEOUT_MS = 200
    make_row("server_logs", AS_OF - timedelta(days=95))
    create_partitions(as_of=AS_OF - timedelta(days=90), dry_run=False)
    reader = connections.create_connection("default")
    try:
        reader.set_autocommit(False)
        with reader.cursor() as cursor:  # a long report holds ACCESS SHARE until it commits
            cursor.execute("SELECT count(*) FROM retention_serverlogline")
        started = time.monotonic()
        report = run_jobs(as_of=AS_OF, only=["purge_server_logs"])
        waited = time.monotonic() - started
    finally:
        reader.rollback()
        reader.close()
    assert report.failed == ["purge_server_logs"]
    assert waited < 3  # 3 attempts of 0.2 s plus back-off, not "until the report ends"
    failed = PurgeRun.objects.get()
    assert failed.outcome == "failed" and "lock timeout" in failed.error
    assert ServerLogLine.objects.count() == 1

    assert run_jobs(as_of=AS_OF, only=["purge_server_logs"]).failed == []
    assert ServerLogLine.objects.count() == 0
    assert "retention_serverlogline_p20260312" not in partition_names(ServerLogLine)
