"""Billing records and invoices mirrored from Stripe (§2.2, §4.3): kept 7 years (§5.2).

On erasure they are KEPT (registry ``on_erasure=KEEP``, §5.3 "Retention only of: Billing
records"). Each row carries a stable reference to its customer that survives the erasure of
the account: ``stripe_customer_id`` (Stripe's id, what the tax records refer to). The
``customer`` link is kept too while the account row exists; if the account row itself is
ever deleted it becomes NULL (SET_NULL) and ``stripe_customer_id`` remains.
"""

from __future__ import annotations

from django.db import models

from accounts.models import Customer

from .retained import RetainedRecord


class StripeMirror(RetainedRecord):
    stripe_id = models.CharField(max_length=64, unique=True)
    stripe_customer_id = models.CharField(max_length=64, blank=True, db_index=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=30, blank=True)
    # Stripe may deliver events out of order: a row only takes an event newer than its last.
    stripe_event_created = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class BillingRecord(StripeMirror):
    """§2.2 billing name and address, card last 4 digits and expiry, the transaction (a charge)."""

    retention_timestamp_field = "transaction_at"

    transaction_at = models.DateTimeField()
    amount = models.BigIntegerField(help_text="In the currency's smallest unit")
    billing_name = models.CharField(max_length=200, blank=True)
    billing_address = models.JSONField(default=dict, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["transaction_at"], name="retention_billing_at_idx"),
            models.Index(fields=["customer"], name="retention_billing_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Billing record {self.stripe_id}"


class Invoice(StripeMirror):
    """§5.2 invoices and tax documents, with the VAT/Tax ID if provided (§2.2)."""

    retention_timestamp_field = "issued_at"

    number = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField()
    amount_due = models.BigIntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)
    customer_name = models.CharField(max_length=200, blank=True)
    customer_address = models.JSONField(default=dict, blank=True)
    customer_tax_id = models.CharField(max_length=64, blank=True, help_text="VAT/Tax ID")

    class Meta:
        indexes = [
            models.Index(fields=["issued_at"], name="retention_invoice_at_idx"),
            models.Index(fields=["customer"], name="retention_invoice_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"Invoice {self.number or self.stripe_id}"
