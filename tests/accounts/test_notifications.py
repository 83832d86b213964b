"""A notification goes out once, in the subject's language, with a record — even after a crash."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from accounts.notifications import notify, retry_unsent


def test_a_dedupe_key_sends_once(customer_a) -> None:  # type: ignore[no-untyped-def]
    first = notify(kind="deletion_cancelled", customer=customer_a, dedupe_key="k-1")
    second = notify(kind="deletion_cancelled", customer=customer_a, dedupe_key="k-1")
    assert first is not None and second is None
    assert len(mail.outbox) == 1
    assert first.language == "ro" and first.status == "sent" and first.sent_at


def test_a_mail_outage_is_recorded_and_retried_later(customer_a, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "tests.accounts.failing_mail.DownBackend"
    note = notify(kind="deletion_cancelled", customer=customer_a, dedupe_key="k-2")
    assert note is not None and note.status == "failed" and note.error == "SMTPServerDisconnected"
    assert customer_a.email not in note.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_unsent(older_than=timezone.now() + timedelta(seconds=1)) == 1
    note.refresh_from_db()
    assert note.status == "sent" and note.attempts == 2
    assert retry_unsent(older_than=timezone.now() + timedelta(seconds=1)) == 0
    assert len(mail.outbox) == 1

