"""§5.3 "permanent deletion": a customer erased after a backup was taken comes back when that
backup is restored — and the replay erases them again, from the ledger that the restore did
not roll back. Real pg_dump/pg_restore of the test PostgreSQL database; S3 and Cognito on
moto, put back as the backup had them; Stripe through the real library on the fake server."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from accounts.erasure import erase_customer, run_erasure
from accounts.models import Customer, Erasure
from ledger.models import LedgerEntry, ReplayRun
from retention.models import BillingRecord, LoginEvent, SupportTicket, UsageEvent

from .conftest import BOTH, Backups, Outside, tables_mentioning

pytestmark = pytest.mark.django_db(databases=BOTH, transaction=True)

EXTERNAL_ID = "cus-zr-7f3a"
EMAIL = "zoltan.restorescu@ledger-test.example"
NAME = "Zoltan Restorescu"
KEYS = [f"customers/{EXTERNAL_ID}/catalogue.csv", f"customers/{EXTERNAL_ID}/images/p1.jpg",
        f"photos/{EXTERNAL_ID}.jpg"]
# Any of these anywhere in the database is a trace of him.
NEEDLES = [EXTERNAL_ID, EMAIL, "Restorescu", "+40 722 000 111", "203.0.113.77", "zr-device"]


def _customer_everywhere(outside: Outside) -> tuple[Customer, Customer]:
    for key in KEYS + ["customers/cus-stays/keep.csv"]:
        outside.put(key)
    zoltan = Customer.objects.create(
        external_id=EXTERNAL_ID, email=EMAIL, full_name=NAME, company_name="Restorescu PIM SRL",
        phone="+40 722 000 111", profile_photo_key=f"photos/{EXTERNAL_ID}.jpg",
        cognito_sub=outside.add_cognito_user(EMAIL),
        stripe_customer_id=outside.stripe.add_customer(email=EMAIL),
        user=User.objects.create_user("zoltan-portal", EMAIL, "x-portal-pass-1"),
    )
    stays = Customer.objects.create(external_id="cus-stays", email="stays@ledger-test.example")
    outside.add_cognito_user("stays@ledger-test.example")
    now = timezone.now()
    UsageEvent.objects.create(customer=zoltan, occurred_at=now, kind="feature", name="export.csv",
                              browser="Firefox", device_id="zr-device", session_id="s1", ip="203.0.113.77")
    LoginEvent.objects.create(customer=zoltan, occurred_at=now, outcome="success", ip="203.0.113.77")
    SupportTicket.objects.create(customer=zoltan, reference="T-ZR-1", subject="Import fails", opened_at=now)
    BillingRecord.objects.create(customer=zoltan, stripe_id="ch_zr1", stripe_customer_id="cus_billing_zr",
                                 transaction_at=now, amount=4900, stripe_event_created=now,
                                 billing_name=NAME, card_last4="4242")
    return zoltan, stays


def _restore_outside_as_backed_up(outside: Outside) -> None:
    """S3 and Cognito put back as their backups had them (Stripe cannot be restored)."""
    for key in KEYS:
        outside.put(key)
    outside.add_cognito_user(EMAIL)


def _replay(*args: str) -> dict[str, Any]:
    import json
    from io import StringIO

    out = StringIO()
    call_command("replay_erasures", "--json", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def _assert_no_trace(outside: Outside, backups: Backups) -> None:
    # The only row that still names him is the billing record: kept 7 years (§5.2, §5.3).
    assert tables_mentioning(backups.text_dump("default"), NEEDLES) == {"retention_billingrecord": ["Restorescu"]}
    assert tables_mentioning(backups.text_dump("ledger"), NEEDLES) == {}  # the ledger: hashes only
    assert outside.keys(f"customers/{EXTERNAL_ID}/") == [] and outside.keys(f"photos/{EXTERNAL_ID}") == []
    assert outside.keys("customers/cus-stays/") == ["customers/cus-stays/keep.csv"]
    assert outside.cognito_emails() == ["stays@ledger-test.example"]
    assert not User.objects.filter(username="zoltan-portal").exists()


def test_a_customer_erased_after_the_backup_is_erased_again_after_the_restore(
        outside: Outside, backups: Backups) -> None:
    zoltan, _ = _customer_everywhere(outside)
    dump = backups.dump("nightly-before-the-erasure")

    erasure = erase_customer(customer=zoltan, reason=Erasure.Reason.IMMEDIATE, now=timezone.now())
    assert erasure.status == "completed"
    entry = LedgerEntry.objects.get(erasure_uuid=erasure.uuid)  # written when it completed
    assert sorted(entry.identifiers.values_list("kind", flat=True)) == [
        "cognito_sub", "email", "external_id", "stripe_customer_id"]
    assert {s["system"] for s in entry.systems} == {"main-app", "s3", "cognito", "stripe", "backups",
                                                    "confirmation-email", "privacy-db"}
    assert entry.certificate_sha256 == erasure.certificate_sha256

    backups.restore(dump)  # the main database goes back to the night before
    _restore_outside_as_backed_up(outside)
    assert Customer.objects.get(external_id=EXTERNAL_ID).email == EMAIL  # he is back
    assert not Erasure.objects.exists()  # and so is the world without his erasure
    assert outside.keys(f"customers/{EXTERNAL_ID}/") != []

    assert _replay("--dry-run")["counts"]["would_erase"] == 1
    assert Customer.objects.get(external_id=EXTERNAL_ID).email == EMAIL  # a dry run changes nothing

    report = _replay()
    assert report["counts"]["matched"] == 1 and report["counts"]["erased"] == 1
    [result] = report["results"]
    assert result["ledger_entry"] == str(erasure.uuid)
    assert sorted(result["matched_on"]) == ["cognito_sub", "email", "external_id", "stripe_customer_id"]
    replayed = Erasure.objects.get()
    assert replayed.reason == "replay" and replayed.status == "completed"
    assert replayed.steps.get(system="confirmation-email").status == "skipped"  # he was told already
    _assert_no_trace(outside, backups)
    assert LedgerEntry.objects.filter(erasure_uuid=replayed.uuid).exists()  # the replay is on record too

    calls, entries = len(outside.stripe.calls), LedgerEntry.objects.count()
    again = _replay()
    assert again["counts"]["matched"] == 0 and again["results"] == []
    assert Erasure.objects.count() == 1 and LedgerEntry.objects.count() == entries
    assert len(outside.stripe.calls) == calls  # nothing was touched
    assert list(ReplayRun.objects.values_list("counts__matched", flat=True)) == [0, 1]


def test_a_restored_half_done_erasure_is_run_again_in_full(outside: Outside, backups: Backups) -> None:
    zoltan, _ = _customer_everywhere(outside)
    outside.stripe.fail_next = 1  # the erasure stops at Stripe: S3 and Cognito already "done"
    erasure = erase_customer(customer=zoltan, reason=Erasure.Reason.IMMEDIATE, now=timezone.now())
    assert erasure.status == "failed"
    dump = backups.dump("taken-while-it-was-failing")
    erasure = run_erasure(erasure)
    assert erasure.status == "completed"

    backups.restore(dump)
    _restore_outside_as_backed_up(outside)
    restored = Erasure.objects.get()
    assert restored.status == "failed" and restored.steps.get(system="s3").status == "done"

    report = _replay()
    assert [r["outcome"] for r in report["results"]] == ["resumed"]
    restored.refresh_from_db()
    assert restored.status == "completed" and restored.uuid == erasure.uuid
    attempts = dict(restored.steps.values_list("system", "attempts"))
    assert attempts["s3"] == 2 and attempts["cognito"] == 2  # re-run: "done" in a restored record proves nothing
    _assert_no_trace(outside, backups)
    assert _replay()["counts"]["matched"] == 0
