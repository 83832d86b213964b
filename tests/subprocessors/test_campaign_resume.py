"""A campaign interrupted half-way resumes without sending anyone a second copy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db.models.signals import post_save
from django.test import override_settings

from accounts.models import Customer, Notification
from subprocessors.campaigns import campaign_create, campaign_deliver, campaign_report
from subprocessors.models import NoticeCampaign, NoticeDelivery

from .conftest import NOW


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing in the code can catch it."""


class DyingBackend(EmailBackend):
    """The locmem backend, except that the worker "dies" before sending message N+1."""

    die_at: int | None = None

    def send_messages(self, messages: Any) -> int:
        if DyingBackend.die_at is not None and len(mail.outbox) >= DyingBackend.die_at:
            DyingBackend.die_at = None
            raise WorkerKilled
        return super().send_messages(messages)


def _campaign(customers: list[Customer]) -> NoticeCampaign:
    return campaign_create(
        kind=NoticeCampaign.Kind.OTHER, title="Resume test",
        recipients=((c, None) for c in customers), template="notice",
        context={"subject_en": "Notice", "body_en": "Hello.", "subject_ro": "Notificare", "body_ro": "Bună ziua."},
        created_by=None, now=NOW, start=False,
    )


def _assert_everyone_exactly_once(customers: list[Customer]) -> None:
    sent_to = Counter(m.to[0] for m in mail.outbox)
    assert len(mail.outbox) == len(customers)
    assert set(sent_to) == {c.email for c in customers}
    assert max(sent_to.values()) == 1


@override_settings(EMAIL_BACKEND="tests.subprocessors.test_campaign_resume.DyingBackend")
def test_10000_recipients_killed_mid_send_and_resumed_get_exactly_10000_emails(
    many_customers: Callable[..., list[Customer]],
) -> None:
    customers = many_customers(10_000)
    campaign = _campaign(customers)
    assert campaign.recipients_count == 10_000

    DyingBackend.die_at = 3_333
    with pytest.raises(WorkerKilled):
        campaign_deliver(campaign.pk, batch_size=500, now=NOW, max_batches=100)
    assert len(mail.outbox) == 3_333
    # The dead worker's batch is still claimed: nobody else touches it before the timeout ...
    report = campaign_deliver(campaign.pk, batch_size=500, now=NOW + timedelta(minutes=1), max_batches=100)
    assert report.sending > 0 and report.pending == 0
    assert report.next_due_at == NOW + timedelta(minutes=10)
    # ... after which it is claimed again, and the one half-sent notification is reused.
    report = campaign_deliver(campaign.pk, batch_size=500, now=NOW + timedelta(minutes=11), max_batches=100)

    _assert_everyone_exactly_once(customers)
    assert (report.total, report.sent, report.pending, report.sending, report.failed) == (10_000, 10_000, 0, 0, 0)
    assert report.status == NoticeCampaign.Status.COMPLETED
    assert Notification.objects.filter(dedupe_key__startswith=f"campaign:{campaign.pk}:").count() == 10_000
    # Running it again is a no-op.
    campaign_deliver(campaign.pk, batch_size=500, now=NOW + timedelta(hours=1), max_batches=100)
    assert len(mail.outbox) == 10_000


def test_killed_after_sending_but_before_marking_the_delivery_does_not_resend(
    many_customers: Callable[..., list[Customer]],
) -> None:
    customers = many_customers(50)
    campaign = _campaign(customers)
    sent_count = {"n": 0}

    def die_after_the_20th_recorded_send(sender: Any, instance: Notification, **kwargs: Any) -> None:
        if instance.status == Notification.Status.SENT:
            sent_count["n"] += 1
            if sent_count["n"] == 20:
                raise WorkerKilled

    post_save.connect(die_after_the_20th_recorded_send, sender=Notification)
    try:
        with pytest.raises(WorkerKilled):
            campaign_deliver(campaign.pk, batch_size=10, now=NOW, max_batches=10)
    finally:
        post_save.disconnect(die_after_the_20th_recorded_send, sender=Notification)
    # 20 emails went out and are recorded as sent; the second batch was never marked.
    assert len(mail.outbox) == 20
    assert Notification.objects.filter(status=Notification.Status.SENT).count() == 20
    assert campaign.deliveries.filter(status=NoticeDelivery.Status.SENT).count() == 10

    campaign_deliver(campaign.pk, batch_size=10, now=NOW + timedelta(minutes=11), max_batches=10)
    _assert_everyone_exactly_once(customers)
    assert campaign_report(campaign.pk).sent == 50


def test_two_workers_sharing_a_campaign_never_claim_the_same_row(
    many_customers: Callable[..., list[Customer]],
) -> None:
    customers = many_customers(30)
    campaign = _campaign(customers)
    # Interleaved batches, as two workers would run them.
    for _ in range(2):
        campaign_deliver(campaign.pk, batch_size=7, now=NOW)
        campaign_deliver(campaign.pk, batch_size=7, now=NOW)
    campaign_deliver(campaign.pk, batch_size=100, now=NOW)
    _assert_everyone_exactly_once(customers)
