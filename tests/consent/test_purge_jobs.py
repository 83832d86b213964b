"""§5.2, §5.4 purges, travelling across the 30-day and 2-year edges. Periods come from the registry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import Customer, Notification
from consent.jobs import (
    purge_consent_records,
    purge_inactive_subscribers,
    purge_unsubscribed_marketing,
)
from consent.marketing import marketing_send
from consent.models import ConsentRecord, Subscription, Suppression, email_hash
from consent.services import (
    cookie_decision_record,
    marketing_unsubscribe,
    subscription_record_engagement,
    subscription_start,
)
from consent.tokens import Recipient
from micropim_privacy.policy import category
from retention.models import LegalHold

from .conftest import VISITOR, subscribe_and_confirm

pytestmark = pytest.mark.django_db
T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
AFTER_UNSUBSCRIBE = category("marketing_after_unsubscribe").retention
INACTIVITY = category("newsletter_subscription").retention
PROOF = category("marketing_consent_records").retention
RUN_INTERVAL = timedelta(seconds=settings.PRIVACY_JOBS_INTERVAL_SECONDS)
EMAIL = "reader@example.com"


def _unsubscribe(email: str, at: datetime) -> None:
    marketing_unsubscribe(recipient=Recipient(email_hash(email), None), source="one-click", now=at)


def test_marketing_data_is_gone_before_30_days_after_unsubscribe_and_the_proof_stays() -> None:
    subscribe_and_confirm(EMAIL, now=T)
    marketing_send(email=EMAIL, campaign="c1", context={"body_text": "News"}, now=T)
    _unsubscribe(EMAIL, T)
    day_29 = T + timedelta(days=29)
    assert purge_unsubscribed_marketing(as_of=day_29, dry_run=False) == {"deleted": 0}
    # The last run before the 30-day mark must delete it: "within 30 days" (§5.4).
    last_run_before = AFTER_UNSUBSCRIBE.after(T) - RUN_INTERVAL
    assert purge_unsubscribed_marketing(as_of=last_run_before, dry_run=True) == {"would_delete": 0}
    assert purge_unsubscribed_marketing(as_of=last_run_before + SECOND, dry_run=True) == {"would_delete": 1}
    assert purge_unsubscribed_marketing(as_of=last_run_before + SECOND, dry_run=False) == {"deleted": 1}
    assert purge_unsubscribed_marketing(as_of=last_run_before + SECOND, dry_run=False) == {"deleted": 0}
    assert not Subscription.objects.exists()
    assert not Notification.objects.filter(to_email=EMAIL).exists()  # the sent newsletters' copies too
    assert Notification.objects.filter(kind="marketing_news", to_email="").count() == 1
    assert ConsentRecord.objects.filter(subject_key=email_hash(EMAIL)).count() == 3  # proof kept
    assert Suppression.objects.filter(email_hash=email_hash(EMAIL)).exists()  # opt-out kept


def test_subscribers_without_engagement_for_2_years_are_removed() -> None:
    subscribe_and_confirm(EMAIL, now=T)
    subscribe_and_confirm("engaged@example.com", now=T)
    subscription_record_engagement(email="engaged@example.com", now=T + timedelta(days=400))
    edge = INACTIVITY.after(T)
    assert purge_inactive_subscribers(as_of=edge, dry_run=False)["inactive_deleted"] == 0
    assert purge_inactive_subscribers(as_of=edge + SECOND, dry_run=True)["inactive_would_delete"] == 1
    assert purge_inactive_subscribers(as_of=edge + SECOND, dry_run=False)["inactive_deleted"] == 1
    assert list(Subscription.objects.values_list("email", flat=True)) == ["engaged@example.com"]


def test_an_unconfirmed_signup_goes_when_its_link_expires() -> None:
    subscription_start(email=EMAIL, source="form", consent_text_version="v1", now=T)
    assert purge_inactive_subscribers(as_of=T + timedelta(days=2), dry_run=False)["unconfirmed_deleted"] == 0
    assert purge_inactive_subscribers(as_of=T + timedelta(days=4), dry_run=False)["unconfirmed_deleted"] == 1


def test_a_replaced_cookie_decision_is_kept_2_years_after_it_was_replaced() -> None:
    for years in (0, 1, 2):
        cookie_decision_record(visitor_id=VISITOR, analytics=bool(years), marketing=False,
                               policy_version="1.0", now=T + timedelta(days=365 * years))
    replaced_at = T + timedelta(days=365)  # the first decision ended here
    assert purge_consent_records(as_of=PROOF.after(replaced_at), dry_run=False) == {"deleted": 0}
    assert purge_consent_records(as_of=PROOF.after(replaced_at) + SECOND, dry_run=False) == {"deleted": 1}
    assert ConsentRecord.objects.count() == 2
    latest = T + timedelta(days=730)  # replaces the second; the visitor's last engagement
    assert purge_consent_records(as_of=PROOF.after(latest), dry_run=False) == {"deleted": 0}
    assert purge_consent_records(as_of=PROOF.after(latest) + SECOND, dry_run=False) == {"deleted": 2}
    assert not ConsentRecord.objects.exists()


def test_newsletter_proofs_are_kept_2_years_after_withdrawal() -> None:
    subscribe_and_confirm(EMAIL, now=T)
    withdrawn = T + timedelta(days=200)
    _unsubscribe(EMAIL, withdrawn)
    purge_unsubscribed_marketing(as_of=withdrawn + timedelta(days=30), dry_run=False)
    assert purge_consent_records(as_of=PROOF.after(withdrawn), dry_run=False) == {"deleted": 0}
    assert ConsentRecord.objects.count() == 3
    assert purge_consent_records(as_of=PROOF.after(withdrawn) + SECOND, dry_run=True) == {"would_delete": 3}
    assert purge_consent_records(as_of=PROOF.after(withdrawn) + SECOND, dry_run=False) == {"deleted": 3}


def test_an_engaged_subscriber_keeps_the_proof_of_their_consent() -> None:
    subscribe_and_confirm(EMAIL, now=T)
    subscription_record_engagement(email=EMAIL, now=T + timedelta(days=600))
    assert purge_consent_records(as_of=PROOF.after(T) + timedelta(days=30), dry_run=False) == {"deleted": 0}


def test_legal_holds_stop_the_purges(customer_a: Customer) -> None:
    subscribe_and_confirm(customer_a.email, now=T)
    subscribe_and_confirm(EMAIL, now=T)
    later = INACTIVITY.after(T) + SECOND
    hold = LegalHold.objects.create(customer=customer_a, reason="litigation")
    assert purge_inactive_subscribers(as_of=later, dry_run=False)["inactive_deleted"] == 1
    assert Subscription.objects.get().customer == customer_a
    category_hold = LegalHold.objects.create(category_key="marketing_consent_records", reason="audit")
    assert purge_consent_records(as_of=later, dry_run=False) == {"held": 1}
    category_hold.delete()
    assert purge_consent_records(as_of=later, dry_run=False) == {"deleted": 2}  # EMAIL's proofs only
    hold.delete()
    assert purge_consent_records(as_of=later, dry_run=False) == {"deleted": 2}
    assert purge_inactive_subscribers(as_of=later, dry_run=False)["inactive_deleted"] == 1


def test_the_job_runner_runs_them_as_of_an_instant() -> None:
    subscribe_and_confirm(EMAIL, now=T)
    out = StringIO()
    call_command("run_privacy_jobs", "--as-of", (INACTIVITY.after(T) + SECOND).isoformat(), "--json",
                 "--only", "purge_inactive_subscribers", "purge_consent_records", stdout=out)
    jobs = json.loads(out.getvalue())["jobs"]
    assert jobs["purge_inactive_subscribers"]["counts"]["inactive_deleted"] == 1
    assert jobs["purge_consent_records"]["counts"] == {"deleted": 2}
