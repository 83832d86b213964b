"""What the portal itself stores: single-use sign-in links and "Do Not Sell or Share" opt-outs.

Everything else the portal shows belongs to the other apps and is read through their
selectors and changed through their services.
"""

from __future__ import annotations

from datetime import datetime

from django.db import models

from accounts.models import Customer


class SignInLink(models.Model):
    """A single-use emailed sign-in link (data subjects without a password, §7.10).

    The emailed token is a timestamp-signed nonce (``services.signin_link_token``); this row
    binds the nonce to the address and records its use, so a second use fails. Rows are
    deleted by the ``portal_signin_links_purge`` job a day after they expire.
    """

    nonce = models.CharField(max_length=64, unique=True)
    email = models.EmailField(max_length=254)
    language = models.CharField(max_length=2, default="en")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sign-in link #{self.pk}"

    def is_usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


class SaleOptOut(models.Model):
    """§8.1 "Do Not Sell or Share My Personal Information", recorded in one click.

    The consent app exposes no opt-out-of-sale service yet, so the portal keeps the proof
    here: one row per subject, keyed by the address's marketing hash (``consent.models.
    email_hash``) so the opt-out outlives the address, as the suppression list does.
    """

    email_hash = models.CharField(max_length=64, unique=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    source = models.CharField(max_length=20, help_text="portal button, or a GPC signal")
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Sale/share opt-out #{self.pk}"
