"""§6.1 "All data access is logged": append-only in PostgreSQL, hash-chained, verifiable."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from accounts.access_log import first_broken_link, record_access
from accounts.models import AccessLogEntry


def _three(user: object) -> list[AccessLogEntry]:
    return [record_access(actor=user, action="view", object_type="accounts.customer",
                          object_id=str(i), subject_ref=f"cus-{i}") for i in range(3)]


def test_entries_chain_to_the_previous_one(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    a, b, c = _three(privacy_officer)
    assert b.prev_hash == a.entry_hash and c.prev_hash == b.entry_hash
    assert first_broken_link() is None
    call_command("verify_audit_log")


def test_postgresql_refuses_update_and_delete(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    _three(privacy_officer)
    for sql in ("UPDATE accounts_accesslogentry SET actor_label = 'x'",
                "DELETE FROM accounts_accesslogentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLogEntry.objects.count() == 3


def test_the_orm_refuses_to_change_an_entry(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    entry = _three(privacy_officer)[0]
    entry.actor_label = "someone else"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_verify_reports_the_first_tampered_entry(privacy_officer) -> None:  # type: ignore[no-untyped-def]
    _a, b, _c = _three(privacy_officer)
    with connection.cursor() as cursor:  # a database superuser bypassing the trigger: the chain still tells
        cursor.execute("SET session_replication_role = replica")  # skips user triggers
        cursor.execute("UPDATE accounts_accesslogentry SET subject_ref = 'cus-999' WHERE id = %s", [b.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    assert first_broken_link().pk == b.pk  # type: ignore[union-attr]
    with pytest.raises(CommandError, match=f"entry {b.pk}"):
        call_command("verify_audit_log")
