"""A purge that dies half-way and is run again ends exactly where one uninterrupted run ends.

Two real failures: the database refusing a delete (a trigger raises after 25 rows, like a
disk or statement failure), and the purge process killed (SIGKILL) while a batch is open.
Batches are 10 rows, one transaction each, so at each failure two batches are committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import Customer
from retention.models import JobRun, LegalHold, PurgeRun, SupportTicket
from retention.runner import run_jobs

from .conftest import purge

AS_OF = datetime(2026, 3, 10, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def _dataset(customer: Customer) -> None:
    """95 resolved tickets past 3 years (5 of them held), 10 inside it, 5 open."""
    old, recent = datetime(2022, 5, 1, tzinfo=UTC), datetime(2024, 5, 1, tzinfo=UTC)
    rows = [SupportTicket(reference=f"OLD-{i:03d}", subject="s", opened_at=old, resolved_at=old,
                          status="resolved", customer=customer if i < 5 else None)
            for i in range(95)]
    rows += [SupportTicket(reference=f"NEW-{i:03d}", subject="s", opened_at=recent,
                           resolved_at=recent, status="resolved") for i in range(10)]
    rows += [SupportTicket(reference=f"OPEN-{i:03d}", subject="s", opened_at=old)
             for i in range(5)]
    SupportTicket.objects.bulk_create(rows)
    LegalHold.objects.get_or_create(customer=customer, category_key="support_tickets",
                                    defaults={"reason": "claim"})


def _state() -> list[str]:
    return sorted(SupportTicket.objects.values_list("reference", flat=True))


def _uninterrupted_result(customer: Customer) -> tuple[list[str], dict[str, int]]:
    SupportTicket.objects.all().delete()
    _dataset(customer)
    counts = purge("support_tickets", AS_OF)
    state = _state()
    SupportTicket.objects.all().delete()
    return state, counts


FUSE = """
    CREATE FUNCTION purge_fuse_blow() RETURNS trigger AS $$
    DECLARE r int;
    BEGIN
      UPDATE purge_fuse SET remaining = remaining - 1 RETURNING remaining INTO r;
      IF r < 0 THEN ACTION; END IF;
      RETURN OLD;
    END $$ LANGUAGE plpgsql"""


def _fuse(action: str) -> None:
    """A trigger that lets 25 deletes through, then `action` (raise, or hang)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE purge_fuse (remaining int); INSERT INTO purge_fuse VALUES (25)")
        cursor.execute(FUSE.replace("ACTION", action))
        cursor.execute("CREATE TRIGGER purge_fuse BEFORE DELETE ON retention_supportticket "
                       "FOR EACH ROW EXECUTE FUNCTION purge_fuse_blow()")


def _remove_fuse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS purge_fuse ON retention_supportticket; "
                       "DROP FUNCTION IF EXISTS purge_fuse_blow(); DROP TABLE IF EXISTS purge_fuse")


@pytest.fixture
def small_batches(settings) -> None:  # type: ignore[no-untyped-def]
    settings.RETENTION_PURGE_BATCH_SIZE = 10


def test_a_purge_failing_half_way_then_rerun_equals_one_uninterrupted_run(
        small_batches: None, customer_a: Customer) -> None:
    expected_state, expected = _uninterrupted_result(customer_a)
    assert expected == {"counted": 95, "deleted": 90, "anonymised": 0, "held": 5}

    _dataset(customer_a)
    _fuse("RAISE EXCEPTION 'storage failure'")
    try:
        failed = run_jobs(as_of=AS_OF, only=["purge_support_tickets"])
    finally:
        _remove_fuse()
    assert failed.failed == ["purge_support_tickets"]
    run = PurgeRun.objects.order_by("-id").first()
    assert run is not None and (run.outcome, run.counted, run.deleted, run.held) == ("failed", 95, 20, 5)
    assert "storage failure" in run.error
    assert JobRun.objects.order_by("-id").values_list("outcome", flat=True)[0] == "failed"
    assert SupportTicket.objects.count() == 110 - 20  # two whole batches gone, none half-done

    again = purge("support_tickets", AS_OF)
    assert again == {"counted": 75, "deleted": 70, "anonymised": 0, "held": 5}
    assert _state() == expected_state
    assert purge("support_tickets", AS_OF)["deleted"] == 0


@pytest.mark.slow
def test_a_purge_process_killed_half_way_then_rerun_equals_one_uninterrupted_run(
        transactional_db: None, customer_a: Customer) -> None:
    expected_state, _ = _uninterrupted_result(customer_a)
    _dataset(customer_a)
    _fuse("PERFORM pg_sleep(60)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.test",
           "RETENTION_PURGE_BATCH_SIZE": "10",
           "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)}
    proc = subprocess.Popen([sys.executable, "manage.py", "run_privacy_jobs", "--as-of",
                             AS_OF.isoformat(), "--only", "purge_support_tickets"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not _hanging_backends():
            assert time.monotonic() < deadline and proc.poll() is None, "the purge never started"
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)  # the machine dies mid-batch
        proc.wait(timeout=10)
        with connection.cursor() as cursor:  # ... and its database session with it
            cursor.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                           "WHERE wait_event = 'PgSleep' AND pid <> pg_backend_pid()")
    finally:
        if proc.poll() is None:
            proc.kill()
        _remove_fuse()
    assert SupportTicket.objects.count() == 110 - 20
    assert PurgeRun.objects.order_by("-id").values_list("outcome", flat=True)[0] == "running"

    assert purge("support_tickets", AS_OF)["deleted"] == 70
    assert _state() == expected_state
    # The uninterrupted reference run, the killed one (found still "running"), the re-run.
    assert list(PurgeRun.objects.order_by("id").values_list("outcome", flat=True)) == [
        "ok", "interrupted", "ok"]


def _hanging_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' "
                       "AND pid <> pg_backend_pid()")
        return int(cursor.fetchone()[0])
