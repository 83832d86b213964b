"""Reads shared by the admin, the API and the portal."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from retention.models import LegalHold

from .models import Customer, Erasure


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


def was_erased(external_id: str) -> bool:
    """True when an account with this id was erased (its row now keeps only a keyed hash)."""
    from .identifiers import keyed_hash

    return Erasure.objects.filter(subject_hash=keyed_hash("external_id", external_id)).exists()


def customer_by_external_id(external_id: str) -> Customer | None:
    """The account by the main app's id, erased ones included (found by the keyed hash)."""
    from .identifiers import keyed_hash

    customer = Customer.objects.filter(external_id=external_id).first()
    if customer is not None or external_id.startswith("erased-"):
        return customer
    erasure = (Erasure.objects.select_related("customer")
               .filter(subject_hash=keyed_hash("external_id", external_id)).first())
    return erasure.customer if erasure is not None else None
