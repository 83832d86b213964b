"""Server logs and usage events live in partitioned tables: whole expired partitions are dropped
(or rolled up, then dropped); the boundary partition is purged row by row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db import connection

from accounts.models import Customer
from retention.jobs import create_partitions
from retention.models import LegalHold, ServerLogLine, UsageAggregate, UsageEvent
from retention.partitions import list_partitions

from .conftest import make_row, partition_names, purge

AS_OF = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # server-log cut-off: 2026-03-17 12:00


def _table_of(row_pk: int, model: type) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {model._meta.db_table} WHERE id = %s",  # noqa: S608
                       [row_pk])
        return str(cursor.fetchone()[0])


def test_partitions_are_created_ahead_and_rows_land_in_them(partitioned: Callable) -> None:
    partitioned(AS_OF)
    names = partition_names(ServerLogLine)
    # Today's and 14 days ahead, plus the DEFAULT partition; usage: this month and 3 ahead.
    assert names[0] == "retention_serverlogline_p20260615"
    assert names[-2] == "retention_serverlogline_p20260629"
    assert names[-1] == "retention_serverlogline_default"
    assert partition_names(UsageEvent) == [
        "retention_usageevent_p202606", "retention_usageevent_p202607",
        "retention_usageevent_p202608", "retention_usageevent_p202609",
        "retention_usageevent_default"]
    row = make_row("server_logs", AS_OF)
    assert _table_of(row.pk, ServerLogLine) == "retention_serverlogline_p20260615"
    # Running again creates nothing: idempotent.
    assert create_partitions(as_of=AS_OF, dry_run=False) == {"created": 0}


def test_rows_waiting_in_the_default_partition_move_into_new_partitions(db: None) -> None:
    """A fresh install, or the job down for days: the rows wait in DEFAULT, then move."""
    early = make_row("server_logs", AS_OF - timedelta(days=2))
    expired = make_row("server_logs", AS_OF - timedelta(days=91))
    assert _table_of(early.pk, ServerLogLine) == "retention_serverlogline_default"
    assert create_partitions(as_of=AS_OF, dry_run=True) == {"created": 15 + 1 + 4}
    create_partitions(as_of=AS_OF, dry_run=False)
    assert _table_of(early.pk, ServerLogLine) == "retention_serverlogline_p20260613"
    # Past its period already: no partition is made for it; the purge takes it from DEFAULT.
    assert _table_of(expired.pk, ServerLogLine) == "retention_serverlogline_default"
    assert ServerLogLine.objects.count() == 2


def test_expired_partitions_are_dropped_and_the_boundary_is_purged_row_by_row(
        partitioned: Callable) -> None:
    cutoff = AS_OF - timedelta(days=90)
    for hours in (-60, -30, -2, 2, 30):  # two whole days before, the boundary day, after
        make_row("server_logs", cutoff + timedelta(hours=hours))
    partitioned(AS_OF - timedelta(days=90))  # the job as it ran 90 days ago: they move out
    make_row("server_logs", datetime(2026, 1, 1, tzinfo=UTC))  # older than any partition: DEFAULT
    before = partition_names(ServerLogLine)
    assert "retention_serverlogline_p20260315" in before

    counts = purge("server_logs", AS_OF)
    assert counts == {"counted": 4, "deleted": 4, "anonymised": 0, "held": 0}
    after = partition_names(ServerLogLine)
    assert after[0] == "retention_serverlogline_p20260317"  # the boundary day stays
    assert "retention_serverlogline_p20260316" not in after
    left = sorted(ServerLogLine.objects.values_list("occurred_at", flat=True))
    assert left == [cutoff + timedelta(hours=2), cutoff + timedelta(hours=30)]
    assert purge("server_logs", AS_OF)["counted"] == 0


def test_usage_partitions_are_rolled_up_into_aggregates_then_dropped(
        partitioned: Callable, customer_a: Customer) -> None:
    for day in (3, 3, 20):
        make_row("usage_analytics", datetime(2025, 4, day, 10, tzinfo=UTC), customer=customer_a)
    make_row("usage_analytics", datetime(2025, 6, 1, tzinfo=UTC), customer=customer_a)  # boundary
    make_row("usage_analytics", datetime(2025, 6, 20, tzinfo=UTC), customer=customer_a)  # inside
    partitioned(datetime(2025, 4, 1, tzinfo=UTC))  # as the job ran back then

    assert purge("usage_analytics", AS_OF) == {"counted": 4, "deleted": 0, "anonymised": 4, "held": 0}
    assert "retention_usageevent_p202504" not in partition_names(UsageEvent)
    assert "retention_usageevent_p202506" in partition_names(UsageEvent)
    assert sorted((a.day.isoformat(), a.count) for a in UsageAggregate.objects.all()) == [
        ("2025-04-03", 2), ("2025-04-20", 1), ("2025-06-01", 1)]
    assert UsageEvent.objects.count() == 1


def test_a_held_customers_rows_keep_their_partition_and_only_they_survive(
        partitioned: Callable, customer_a: Customer, customer_b: Customer) -> None:
    old = datetime(2026, 3, 10, 8, tzinfo=UTC)
    kept = make_row("server_logs", old, customer=customer_a)
    make_row("server_logs", old, customer=customer_b)
    make_row("server_logs", old)
    make_row("server_logs", datetime(2026, 3, 11, tzinfo=UTC), customer=customer_b)
    partitioned(old)
    LegalHold.objects.create(customer=customer_a, category_key="server_logs", reason="litigation")

    assert purge("server_logs", AS_OF) == {"counted": 4, "deleted": 3, "anonymised": 0, "held": 1}
    assert list(ServerLogLine.objects.values_list("pk", flat=True)) == [kept.pk]
    names = partition_names(ServerLogLine)
    assert "retention_serverlogline_p20260310" in names  # kept for the held row
    assert "retention_serverlogline_p20260311" not in names  # no held row: dropped whole


def test_partition_bounds_are_utc_days(partitioned: Callable) -> None:
    partitioned(AS_OF)
    first = next(p for p in list_partitions(ServerLogLine) if not p.is_default)
    assert first.lo == datetime(2026, 6, 15, tzinfo=UTC)
    assert first.hi == datetime(2026, 6, 16, tzinfo=UTC)
