"""Reads behind the portal's pages: what is held about a subject, and their requests.

"What we hold" walks the registry (``micropim_privacy.policy.CATEGORIES``) and, for each
category, the models named in its ``held_in`` through the retention protocol
(``retention/retained.py``: ``subject_rows``, ``timestamp_field_for``), so a new category
or model appears here without a change to the portal. A category's next purge for this
subject is its period counted from the subject's oldest row (``Period.after``), or the
account's stored ``deletion_due_at`` for the categories erased 31 days after deletion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Min, Model, Q, QuerySet

from accounts.models import Customer
from accounts.selectors import active_legal_holds
from consent.models import email_hash
from dsar.models import DataSubjectRequest, RequestEvent
from micropim_privacy.policy import CATEGORIES, Category, CountsFrom

from .session import Subject


@dataclass(frozen=True)
class Holding:
    category: Category
    records: int | None  # None: held only in systems outside this service (not countable here)
    next_purge: datetime | None
    on_hold: bool
    after_deletion: bool  # the period starts when the account is deleted (§5.3)


def _model(label: str) -> type[Model] | None:
    if label.count(".") != 1:
        return None  # an outside system ("AWS S3", "app.micropim.net")
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _has_field(model: type[Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _subject_rows(model: type[Model], subject: Subject) -> QuerySet[Any] | None:
    if subject.customer is not None and hasattr(model, "subject_rows"):
        return model.subject_rows(subject.customer)  # type: ignore[attr-defined, no-any-return]
    # Subjects without an account: marketing records are keyed by the address's hash.
    key = email_hash(subject.email)
    if _has_field(model, "email_hash"):
        return model._default_manager.filter(email_hash=key)
    if _has_field(model, "subject_key"):
        return model._default_manager.filter(subject_key=key)
    return None


def _timestamp_field(model: type[Model], category: Category) -> str:
    if hasattr(model, "timestamp_field_for"):
        return str(model.timestamp_field_for(category.key))
    return str(getattr(model, "retention_timestamp_field", ""))


def _earliest_due(model: type[Model], rows: QuerySet[Any], category: Category) -> datetime | None:
    if category.retention is None:
        return None
    dues = []
    field = _timestamp_field(model, category)
    if field:
        oldest = rows.filter(**{f"{field}__isnull": False}).aggregate(m=Min(field))["m"]
        if oldest is not None:
            dues.append(category.retention.after(oldest))
    if category.counts_from == CountsFrom.RESPONSE_OR_WITHDRAWAL and _has_field(model, "consent_withdrawn_at"):
        withdrawn = rows.aggregate(m=Min("consent_withdrawn_at"))["m"]
        if withdrawn is not None:
            dues.append(withdrawn)  # §2.4: "or until consent withdrawn": due at once
    return min(dues) if dues else None


def _held(customer: Customer | None) -> tuple[bool, set[str]]:
    """(the whole account held, the category keys held) for this subject (§5.5)."""
    if customer is None:
        return False, set()
    holds = list(active_legal_holds(customer).values_list("customer_id", "category_key"))
    everything = any(owner == customer.pk and not key for owner, key in holds)
    return everything, {key for _, key in holds if key}


def holdings(subject: Subject) -> list[Holding]:
    everything_held, held_keys = _held(subject.customer)
    customer = subject.customer
    result = []
    for category in CATEGORIES:
        records: int | None = None
        dues: list[datetime] = []
        for label in category.held_in:
            model = _model(label)
            rows = _subject_rows(model, subject) if model is not None else None
            if model is None or rows is None:
                continue
            records = (records or 0) + rows.count()
            due = _earliest_due(model, rows, category)
            if due is not None:
                dues.append(due)
        after_deletion = category.counts_from == CountsFrom.DELETION_REQUESTED
        if after_deletion and customer is not None and customer.deletion_due_at is not None:
            dues.append(customer.deletion_due_at)
        result.append(Holding(
            category=category, records=records, next_purge=min(dues) if dues else None,
            on_hold=everything_held or category.key in held_keys,
            after_deletion=after_deletion and customer is not None,
        ))
    return result


def requests_of(subject: Subject) -> QuerySet[DataSubjectRequest]:
    """The subject's own requests: filed for their account or from their address."""
    scope = Q(email__iexact=subject.email)
    if subject.customer is not None:
        scope |= Q(customer=subject.customer)
    return DataSubjectRequest.objects.filter(scope).order_by("-received_at", "-id")


# What a requester sees of the timeline: not staff notes, not who viewed an ID.
PUBLIC_EVENT_KINDS = (
    RequestEvent.Kind.RECEIVED, RequestEvent.Kind.MOVED, RequestEvent.Kind.EXTENDED,
    RequestEvent.Kind.EMAIL, RequestEvent.Kind.ID_REQUESTED, RequestEvent.Kind.ID_UPLOADED,
    RequestEvent.Kind.ID_DELETED, RequestEvent.Kind.PACKAGE,
)


def request_timeline(dsr: DataSubjectRequest) -> QuerySet[RequestEvent]:
    return (dsr.events.filter(kind__in=PUBLIC_EVENT_KINDS)
            .exclude(kind=RequestEvent.Kind.EMAIL, data__to="agent")
            .select_related("notification").order_by("at", "id"))
