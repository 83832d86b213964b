"""Scheduled jobs of the accounts app."""

from __future__ import annotations

from datetime import datetime, timedelta

from micropim_privacy.jobs import privacy_job

from .models import Notification
from .notifications import retry_unsent


@privacy_job("retry_notifications", "Send notifications that were claimed but never sent", order=900)
def retry_notifications(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    # Only those older than ten minutes: a younger one may still be in a sender's hands.
    older_than = as_of - timedelta(minutes=10)
    if dry_run:
        return {"would_retry": Notification.objects.filter(
            sent_at__isnull=True, created_at__lt=older_than, attempts__lt=5).exclude(to_email="").count()}
    return {"sent": retry_unsent(older_than=older_than)}
