"""Consent proofs, newsletter subscriptions and the marketing suppression list.

Registry categories (micropim_privacy/policy.py): ``marketing_consent_records`` →
:class:`ConsentRecord`; ``newsletter_subscription``, ``marketing_after_unsubscribe`` and
``marketing_preferences`` → :class:`Subscription` (the opt-out itself lives on as a
:class:`Suppression` hash). Purges are in ``consent/jobs.py``.
"""

from __future__ import annotations

import hashlib

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Customer


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    """A stable pseudonym of an address: links proofs, subscription and suppression.

    Not keyed with SECRET_KEY on purpose: a key rotation must never empty the suppression
    list and mail people who opted out.
    """
    return hashlib.sha256(f"micropim-marketing:{normalise_email(email)}".encode()).hexdigest()


class ConsentRecord(models.Model):
    """Proof of one consent decision (§5.2 "Marketing Consent Records", §7.8, §10.2, §10.4).

    Append-only. ``subject_key`` groups the decisions of one subject: the visitor id for
    the cookie banner, ``email_hash`` for email marketing. A record is kept 2 years after
    the consent it proves ended (a newer banner decision, a withdrawal) or after the
    subject's last engagement, whichever the purge finds later.
    """

    class Kind(models.TextChoices):
        COOKIES = "cookies", "Cookie banner decision"
        EMAIL_MARKETING = "email_marketing", "Email marketing"

    class Action(models.TextChoices):
        DECIDED = "decided", "Decided (cookie banner)"
        SIGNED_UP = "signed_up", "Signed up (confirmation pending)"
        CONFIRMED = "confirmed", "Confirmed (double opt-in)"
        WITHDRAWN = "withdrawn", "Withdrawn / objected"

    class GpcSource(models.TextChoices):
        NONE = "", "No GPC signal"
        HEADER = "header", "Sec-GPC: 1 header"
        BODY = "body", "gpc flag in the request body"
        BOTH = "both", "Header and body flag"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    action = models.CharField(max_length=12, choices=Action.choices)
    subject_key = models.CharField(max_length=64)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(blank=True, help_text="Email marketing proofs only")
    # Cookie categories as stored (after GPC) and as the body asked for them.
    analytics = models.BooleanField(null=True)
    marketing = models.BooleanField(null=True)
    requested_analytics = models.BooleanField(null=True)
    requested_marketing = models.BooleanField(null=True)
    gpc_source = models.CharField(max_length=6, choices=GpcSource.choices, blank=True, default="")
    policy_version = models.CharField(max_length=16)
    text_version = models.CharField(
        max_length=32, blank=True, help_text="Banner version or newsletter consent text version"
    )
    source = models.CharField(max_length=120, blank=True, help_text="Site origin, form or channel")
    ip_prefix = models.CharField(max_length=45, blank=True, help_text="Anonymised: IPv4 /24, IPv6 /48")
    user_agent_family = models.CharField(max_length=32, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["subject_key", "recorded_at"], name="consent_subject_time"),
            models.Index(fields=["recorded_at"], name="consent_recorded_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.action} #{self.pk}"

    @property
    def gpc(self) -> bool:
        return bool(self.gpc_source)

    @property
    def gpc_overrode(self) -> bool:
        """§10.4: the body asked for a category that GPC turned off."""
        return self.gpc and bool(self.requested_analytics or self.requested_marketing)

    @classmethod
    def subject_rows(cls, customer: Customer) -> QuerySet[ConsentRecord]:
        return cls.objects.filter(Q(customer=customer) | Q(subject_key=email_hash(customer.email)))


class Subscription(models.Model):
    """A newsletter subscription with double opt-in (§2.5, §3.5), one row per address."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField(max_length=254)
    email_hash = models.CharField(max_length=64, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=2, choices=Customer.Language.choices, default="en")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=120)
    consent_text_version = models.CharField(max_length=32)
    signup_nonce = models.CharField(max_length=32, editable=False,
                                    help_text="Binds a confirmation link to one signup")
    subscribed_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_engagement_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-subscribed_at"]

    def __str__(self) -> str:
        return f"Subscription #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @classmethod
    def subject_rows(cls, customer: Customer) -> QuerySet[Subscription]:
        return cls.objects.filter(Q(customer=customer) | Q(email_hash=email_hash(customer.email)))


class Suppression(models.Model):
    """Addresses that must not get marketing (§3.5, §7.6: "stop all marketing immediately").

    Only the hash is kept, so the opt-out outlives the deletion of the marketing data
    (§5.4) without keeping the address. A new confirmed double opt-in lifts it.
    """

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Suppression #{self.pk} ({self.reason})"

    @classmethod
    def subject_rows(cls, customer: Customer) -> QuerySet[Suppression]:
        return cls.objects.filter(email_hash=email_hash(customer.email))
