"""Scheduled purges of marketing data and consent proofs (§5.2, §5.4).

Why care: a purge deletes for good. Each job computes its cut-off from the registry
(``micropim_privacy.policy``) at run time, selects what is due with one query, and deletes
it in small batches, one transaction each, so a crash half-way leaves whole rows either
deleted or kept and the next run carries on. Running twice for the same ``as_of`` finds
nothing left to do. A legal hold (§5.5) on a category, or on a customer, keeps what it
covers. ``dry_run`` counts what would go and changes nothing.

| job | registry category | what goes |
|---|---|---|
| purge_unsubscribed_marketing | marketing_after_unsubscribe | an unsubscribed subscriber's marketing data, before 30 days have passed |
| purge_inactive_subscribers | newsletter_subscription | subscribers with no engagement for 2 years; unconfirmed signups whose link expired |
| purge_consent_records | marketing_consent_records | proofs 2 years after the consent ended (withdrawn, replaced) or after last engagement |
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Customer, Notification
from micropim_privacy.jobs import privacy_job
from micropim_privacy.policy import category
from retention.models import LegalHold

from . import conf
from .marketing import MARKETING_KINDS
from .models import ConsentRecord, Subscription, email_hash

BATCH = 500
# Notifications that carry a subscriber's address and are marketing data themselves.
_MARKETING_NOTIFICATION_KINDS = (*MARKETING_KINDS, "newsletter_confirm")


def _held(category_key: str) -> tuple[bool, set[int], set[str]]:
    """(whole category held, held customer ids, their email hashes) — §5.5."""
    holds = LegalHold.objects.filter(lifted_at__isnull=True).filter(
        Q(category_key=category_key) | Q(category_key=""))
    everyone = holds.filter(customer__isnull=True).exists()
    ids = set(holds.filter(customer__isnull=False).values_list("customer_id", flat=True))
    hashes = {email_hash(e) for e in Customer.objects.filter(pk__in=ids).values_list("email", flat=True)}
    return everyone, ids, hashes


def _without_held(qs: QuerySet, category_key: str, key_field: str) -> QuerySet | None:
    everyone, ids, hashes = _held(category_key)
    if everyone:
        return None
    return qs.exclude(customer_id__in=ids).exclude(**{f"{key_field}__in": hashes})


def _delete_in_batches(qs: QuerySet, *, before_delete: Callable[[QuerySet], None] | None = None) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(qs.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not batch:
                return deleted
            rows = qs.model.objects.filter(pk__in=batch)
            if before_delete is not None:
                before_delete(rows)
            deleted += rows.delete()[0]


def _blank_marketing_notifications(subscriptions: QuerySet) -> None:
    emails = list(subscriptions.values_list("email", flat=True))
    Notification.objects.filter(kind__in=_MARKETING_NOTIFICATION_KINDS, to_email__in=emails).update(
        to_email="", body="")


def _purge_subscriptions(qs: QuerySet | None, *, dry_run: bool, prefix: str) -> dict[str, int]:
    if qs is None:
        return {f"{prefix}held": 1}
    if dry_run:
        return {f"{prefix}would_delete": qs.count()}
    return {f"{prefix}deleted": _delete_in_batches(qs, before_delete=_blank_marketing_notifications)}


@privacy_job("purge_unsubscribed_marketing",
             "§5.4: delete an unsubscribed subscriber's marketing data within 30 days", order=400)
def purge_unsubscribed_marketing(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    # "Within 30 days": delete now whatever would pass the 30-day mark before the next run.
    next_run = as_of + timedelta(seconds=settings.PRIVACY_JOBS_INTERVAL_SECONDS)
    cutoff = category("marketing_after_unsubscribe").cutoff(next_run)
    due = Subscription.objects.filter(status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at__lt=cutoff)
    return _purge_subscriptions(_without_held(due, "marketing_after_unsubscribe", "email_hash"),
                                dry_run=dry_run, prefix="")


@privacy_job("purge_inactive_subscribers",
             "§5.4: remove subscribers after 2 years without engagement; expired unconfirmed signups",
             order=410)
def purge_inactive_subscribers(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    cutoff = category("newsletter_subscription").cutoff(as_of)
    link_expired = as_of - timedelta(seconds=conf.confirmation_max_age_seconds())
    live = Subscription.objects.exclude(status=Subscription.Status.UNSUBSCRIBED)
    inactive = live.filter(last_engagement_at__lt=cutoff)
    # Data minimisation: a signup never confirmed is no consent; keep it no longer than its link.
    unconfirmed = live.filter(status=Subscription.Status.PENDING, last_engagement_at__lt=link_expired)
    unconfirmed = unconfirmed.exclude(last_engagement_at__lt=cutoff)
    key = "newsletter_subscription"
    return {
        **_purge_subscriptions(_without_held(inactive, key, "email_hash"), dry_run=dry_run, prefix="inactive_"),
        **_purge_subscriptions(_without_held(unconfirmed, key, "email_hash"), dry_run=dry_run,
                               prefix="unconfirmed_"),
    }


def consent_records_due(as_of: datetime) -> QuerySet[ConsentRecord]:
    """Proofs whose consent ended, or whose subject last engaged, more than 2 years ago.

    A cookie decision ends when the visitor's next decision replaces it; an email
    marketing consent ends with its withdrawal. While the subject is still active (a
    newer record, or a subscription engaged with or withdrawn) after the cut-off, the
    proofs of their current consent stay.
    """
    cutoff = category("marketing_consent_records").cutoff(as_of)
    assert cutoff is not None  # the registry gives this category a period
    same_subject = ConsentRecord.objects.filter(subject_key=OuterRef("subject_key"), kind=OuterRef("kind"))
    replaced = same_subject.filter(recorded_at__gt=OuterRef("recorded_at"), recorded_at__lt=cutoff)
    withdrawn = same_subject.filter(action=ConsentRecord.Action.WITHDRAWN,
                                    recorded_at__gte=OuterRef("recorded_at"), recorded_at__lt=cutoff)
    ended = (Q(kind=ConsentRecord.Kind.COOKIES) & Exists(replaced)) | (
        Q(kind=ConsentRecord.Kind.EMAIL_MARKETING) & Exists(withdrawn))
    recent_record = same_subject.filter(recorded_at__gte=cutoff)
    recent_subscription = Subscription.objects.filter(email_hash=OuterRef("subject_key")).filter(
        Q(last_engagement_at__gte=cutoff) | Q(unsubscribed_at__gte=cutoff))
    dormant = ~Exists(recent_record) & ~Exists(recent_subscription)
    return ConsentRecord.objects.filter(recorded_at__lt=cutoff).filter(ended | dormant)


@privacy_job("purge_consent_records",
             "§5.2, §5.4: delete consent proofs 2 years after withdrawal or last engagement", order=420)
def purge_consent_records(*, as_of: datetime, dry_run: bool) -> dict[str, int]:
    due = _without_held(consent_records_due(as_of), "marketing_consent_records", "subject_key")
    if due is None:
        return {"held": 1}
    if dry_run:
        return {"would_delete": due.count()}
    return {"deleted": _delete_in_batches(due)}
