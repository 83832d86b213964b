"""Retention purge benchmark (issue 5): partitioned server-log purge vs a raw batched DELETE,
row-level purge vs a raw batched DELETE, and the purge process's peak memory at two sizes.

Run from the repository root (PostgreSQL on localhost; the database is dropped and recreated):

    .venv/bin/python bench/retention/bench_purge.py --log-rows 10000000 --ticket-rows 1000000 --rounds 2

See README.md next to it for what is measured and the last figures. Each purge runs in a fresh process (`_purge` sub-command) so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
AS_OF = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # mid-day: the boundary day is half expired
LOG_DAYS = 180  # half of them past the 90 days
BATCH = 5000


def setup_django(db: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "micropim_privacy.settings.test"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db}"
    import django

    django.setup()


def sql(statement: str, params: list | None = None) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def scalar(statement: str, params: list | None = None) -> object:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


# -- data ------------------------------------------------------------------------------------

LOG_COLUMNS = "occurred_at, host, method, path, status, duration_ms, request_id, user_agent, ip"


def log_rows_select(n: int) -> str:
    start = AS_OF - timedelta(days=LOG_DAYS)
    span = LOG_DAYS * 86400
    return (f"SELECT to_timestamp({start.timestamp()} + i * {span / n}), 'app.micropim.net', 'GET', "
            "'/api/products/' || (i % 1000), 200, i % 900, md5(i::text), 'Mozilla/5.0', "
            "('203.0.' || (i % 250) || '.0')::inet "
            f"FROM generate_series(0, {n - 1}) AS i")


def load_logs(n: int, *, plain_copy: bool) -> None:
    """n log lines over 180 days into the partitioned table (one partition a day), and the
    same rows into a plain table with the same columns and indexes (the baseline)."""
    from retention.models import ServerLogLine
    from retention.partitions import create_partition, list_partitions

    start = datetime(AS_OF.year, AS_OF.month, AS_OF.day, tzinfo=UTC) - timedelta(days=LOG_DAYS)
    existing = {p.lo for p in list_partitions(ServerLogLine)}
    for day in range(LOG_DAYS + 2):
        if start + timedelta(days=day) not in existing:
            create_partition(ServerLogLine, start + timedelta(days=day))
    sql(f"INSERT INTO retention_serverlogline ({LOG_COLUMNS}) {log_rows_select(n)}")
    if not plain_copy:
        return
    sql("CREATE TABLE bench_plain_logs (LIKE retention_serverlogline INCLUDING DEFAULTS)")
    sql("ALTER TABLE bench_plain_logs ADD PRIMARY KEY (id)")
    sql(f"INSERT INTO bench_plain_logs (id, {LOG_COLUMNS}) "
        f"SELECT row_number() OVER (), * FROM ({log_rows_select(n)}) AS s")
    sql("CREATE INDEX ON bench_plain_logs (occurred_at)")
    sql("CREATE INDEX ON bench_plain_logs (customer_id)")


def load_tickets(n: int) -> None:
    """n resolved tickets over 6 years before AS_OF: half past their 3 years."""
    span = 6 * 365 * 86400
    start = (AS_OF - timedelta(days=6 * 365)).timestamp()
    sql("TRUNCATE retention_supportticket")
    sql("INSERT INTO retention_supportticket (reference, subject, messages, status, opened_at, "
        "resolved_at) SELECT 'T-' || i, 'Import of catalogue fails', "
        "'[{\"from\": \"customer\", \"body\": \"Hello, the import fails at row 12\"}]'::jsonb, "
        f"'resolved', to_timestamp({start} + i * {span / n}), to_timestamp({start} + i * {span / n}) "
        f"FROM generate_series(0, {n - 1}) AS i")


def settle() -> None:
    sql("VACUUM ANALYZE")
    sql("CHECKPOINT")


# -- measurements --------------------------------------------------------------------------------


def our_purge(db: str, key: str) -> dict[str, object]:
    """Run `purge_category` in a fresh process; return its timing, counts and peak RSS."""
    out = subprocess.run([sys.executable, __file__, "_purge", "--db", db, key], check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def raw_batched_delete(table: str, column: str, cutoff: datetime) -> dict[str, float]:
    """The baseline: the same rows by plain SQL, BATCH rows per statement, autocommit."""
    from django.db import connection

    deleted = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        while True:
            cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "
                           f"WHERE {column} < %s LIMIT {BATCH})", [cutoff])
            if cursor.rowcount == 0:
                break
            deleted += cursor.rowcount
    seconds = time.perf_counter() - started
    return {"deleted": deleted, "seconds": round(seconds, 3), "rows_per_s": round(deleted / seconds)}


def _purge_main(db: str, key: str) -> None:
    setup_django(db)
    from micropim_privacy.policy import category
    from retention.purge import purge_category

    started = time.perf_counter()
    counts = purge_category(category=category(key), as_of=AS_OF, dry_run=False)
    seconds = time.perf_counter() - started
    done = counts["deleted"] + counts["anonymised"]
    print(json.dumps({"seconds": round(seconds, 3), "counts": counts,
                      "rows_per_s": round(done / seconds) if seconds else None,
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="mp_retention_bench")
    parser.add_argument("--log-rows", type=int, default=10_000_000)
    parser.add_argument("--ticket-rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=2, help="ticket A/B rounds (median kept)")
    args = parser.parse_args()

    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-c",
                    f"DROP DATABASE IF EXISTS {args.db}", "-c", f"CREATE DATABASE {args.db}"],
                   check=True)
    setup_django(args.db)
    from django.core.management import call_command

    from micropim_privacy.policy import category

    call_command("migrate", verbosity=0)
    results: dict[str, object] = {"as_of": AS_OF.isoformat(), "batch": BATCH}
    cutoff = category("server_logs").cutoff(AS_OF)

    # 1. Server logs, partitioned purge at two sizes (time and peak memory), raw baseline at
    #    the large size on a plain table holding the same rows.
    small_logs = max(args.log_rows // 10, 1)
    load_logs(small_logs, plain_copy=False)
    settle()
    results["logs_small_rows"] = small_logs
    results["logs_small_partitioned_purge"] = our_purge(args.db, "server_logs")
    sql("TRUNCATE retention_serverlogline")
    t = time.perf_counter()
    load_logs(args.log_rows, plain_copy=True)
    settle()
    results["logs_large_load_seconds"] = round(time.perf_counter() - t, 1)
    results["logs_large_rows"] = args.log_rows
    results["logs_large_expired"] = scalar(
        "SELECT count(*) FROM bench_plain_logs WHERE occurred_at < %s", [cutoff])
    results["logs_large_partitioned_purge"] = our_purge(args.db, "server_logs")
    results["logs_large_raw_batched_delete_plain_table"] = raw_batched_delete(
        "bench_plain_logs", "occurred_at", cutoff)
    sql("DROP TABLE bench_plain_logs")
    sql("TRUNCATE retention_serverlogline")
    settle()

    # 2. Row-level: support tickets, half past their 3 years. Ours and raw alternate, each on a
    #    freshly loaded and vacuumed table, `--rounds` times; the median of each is kept.
    ticket_cutoff = category("support_tickets").cutoff(AS_OF)
    load_tickets(max(args.ticket_rows // 5, 1))
    settle()
    results["tickets_small_rows"] = max(args.ticket_rows // 5, 1)
    results["tickets_small_purge"] = our_purge(args.db, "support_tickets")
    ours_runs, raw_runs = [], []
    for _ in range(args.rounds):
        load_tickets(args.ticket_rows)
        settle()
        raw_runs.append(raw_batched_delete("retention_supportticket", "resolved_at", ticket_cutoff))
        load_tickets(args.ticket_rows)
        settle()
        ours_runs.append(our_purge(args.db, "support_tickets"))
    results["tickets_large_rows"] = args.ticket_rows
    results["tickets_large_purge_runs"] = ours_runs
    results["tickets_large_raw_batched_delete_runs"] = raw_runs
    ours = statistics.median(r["rows_per_s"] for r in ours_runs)  # type: ignore[misc]
    raw = statistics.median(r["rows_per_s"] for r in raw_runs)
    results["tickets_median_rows_per_s"] = {"ours": ours, "raw": raw, "ratio": round(ours / raw, 3)}
    print(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_purge":
        sub = argparse.ArgumentParser()
        sub.add_argument("_purge")
        sub.add_argument("--db", required=True)
        sub.add_argument("key")
        a = sub.parse_args()
        _purge_main(a.db, a.key)
    else:
        main()
