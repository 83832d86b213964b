"""Every write of the consent app: banner decisions, double opt-in, unsubscribe, objection.

Marketing emails themselves are sent by ``consent/marketing.py`` (one door, so the
unsubscribe headers and the postal address are on every one of them).
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from django.db import transaction

from accounts.models import Customer
from accounts.notifications import notify
from micropim_privacy.policy import POLICY_VERSION

from .anonymise import ip_prefix, user_agent_family
from .models import ConsentRecord, Subscription, Suppression, email_hash, normalise_email
from .tokens import (
    InvalidLink,
    Recipient,
    confirmation_token,
    confirmation_url,
    read_confirmation_token,
)

log = logging.getLogger(__name__)
Kind, Action, Gpc = ConsentRecord.Kind, ConsentRecord.Action, ConsentRecord.GpcSource


def cookie_decision_record(
    *,
    visitor_id: str,
    analytics: bool,
    marketing: bool,
    policy_version: str,
    banner_version: str = "",
    gpc_header: bool = False,
    gpc_body: bool = False,
    source: str = "",
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime,
) -> ConsentRecord:
    """Record a banner decision: one INSERT (the hottest write of this service).

    §10.4: a GPC signal turns analytics and marketing off whatever the body says; the
    record keeps what was asked and which signal overrode it. Strictly necessary cookies
    need no consent (§10.2) and are not stored as a choice.
    """
    gpc_source = {(True, True): Gpc.BOTH, (True, False): Gpc.HEADER,
                  (False, True): Gpc.BODY}.get((gpc_header, gpc_body), Gpc.NONE)
    gpc = gpc_source != Gpc.NONE
    return ConsentRecord.objects.create(
        kind=Kind.COOKIES, action=Action.DECIDED, subject_key=visitor_id,
        analytics=analytics and not gpc, marketing=marketing and not gpc,
        requested_analytics=analytics, requested_marketing=marketing, gpc_source=gpc_source,
        policy_version=policy_version, text_version=banner_version, source=source[:120],
        ip_prefix=ip_prefix(ip), user_agent_family=user_agent_family(user_agent), recorded_at=now,
    )


def _email_proof(*, action: str, key: str, email: str, customer_id: int | None, source: str,
                 text_version: str = "", ip: str | None = None, user_agent: str | None = None,
                 now: datetime) -> ConsentRecord:
    return ConsentRecord.objects.create(
        kind=Kind.EMAIL_MARKETING, action=action, subject_key=key, email=email,
        customer_id=customer_id, source=source[:120], text_version=text_version,
        policy_version=POLICY_VERSION, ip_prefix=ip_prefix(ip),
        user_agent_family=user_agent_family(user_agent), recorded_at=now,
    )


def _customer_for(email: str) -> Customer | None:
    return (Customer.objects.filter(email__iexact=normalise_email(email))
            .exclude(status=Customer.Status.DELETED).order_by("status", "-created_at").first())


def subscription_start(
    *,
    email: str,
    source: str,
    consent_text_version: str,
    language: str = "en",
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime,
) -> Subscription:
    """Newsletter signup, step 1 of the double opt-in: record it and mail a confirmation link.

    Nothing is sent to the address until the link is used (§3.5 "with your explicit
    consent"). A confirmed subscriber signing up again changes nothing; the link is mailed
    at most once a day per signup, so the form cannot be used to flood an inbox.
    """
    with transaction.atomic():
        key = email_hash(email)
        sub = Subscription.objects.select_for_update().filter(email_hash=key).first()
        if sub is not None and sub.status == Subscription.Status.CONFIRMED:
            return sub
        customer = _customer_for(email)
        if sub is None:
            sub = Subscription(email_hash=key, subscribed_at=now)
        if sub.status != Subscription.Status.PENDING or not sub.signup_nonce:
            sub.signup_nonce = secrets.token_hex(16)
            sub.subscribed_at = now
        sub.email, sub.customer, sub.language = normalise_email(email), customer, language
        sub.status, sub.unsubscribed_at, sub.confirmed_at = Subscription.Status.PENDING, None, None
        sub.source, sub.consent_text_version = source[:120], consent_text_version
        sub.last_engagement_at = now
        sub.save()
        _email_proof(action=Action.SIGNED_UP, key=key, email=sub.email, customer_id=sub.customer_id,
                     source=source, text_version=consent_text_version, ip=ip, user_agent=user_agent,
                     now=now)
    link = confirmation_url(confirmation_token(subscription_id=sub.pk, nonce=sub.signup_nonce))
    notify(kind="newsletter_confirm", customer=None, to_email=sub.email, language=sub.language,
           context={"confirm_url": link}, now=now,
           dedupe_key=f"newsletter-confirm:{sub.pk}:{sub.signup_nonce}:{now:%Y-%m-%d}")
    log.info("newsletter signup %s pending confirmation", sub.pk)
    return sub


@transaction.atomic
def subscription_confirm(*, token: str, ip: str | None = None, user_agent: str | None = None,
                         now: datetime) -> Subscription:
    """Step 2: the link from the email. Raises ``InvalidLink`` for a forged or expired one."""
    pk, nonce = read_confirmation_token(token)
    sub = Subscription.objects.select_for_update().filter(pk=pk, signup_nonce=nonce).first()
    if sub is None or sub.status == Subscription.Status.UNSUBSCRIBED:
        raise InvalidLink(expired=False)  # withdrawn since, or purged: sign up again
    if sub.status == Subscription.Status.CONFIRMED:
        return sub  # the same link clicked twice
    sub.status, sub.confirmed_at, sub.last_engagement_at = Subscription.Status.CONFIRMED, now, now
    sub.save(update_fields=["status", "confirmed_at", "last_engagement_at"])
    _email_proof(action=Action.CONFIRMED, key=sub.email_hash, email=sub.email,
                 customer_id=sub.customer_id, source=sub.source,
                 text_version=sub.consent_text_version, ip=ip, user_agent=user_agent, now=now)
    # A new, explicit, confirmed consent is a newer choice than an old opt-out.
    Suppression.objects.filter(email_hash=sub.email_hash).delete()
    return sub


@transaction.atomic
def marketing_unsubscribe(*, recipient: Recipient, source: str, ip: str | None = None,
                          user_agent: str | None = None, now: datetime) -> bool:
    """Stop all marketing to this recipient now (§3.5, §7.6, §7.8, §8.3). Idempotent.

    Suppresses the address, withdraws the newsletter subscription and, for a customer
    mailed on legitimate interest, records the objection on the account. Returns whether
    anything changed (a second click changes nothing and is not an error).
    """
    key = recipient.email_hash
    _, suppressed = Suppression.objects.get_or_create(
        email_hash=key, defaults={"reason": source[:40], "created_at": now})
    sub = (Subscription.objects.select_for_update().filter(email_hash=key)
           .exclude(status=Subscription.Status.UNSUBSCRIBED).first())
    if sub is not None:
        sub.status, sub.unsubscribed_at = Subscription.Status.UNSUBSCRIBED, now
        sub.save(update_fields=["status", "unsubscribed_at"])
    objected = bool(recipient.customer_id) and bool(
        Customer.objects.filter(pk=recipient.customer_id, marketing_objection=False)
        .update(marketing_objection=True))
    changed = suppressed or sub is not None or objected
    if changed:
        _email_proof(action=Action.WITHDRAWN, key=key, email=sub.email if sub else "",
                     customer_id=recipient.customer_id or (sub.customer_id if sub else None),
                     source=source, ip=ip, user_agent=user_agent, now=now)
        log.info("marketing stopped for subscription %s customer %s",
                 sub.pk if sub else "-", recipient.customer_id or "-")
    return changed


def marketing_object(*, customer: Customer, source: str, now: datetime) -> bool:
    """§7.6: a customer objects to direct marketing (account settings, support, the main app)."""
    return marketing_unsubscribe(
        recipient=Recipient(email_hash=email_hash(customer.email), customer_id=customer.pk),
        source=source, now=now)


def subscription_record_engagement(*, email: str, now: datetime) -> bool:
    """An open or click reported by the mailer: the 2-year inactivity clock starts again (§5.4)."""
    return bool(
        Subscription.objects.filter(email_hash=email_hash(email), status=Subscription.Status.CONFIRMED,
                                    last_engagement_at__lt=now).update(last_engagement_at=now))
