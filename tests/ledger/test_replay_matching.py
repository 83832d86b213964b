"""Who the replay erases again: accounts in the restored data whose identifiers hash to a
ledger entry — never a new account opened later with a reused address; only entries from
``--since``; a legal hold in the restored data is reported, not overridden.

A restored account is simply the row as it was before the erasure: here it is written back
with the values it had (the full pg_dump/pg_restore path is test_restore_replay.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.erasure import erase_customer
from accounts.models import Customer, Erasure
from ledger.services import ledger_record
from retention.models import LegalHold

from .conftest import BOTH

pytestmark = pytest.mark.django_db(databases=BOTH)

FIELDS = {"external_id": "cus-back", "email": "back@ledger-test.example", "full_name": "Ilinca Înapoi"}


def _erased_long_ago(days: int) -> tuple[Erasure, Any]:
    """An account erased ``days`` ago (ledger written), and when it had been created."""
    created = timezone.now() - timedelta(days=days + 30)
    customer = Customer.objects.create(created_at=created, **FIELDS)
    erased = timezone.now() - timedelta(days=days)
    erasure = erase_customer(customer=customer, reason=Erasure.Reason.IMMEDIATE, now=erased, clock=lambda: erased)
    ledger_record(erasure=erasure)
    return erasure, created


def _restored_copy(created: Any, **changes: Any) -> Customer:
    return Customer.objects.create(created_at=created, **{**FIELDS, **changes})


def _replay(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("replay_erasures", "--json", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_a_restored_account_is_matched_on_any_identifier() -> None:
    erasure, created = _erased_long_ago(3)
    restored = _restored_copy(created, external_id="cus-back-renamed")  # only the email still matches
    report = _replay()
    assert report["counts"]["matched"] == 1 and report["counts"]["erased"] == 1
    assert report["results"][0]["matched_on"] == ["email"]
    assert report["results"][0]["ledger_entry"] == str(erasure.uuid)
    restored.refresh_from_db()
    assert restored.status == "deleted" and restored.email == ""


def test_a_new_account_opened_after_the_erasure_with_the_same_address_is_left_alone() -> None:
    _erased_long_ago(3)
    newcomer = Customer.objects.create(external_id="cus-new", email=FIELDS["email"])  # created now
    assert _replay()["counts"]["matched"] == 0
    newcomer.refresh_from_db()
    assert newcomer.status == "active" and newcomer.email == FIELDS["email"]


def test_since_limits_the_replay_to_recent_entries() -> None:
    _, created = _erased_long_ago(40)
    _restored_copy(created)
    since = (timezone.now() - timedelta(days=31)).date().isoformat()
    assert _replay("--since", since, "--dry-run")["counts"]["matched"] == 0
    assert _replay("--dry-run")["counts"]["would_erase"] == 1


def test_a_legal_hold_in_the_restored_data_is_reported_and_the_command_fails() -> None:
    _, created = _erased_long_ago(3)
    restored = _restored_copy(created)
    LegalHold.objects.create(customer=restored, reason="Dispute 2026-14 (restored with the backup)")
    with pytest.raises(CommandError, match="could not be erased again"):
        call_command("replay_erasures", stdout=StringIO())
    restored.refresh_from_db()
    assert restored.email == FIELDS["email"] and restored.erasure.status == "held"


def test_the_text_report_names_no_one() -> None:
    _, created = _erased_long_ago(3)
    _restored_copy(created)
    out = StringIO()
    call_command("replay_erasures", stdout=out)
    text = out.getvalue()
    assert "matched in the ledger: 1" in text and "→ erased" in text
    assert "back@" not in text and "Înapoi" not in text and "cus-back" not in text
