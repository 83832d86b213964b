"""One worker at a time, across machines: PostgreSQL session advisory locks.

A lock is released when its holder lets go or when its connection dies (a killed worker
frees it). On SQLite (`make run`: one machine, one worker) the lock is always granted.
"""

from __future__ import annotations

from django.db import connection


class AdvisoryLock:
    """``with AdvisoryLock(key) as acquired:`` — ``acquired`` is False if someone holds it."""

    def __init__(self, key: int) -> None:
        self.key = key
        self.held = False

    def __enter__(self) -> bool:
        if connection.vendor != "postgresql":
            self.held = True
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.key])
            self.held = bool(cursor.fetchone()[0])
        return self.held

    def __exit__(self, *exc: object) -> None:
        if self.held and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.key])
