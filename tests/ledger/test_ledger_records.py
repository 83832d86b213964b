"""Every completed erasure is written to the ledger: keyed hashes only, once; a write that
failed is caught up by the job; the ledger is append-only and kept as long as billing
records (§5.2 — the period read from the registry)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from accounts.erasure import erase_customer
from accounts.identifiers import keyed_hash
from accounts.models import Customer, Erasure
from ledger import conf
from ledger.models import Finding, LedgerEntry, LedgerIdentifier
from ledger.services import ledger_purge_expired, ledger_record, retention
from micropim_privacy.policy import category

from .conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)


def _erase(customer: Customer, capture: Any, *, commit_hooks: bool = True) -> Erasure:
    with capture(execute=commit_hooks):
        return erase_customer(customer=customer, reason=Erasure.Reason.IMMEDIATE, now=timezone.now())


def test_the_ledger_has_its_own_database() -> None:
    assert conf.ledger_alias() == "ledger"
    assert connections["ledger"].settings_dict["NAME"] != connections["default"].settings_dict["NAME"]
    assert LedgerEntry.objects.db == "ledger" and Finding.objects.db == "default"


def test_a_completed_erasure_is_recorded_with_keyed_hashes_only(
        customer_a: Customer, django_capture_on_commit_callbacks: Any) -> None:
    customer_a.cognito_sub = "9d2c0f5e-aaaa-4bbb-8ccc-000000000001"
    customer_a.save()
    erasure = _erase(customer_a, django_capture_on_commit_callbacks)
    entry = LedgerEntry.objects.get()
    assert entry.erasure_uuid == erasure.uuid and entry.erased_at == erasure.finished_at
    assert entry.reason == "immediate" and entry.certificate_sha256 == erasure.certificate_sha256
    hashes = dict(entry.identifiers.values_list("kind", "hash"))
    assert hashes == {"external_id": keyed_hash("external_id", "cus-a"),
                      "email": keyed_hash("email", " Ana.Popescu@EXAMPLE.com"),
                      "cognito_sub": keyed_hash("cognito_sub", "9d2c0f5e-aaaa-4bbb-8ccc-000000000001")}
    assert "ana" not in str(entry.systems).lower()
    # Recording again (a job, a retry) adds nothing.
    assert ledger_record(erasure=erasure) == (entry, False)
    assert LedgerEntry.objects.count() == 1 and LedgerIdentifier.objects.count() == 3


def test_a_failed_ledger_write_is_listed_and_caught_up_by_the_job(
        customer_a: Customer, django_capture_on_commit_callbacks: Any) -> None:
    erasure = _erase(customer_a, django_capture_on_commit_callbacks, commit_hooks=False)  # the write never ran
    assert not LedgerEntry.objects.exists()
    later = erasure.finished_at + timedelta(hours=2)
    call_command("run_privacy_jobs", as_of=later, only=["watchdog"])
    finding = Finding.objects.get(kind="ledger")
    assert finding.rule == "missing" and "not in the erasure ledger" in finding.reason

    call_command("run_privacy_jobs", as_of=later, only=["ledger_record_erasures", "watchdog"])
    assert LedgerEntry.objects.get().erasure_uuid == erasure.uuid
    finding.refresh_from_db()
    assert finding.state == "resolved"
    call_command("run_privacy_jobs", as_of=later, only=["ledger_record_erasures"])
    assert LedgerEntry.objects.count() == 1


def test_retry_on_a_ledger_gap_writes_the_entry(customer_a: Customer, privacy_officer: Any,
                                                django_capture_on_commit_callbacks: Any) -> None:
    from ledger.actions import finding_retry, offered

    erasure = _erase(customer_a, django_capture_on_commit_callbacks, commit_hooks=False)
    call_command("run_privacy_jobs", as_of=erasure.finished_at + timedelta(hours=2), only=["watchdog"])
    finding = Finding.objects.get(kind="ledger")
    assert offered(finding) == ["retry", "reassign"]
    assert finding_retry(finding=finding, actor=privacy_officer, now=timezone.now()) == "Written to the erasure ledger."
    assert LedgerEntry.objects.get().erasure_uuid == erasure.uuid
    finding.refresh_from_db()
    assert finding.state == "resolved"


def _entry(erased_at: datetime) -> LedgerEntry:
    entry = LedgerEntry.objects.create(erasure_uuid=uuid.uuid4(), reason="immediate",
                                       requested_at=erased_at, erased_at=erased_at, recorded_at=erased_at)
    LedgerIdentifier.objects.create(entry=entry, kind="email", hash="a" * 64)
    return entry


def test_the_ledger_refuses_updates_and_deletes_in_postgresql() -> None:
    entry = _entry(datetime(2026, 3, 1, tzinfo=UTC))
    for attempt in (lambda: LedgerEntry.objects.filter(pk=entry.pk).update(reason="edited"),
                    lambda: LedgerIdentifier.objects.filter(entry=entry).update(hash="b" * 64),
                    lambda: LedgerIdentifier.objects.filter(entry=entry).delete(),
                    lambda: LedgerEntry.objects.filter(pk=entry.pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(using="ledger"):
            attempt()
    assert LedgerEntry.objects.get().reason == "immediate"


def test_entries_are_kept_as_long_as_billing_records_then_purged() -> None:
    assert retention() == category("billing_records").retention  # §5.2, from the registry
    as_of = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    cutoff = retention().before(as_of)
    old, kept = _entry(cutoff - timedelta(days=1)), _entry(cutoff + timedelta(days=1))
    assert ledger_purge_expired(as_of=as_of, dry_run=True) == {"expired": 1, "deleted": 0}
    assert LedgerEntry.objects.count() == 2
    assert ledger_purge_expired(as_of=as_of, dry_run=False) == {"expired": 1, "deleted": 1}
    assert list(LedgerEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not LedgerIdentifier.objects.filter(entry_id=old.pk).exists()
