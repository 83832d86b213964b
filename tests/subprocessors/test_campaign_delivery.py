"""Campaign delivery: one copy per recipient, throttled batches, retries, skips, the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.template import TemplateDoesNotExist
from django.test import override_settings

from accounts.models import Customer, Notification
from subprocessors.campaigns import (
    campaign_cancel,
    campaign_create,
    campaign_deliver,
    campaign_report,
    campaigns_for,
)
from subprocessors.models import NoticeCampaign, NoticeDelivery

from .conftest import NOW

CONTEXT = {"subject_en": "Notice", "body_en": "Hello {{ x }}.", "subject_ro": "Notificare", "body_ro": "Bună ziua."}


def _create(recipients: Any, **kwargs: Any) -> NoticeCampaign:
    return campaign_create(kind=kwargs.pop("kind", NoticeCampaign.Kind.OTHER), title="Test",
                           recipients=recipients, template=kwargs.pop("template", "notice"),
                           context=kwargs.pop("context", CONTEXT), created_by=None, now=NOW, start=False, **kwargs)


class FlakyBackend(EmailBackend):
    """Refuses every message while ``down`` (a mail outage)."""

    down = True

    def send_messages(self, messages: Any) -> int:
        if FlakyBackend.down:
            raise ConnectionRefusedError("smtp down")
        return super().send_messages(messages)


def test_a_recipient_listed_twice_gets_one_delivery(customer_a: Customer, customer_b: Customer) -> None:
    campaign = _create([(customer_a, None), (customer_b, None), (customer_a, "en"),
                        ("Visitor@Example.com", "en"), ("visitor@example.com", "ro")])
    assert campaign.recipients_count == 3
    campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [customer_a.email, customer_b.email, "Visitor@Example.com"])


def test_each_customer_gets_the_notice_in_their_language(customer_a: Customer, customer_b: Customer) -> None:
    campaign = _create([(customer_a, None), (customer_b, None)])
    campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {customer_a.email: "Notificare", customer_b.email: "Notice"}
    assert "Bună ziua." in next(m.body for m in mail.outbox if m.to[0] == customer_a.email)
    # Recorded as the customer's notifications (GET /api/v1/accounts/{id}/notifications/).
    assert customer_a.notifications.get().dedupe_key.startswith(f"campaign:{campaign.pk}:")


def test_delivery_is_throttled_to_one_batch_per_call(many_customers: Callable[..., list[Customer]]) -> None:
    campaign = _create([(c, None) for c in many_customers(25)])
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert (len(mail.outbox), report.sent, report.pending, report.done) == (10, 10, 15, False)
    assert report.next_due_at == NOW
    campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert (len(mail.outbox), report.sent, report.done, report.status) == (25, 25, True, "completed")
    assert report.next_due_at is None


@override_settings(EMAIL_BACKEND="tests.subprocessors.test_campaign_delivery.FlakyBackend",
                   NOTICE_CAMPAIGN_RETRY_BACKOFF_SECONDS=60, NOTICE_CAMPAIGN_MAX_ATTEMPTS=3)
def test_failures_are_retried_with_backoff_then_given_up(customer_a: Customer, customer_b: Customer) -> None:
    FlakyBackend.down = True
    campaign = _create([(customer_a, None), (customer_b, None)])
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert (report.sent, report.pending, report.retrying, report.failed) == (0, 2, 2, 0)
    assert report.next_due_at == NOW + timedelta(seconds=60)
    # Not before the back-off ...
    campaign_deliver(campaign.pk, batch_size=10, now=NOW + timedelta(seconds=59))
    assert NoticeDelivery.objects.filter(attempts=1).count() == 2
    # ... then again, with the back-off doubled.
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW + timedelta(seconds=60))
    assert report.next_due_at == NOW + timedelta(seconds=60 + 120)
    # The outage ends for the third attempt of one of them only.
    FlakyBackend.down = False
    first = NoticeDelivery.objects.order_by("id").first()
    NoticeDelivery.objects.exclude(pk=first.pk).update(attempts=3, status=NoticeDelivery.Status.FAILED)
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW + timedelta(seconds=180))
    assert (report.sent, report.failed, report.pending, report.status) == (1, 1, 0, "completed")
    assert len(mail.outbox) == 1
    # The retries reused one Notification per delivery: no second record, no second email.
    assert Notification.objects.count() == 2


@override_settings(EMAIL_BACKEND="tests.subprocessors.test_campaign_delivery.FlakyBackend",
                   NOTICE_CAMPAIGN_MAX_ATTEMPTS=2, NOTICE_CAMPAIGN_RETRY_BACKOFF_SECONDS=1)
def test_after_max_attempts_the_delivery_is_failed_and_reported(customer_a: Customer) -> None:
    FlakyBackend.down = True
    campaign = _create([(customer_a, None)])
    campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW + timedelta(seconds=5))
    assert (report.failed, report.pending, report.status) == (1, 0, "completed")
    assert NoticeDelivery.objects.get().error == "ConnectionRefusedError"


def test_an_erased_customer_is_skipped(customer_a: Customer, customer_b: Customer) -> None:
    campaign = _create([(customer_a, None), (customer_b, None)])
    Customer.objects.filter(pk=customer_b.pk).update(email="", status=Customer.Status.DELETED)
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert (report.sent, report.skipped, report.done) == (1, 1, True)


def test_per_recipient_context_and_source_link(customer_a: Customer, customer_b: Customer) -> None:
    campaign = _create([(customer_a, None, {"subject_ro": "Pentru Ana"}), (customer_b, None)], source=customer_a)
    campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert {m.subject for m in mail.outbox} == {"Pentru Ana", "Notice"}
    assert list(campaigns_for(customer_a)) == [campaign]


def test_cancel_stops_those_not_reached_yet(many_customers: Callable[..., list[Customer]]) -> None:
    campaign = _create([(c, None) for c in many_customers(5)])
    campaign_deliver(campaign.pk, batch_size=2, now=NOW)
    assert campaign_cancel(campaign=campaign, now=NOW) == 3
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW)
    assert (len(mail.outbox), report.sent, report.skipped, report.status) == (2, 2, 3, "cancelled")


def test_bad_arguments_are_refused_before_anything_is_written(customer_a: Customer) -> None:
    with pytest.raises(TemplateDoesNotExist):
        _create([(customer_a, None)], template="no_such_email")
    with pytest.raises(ValueError, match="kind"):
        _create([(customer_a, None)], kind="spam")
    with pytest.raises(ValueError, match="recipient"):
        _create([("not-an-address", "en")])
    assert NoticeCampaign.objects.count() == 0


def test_an_empty_campaign_is_complete_at_once(db: None) -> None:
    campaign = _create([])
    assert campaign_report(campaign.pk).status == "completed"


@override_settings(NOTICE_CAMPAIGN_MAX_ATTEMPTS=2)
def test_a_row_that_killed_its_worker_too_often_is_failed_unless_its_email_went_out(
    customer_a: Customer, customer_b: Customer,
) -> None:
    campaign = _create([(customer_a, None), (customer_b, None)])
    first, second = NoticeDelivery.objects.order_by("id")
    NoticeDelivery.objects.update(status=NoticeDelivery.Status.SENDING, attempts=2, claimed_at=NOW)
    Notification.objects.create(customer=customer_a, to_email=customer_a.email, kind="notice", subject="N",
                                dedupe_key=first.dedupe_key, status=Notification.Status.SENT, sent_at=NOW)
    report = campaign_deliver(campaign.pk, batch_size=10, now=NOW + timedelta(minutes=11))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.sent_at, second.status) == ("sent", NOW, "failed")
    assert (report.sent, report.failed, report.status, len(mail.outbox)) == (1, 1, "completed", 0)
