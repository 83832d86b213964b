"""Scheduled jobs of the accounts app (the runner calls them; each decides what is due)."""

from __future__ import annotations

from datetime import datetime, timedelta

from micropim_privacy.jobs import privacy_job

from . import lifecycle
from .models import Notification
from .notifications import retry_unsent


@privacy_job("send_deletion_reminders",
             "§5.3: the 7-day and 1-day reminders before final deletion, each exactly once", order=200)
def send_deletion_reminders(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return lifecycle.send_deletion_reminders(as_of=as_of, dry_run=dry_run)


@privacy_job("erase_due_accounts",
             "§5.3, §9.2: erase accounts whose grace period ended (or without grace); resume "
             "interrupted erasures; legal holds respected", order=210)
def erase_due_accounts(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    return lifecycle.erase_due_accounts(as_of=as_of, dry_run=dry_run)


@privacy_job("retry_notifications", "Send notifications that were claimed but never sent", order=900)
def retry_notifications(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    # Only those older than ten minutes: a younger one may still be in a sender's hands.
    older_than = as_of - timedelta(minutes=10)
    if dry_run:
        return {"would_retry": Notification.objects.filter(
            sent_at__isnull=True, created_at__lt=older_than, attempts__lt=5).exclude(to_email="").count()}
    return {"sent": retry_unsent(older_than=older_than)}
