"""PostgreSQL declarative partitioning for the high-volume tables (server logs, usage events).

Why: the 90-day and 12-month rules then drop whole partitions (milliseconds, no dead rows,
no vacuum) instead of deleting millions of rows. Each table is ``PARTITION BY RANGE`` on its
timestamp with a primary key of ``(id, <timestamp>)`` (PostgreSQL requires the partition key
in every unique index; Django keeps treating ``id`` as the key, which the identity column
makes unique anyway). A DEFAULT partition catches rows no partition covers yet, so an
insert never fails; creating a partition moves such rows out of it first.

Partitions are named ``<table>_pYYYYMMDD`` (daily) or ``<table>_pYYYYMM`` (monthly), always
in UTC. Only partitions with such names are ever dropped. Every DDL statement runs with a
short ``lock_timeout`` and is retried, so no table lock is waited for or held for long.
On SQLite (``make run``) the same models are plain tables and none of this runs.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from dateutil.relativedelta import relativedelta
from django.db import OperationalError, connection, models, transaction

from . import conf

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Partitioning:
    """Declared on a model as ``partitioning = Partitioning(...)``."""

    column: str
    step: Literal["day", "month"]
    ahead: int  # how many partitions to keep created beyond the current one

    @property
    def delta(self) -> relativedelta:
        return relativedelta(days=1) if self.step == "day" else relativedelta(months=1)

    def floor(self, when: datetime) -> datetime:
        when = when.astimezone(UTC)
        start = datetime(when.year, when.month, when.day if self.step == "day" else 1, tzinfo=UTC)
        return start

    def suffix(self, start: datetime) -> str:
        return start.strftime("p%Y%m%d" if self.step == "day" else "p%Y%m")

    def parse(self, suffix: str) -> datetime | None:
        pattern = r"p(\d{4})(\d{2})(\d{2})" if self.step == "day" else r"p(\d{4})(\d{2})"
        match = re.fullmatch(pattern, suffix)
        if not match:
            return None
        parts = [int(p) for p in match.groups()]
        return datetime(parts[0], parts[1], parts[2] if len(parts) > 2 else 1, tzinfo=UTC)


@dataclass(frozen=True)
class Partition:
    name: str
    lo: datetime | None  # None: the DEFAULT partition
    hi: datetime | None

    @property
    def is_default(self) -> bool:
        return self.lo is None


def scheme(model: type[models.Model]) -> Partitioning | None:
    return getattr(model, "partitioning", None)


def is_partitioned(model: type[models.Model]) -> bool:
    """True when this model's table is a partitioned PostgreSQL table (never on SQLite)."""
    if connection.vendor != "postgresql" or scheme(model) is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)",
                       [model._meta.db_table])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def default_name(model: type[models.Model]) -> str:
    return f"{model._meta.db_table}_default"


def list_partitions(model: type[models.Model]) -> list[Partition]:
    """The table's partitions in time order, the DEFAULT one last."""
    part = scheme(model)
    assert part is not None
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(%s)", [table])
        names = [r[0] for r in cursor.fetchall()]
    found: list[Partition] = []
    default: list[Partition] = []
    for name in names:
        if name == default_name(model):
            default.append(Partition(name, None, None))
            continue
        start = part.parse(name.removeprefix(f"{table}_"))
        if start is not None and name.startswith(f"{table}_"):
            found.append(Partition(name, start, start + part.delta))
    return sorted(found, key=lambda p: p.lo or datetime.min.replace(tzinfo=UTC)) + default


def with_lock_retry(work: Callable[[], T], *, attempts: int = 3) -> T:
    """Run DDL under a short lock_timeout; on a lock conflict wait a little and try again."""
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = '{conf.lock_timeout_ms():d}ms'")
                result = work()
                # Inside an outer transaction (a test, a caller's atomic) SET LOCAL would
                # outlive this block: put the session's own value back.
                cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
                return result
        except OperationalError as exc:
            if "lock timeout" not in str(exc) or attempt == attempts:
                raise
            log.warning("partition DDL waited too long for a lock; retry %d", attempt)
            time.sleep(0.2 * attempt)
    raise AssertionError("unreachable")


def create_partition(model: type[models.Model], start: datetime) -> Partition:
    """Create the partition starting at ``start``, moving any rows the DEFAULT partition
    holds for its range into it first (one short transaction)."""
    part = scheme(model)
    assert part is not None
    table = model._meta.db_table
    end = start + part.delta
    name = f"{table}_{part.suffix(start)}"
    qn = connection.ops.quote_name
    column = qn(part.column)

    def work() -> Partition:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {qn(name)} (LIKE {qn(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            cursor.execute(
                f"WITH moved AS (DELETE FROM {qn(default_name(model))} WHERE {column} >= %s "  # noqa: S608 — identifiers quoted by qn(), values bound  # nosec B608
                f"AND {column} < %s RETURNING *) INSERT INTO {qn(name)} SELECT * FROM moved",
                [start, end])
            cursor.execute(f"ALTER TABLE {qn(table)} ATTACH PARTITION {qn(name)} "
                           "FOR VALUES FROM (%s) TO (%s)", [start, end])
        return Partition(name, start, end)

    return with_lock_retry(work)


def missing_partitions(model: type[models.Model], *, since: datetime, until: datetime) -> list[datetime]:
    """Starts of the partitions to create: from the one containing ``until`` to ``ahead``
    partitions past it, and — between ``since`` and ``until`` — those for which rows are
    waiting in the DEFAULT partition (a fresh install, or the job was down for a while)."""
    part = scheme(model)
    assert part is not None
    existing = {p.lo for p in list_partitions(model) if not p.is_default}
    wanted = {part.floor(until) + part.delta * i for i in range(part.ahead + 1)}
    qn = connection.ops.quote_name
    unit = "day" if part.step == "day" else "month"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('{unit}', {qn(part.column)} AT TIME ZONE 'UTC') "  # noqa: S608 — identifiers quoted by qn(), values bound  # nosec B608
            f"FROM {qn(default_name(model))} WHERE {qn(part.column)} >= %s", [part.floor(since)])
        wanted.update(row[0].replace(tzinfo=UTC) for row in cursor.fetchall())
    return sorted(start for start in wanted if start not in existing)


def ensure_partitions(model: type[models.Model], *, since: datetime, until: datetime) -> list[str]:
    """Create the missing partitions (see ``missing_partitions``); returns their names."""
    return [create_partition(model, start).name
            for start in missing_partitions(model, since=since, until=until)]


def has_rows_of(partition: Partition, *, column: str, ids: list[int]) -> bool:
    if not ids:
        return False
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {qn(partition.name)} WHERE {qn(column)} = ANY(%s) LIMIT 1",  # noqa: S608 — identifiers quoted by qn(), values bound  # nosec B608
                       [ids])
        return cursor.fetchone() is not None


def drop_partitions(group: list[Partition], *, before_drop: Callable[[Partition], Any] | None = None) -> int:
    """Drop whole partitions in one short transaction; returns how many rows they held.

    The partitions are locked against writes first (readers go on), counted exactly, passed
    to ``before_drop`` (e.g. to roll their rows up), then dropped. Only the final DROP takes
    the parent table's lock, for milliseconds, bounded by ``lock_timeout``."""
    if not group:
        return 0
    qn = connection.ops.quote_name
    names = ", ".join(qn(p.name) for p in group)

    def work() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {names} IN SHARE MODE")
            cursor.execute(" UNION ALL ".join(f"SELECT count(*) FROM {qn(p.name)}" for p in group))  # noqa: S608 — identifiers quoted by qn(), values bound  # nosec B608
            rows = sum(int(r[0]) for r in cursor.fetchall())
            if before_drop is not None:
                for partition in group:
                    before_drop(partition)
            cursor.execute(f"DROP TABLE {names}")
        return rows

    return with_lock_retry(work)


# -- used by migration 0002 -------------------------------------------------------------------


def create_partitioned_table(schema_editor: Any, model: type[models.Model], *, column: str) -> None:
    """The model's table as ``PARTITION BY RANGE (column)``, keyed ``(id, column)``, with its
    indexes and a DEFAULT partition. Column definitions come from Django's own DDL for the
    (historical) model, so they match what the ORM expects."""
    qn = schema_editor.quote_name
    sql, params = schema_editor.table_sql(model)
    pk_column = qn(model._meta.pk.column)
    marker = f"{pk_column} bigint NOT NULL PRIMARY KEY"
    if marker not in sql or not sql.endswith(")"):
        raise RuntimeError(f"unexpected DDL for {model._meta.db_table}: {sql}")
    sql = sql.replace(marker, f"{pk_column} bigint NOT NULL", 1)
    sql = f"{sql[:-1]}, PRIMARY KEY ({pk_column}, {qn(column)})) PARTITION BY RANGE ({qn(column)})"
    schema_editor.execute(sql, params or None)
    for index in model._meta.indexes:
        schema_editor.add_index(model, index)
    table = model._meta.db_table
    schema_editor.execute(f"CREATE TABLE {qn(table + '_default')} PARTITION OF {qn(table)} DEFAULT")
