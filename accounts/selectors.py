"""Reads shared by the admin, the API and the portal."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from retention.models import LegalHold

from .models import Customer


def active_legal_holds(customer: Customer) -> QuerySet[LegalHold]:
    """§5.5: holds on this customer (any category), plus holds on whole categories for everyone."""
    return LegalHold.objects.filter(lifted_at__isnull=True).filter(
        Q(customer=customer) | Q(customer__isnull=True)
    )


def is_on_legal_hold(customer: Customer) -> bool:
    """True when the account itself is held (erasure must wait)."""
    return LegalHold.objects.filter(
        lifted_at__isnull=True, customer=customer, category_key=""
    ).exists()
