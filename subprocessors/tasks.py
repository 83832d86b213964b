"""Celery entry points: thin wrappers that take ids and call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.utils import timezone

from . import conf
from .campaigns import campaign_deliver, queue_delivery


@shared_task(name="subprocessors.tasks.deliver_campaign", acks_late=True)
def deliver_campaign(campaign_id: int) -> dict[str, Any]:
    """One throttled batch, then re-queue itself until nothing is left (campaigns.py)."""
    now = timezone.now()
    report = campaign_deliver(campaign_id, batch_size=conf.batch_size(), now=now)
    if not report.done and report.next_due_at is not None:
        wait = max(conf.batch_interval_seconds(), (report.next_due_at - now).total_seconds())
        queue_delivery(campaign_id, countdown=wait)
    return report.as_dict()
