"""Every write the portal makes itself: sign-in links and the "Do Not Sell or Share" opt-out.

Everything else a person does in the portal goes through the owning app's services
(consent, dsar, subprocessors, accounts); the views only call them.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction

from accounts.models import Customer
from accounts.notifications import notify
from consent.models import email_hash, normalise_email

from . import conf
from .models import SaleOptOut, SignInLink

log = logging.getLogger(__name__)
_SIGNIN_SALT = "portal.signin-link"


class InvalidLink(Exception):
    """Forged, altered, expired or already used. ``reason`` tells which, for a helpful page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "invalid" | "expired" | "used"


def customer_for_email(email: str) -> Customer | None:
    """The account an address belongs to (the live one first), or None for other subjects."""
    return (Customer.objects.filter(email__iexact=normalise_email(email))
            .exclude(status=Customer.Status.DELETED).order_by("status", "-created_at").first())


def signin_link_token(link: SignInLink) -> str:
    return signing.TimestampSigner(salt=_SIGNIN_SALT).sign(link.nonce)


def _read_token(token: str) -> str:
    signer = signing.TimestampSigner(salt=_SIGNIN_SALT)
    try:
        return signer.unsign(token, max_age=conf.signin_link_max_age_seconds())
    except signing.SignatureExpired as exc:
        raise InvalidLink("expired") from exc
    except signing.BadSignature as exc:
        raise InvalidLink("invalid") from exc


def signin_link_issue(*, email: str, language: str, base_url: str, now: datetime) -> SignInLink:
    """Mail a single-use sign-in link to any address (customers and other data subjects).

    The page that asked says the same whatever the address, so nobody learns from it who
    is a customer; the rate limits in the view keep it from flooding an inbox.
    """
    address = normalise_email(email)
    customer = customer_for_email(address)
    link = SignInLink.objects.create(
        nonce=secrets.token_hex(16), email=address, language=language, created_at=now,
        expires_at=now + timedelta(seconds=conf.signin_link_max_age_seconds()),
    )
    url = f"{base_url.rstrip('/')}/privacy/sign-in/link/{signin_link_token(link)}/"
    notify(kind="portal_signin_link", customer=customer, to_email=address, language=language,
           context={"signin_url": url, "minutes": conf.signin_link_max_age_seconds() // 60},
           dedupe_key=f"portal-signin:{link.nonce}", now=now)
    log.info("portal sign-in link %s mailed (customer %s)", link.pk, customer.pk if customer else "-")
    return link


def signin_link_check(*, token: str, now: datetime) -> SignInLink:
    """The link's row if it can still be used; raises ``InvalidLink`` otherwise. Changes nothing."""
    link = SignInLink.objects.filter(nonce=_read_token(token)).first()
    if link is None:
        raise InvalidLink("invalid")
    if link.used_at is not None:
        raise InvalidLink("used")
    if now >= link.expires_at:
        raise InvalidLink("expired")
    return link


@transaction.atomic
def signin_link_consume(*, token: str, now: datetime) -> SignInLink:
    """Use the link once: a conditional update, so two clicks racing cannot both win."""
    link = signin_link_check(token=token, now=now)
    used = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if not used:
        raise InvalidLink("used")
    link.used_at = now
    return link


def signin_links_purge(*, as_of: datetime, dry_run: bool) -> int:
    """Links expired for more than a day: no longer needed to refuse a reuse (the signature
    has expired too)."""
    old = SignInLink.objects.filter(expires_at__lt=as_of - timedelta(days=1))
    if dry_run:
        return old.count()
    deleted, _ = old.delete()
    return deleted


@transaction.atomic
def sale_opt_out_record(*, email: str, customer: Customer | None, source: str,
                        now: datetime) -> tuple[SaleOptOut, bool]:
    """§8.1: record "Do Not Sell or Share" for this subject. A repeat changes nothing."""
    opt_out, created = SaleOptOut.objects.get_or_create(
        email_hash=email_hash(email),
        defaults={"customer": customer, "source": source[:20], "recorded_at": now},
    )
    if created:
        log.info("sale/share opt-out %s recorded (customer %s)", opt_out.pk,
                 customer.pk if customer else "-")
    return opt_out, created
