"""A campaign is delivered by a real Celery worker from Redis, one throttled batch at a time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from accounts.models import Customer
from micropim_privacy.celery import app
from subprocessors.campaigns import campaign_create, campaign_report
from subprocessors.models import NoticeCampaign, NoticeDelivery


@pytest.mark.celery_worker
def test_a_real_worker_delivers_a_campaign_in_throttled_batches(
    transactional_db: None, settings: Any, many_customers: Callable[..., list[Customer]],
) -> None:
    assert app.conf.broker_url.startswith("redis://")
    settings.NOTICE_CAMPAIGN_BATCH_SIZE = 5
    settings.NOTICE_CAMPAIGN_BATCH_INTERVAL_SECONDS = 0.3
    customers = many_customers(20, prefix="worker")
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # Queued by campaign_create itself, once its transaction commits.
        campaign = campaign_create(kind=NoticeCampaign.Kind.OTHER, title="Worker test",
                                   recipients=((c, None) for c in customers), template="notice",
                                   context={"subject_en": "N", "body_en": "B", "subject_ro": "N", "body_ro": "B"},
                                   created_by=None, now=timezone.now())
        deadline = time.monotonic() + 30
        while campaign_report(campaign.pk).status != NoticeCampaign.Status.COMPLETED:
            assert time.monotonic() < deadline, f"not delivered: {campaign_report(campaign.pk)}"
            time.sleep(0.1)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(c.email for c in customers)
    # Four batches of five, at least the throttle interval apart.
    batches = sorted(set(NoticeDelivery.objects.filter(campaign=campaign).values_list("sent_at", flat=True)))
    assert len(batches) == 4
    gaps = [(b - a).total_seconds() for a, b in zip(batches, batches[1:], strict=False)]
    assert min(gaps) >= 0.3
