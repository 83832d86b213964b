"""The lifecycle's emails exist in English and Romanian, keep personal data out of subjects
(subjects are kept as proof after erasure), and write Romanian with comma-below ș and ț."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accounts.lifecycle import kept_after_erasure, reminder_kind, reminder_offsets
from accounts.models import Customer
from accounts.notifications import render_email
from micropim_privacy.policy import Deadlines

KINDS = ["deletion_started", *[reminder_kind(p) for p in reminder_offsets()], "deletion_cancelled",
         "deletion_immediate", "deletion_completed", "deletion_legal_hold"]


@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_email_renders_in_both_languages(kind: str, language: str) -> None:
    customer = Customer(external_id="cus-x", email="maria.ionescu@example.com", full_name="Maria Ionescu",
                        language=language)
    requested = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    context = {"customer": customer, "due_at": Deadlines.ACCOUNT_DELETION_GRACE.after(requested),
               "requested_at": requested, "portal_url": "https://privacy.example/privacy/",
               "contact_email": "privacy@micropim.net", "grace_days": 31, "days_left": 7,
               "kept": kept_after_erasure(), "erasure_id": "00000000-0000-0000-0000-000000000000"}
    subject, body, _ = render_email(kind, language, context)
    assert subject and body.strip()
    assert "Maria" not in subject and "Ionescu" not in subject and "@" not in subject
    assert "{{" not in body and "{%" not in body
    if language == "ro":
        assert not set("şţŞŢ") & set(subject + body), "cedilla forms: use ș and ț (comma below)"


def test_every_reminder_the_policy_names_has_its_templates() -> None:
    assert [p.days for p in reminder_offsets()] == sorted(p.days for p in Deadlines.ACCOUNT_DELETION_REMINDERS)
