"""The retention protocol: how a model tells the purge engine and the erasure engine what it holds.

A model plugs into the registry-driven purge by being named in a registry category's
``held_in`` (``"app.Model"``) and declaring, as class attributes or classmethods:

``retention_timestamp_field``
    the field the category's period counts from (e.g. ``"resolved_at"``); rows where it is
    NULL have not started their period (an open ticket) and are never purged.
``retention_timestamp_fields``
    per category key, when one model serves several categories
    (e.g. ``{"newsletter_subscription": "last_engaged_at",
    "marketing_after_unsubscribe": "unsubscribed_at"}``).
``expired_rows(*, category, as_of) -> QuerySet``
    full control, when "passed its period" is more than one comparison (survey responses:
    two years, *or* consent withdrawn). Overrides the two attributes above.
``retention_customer_field``
    the path to ``accounts.Customer`` for legal holds and ``subject_rows`` (default
    ``"customer"``; ``None`` = rows not tied to a subject).
``subject_rows(customer) -> QuerySet``
    every row of that data subject (the erasure engine and the access export use it).
``retention_delete(queryset) -> int`` (optional)
    delete these rows and whatever they own outside the database (a stored file); the
    default is ``queryset.delete()``.
``queryset.roll_up()`` / ``queryset.anonymise()``
    for categories that end in ``anonymise``: ``roll_up()`` folds the rows into anonymous
    aggregates and deletes them; ``anonymise()`` strips them in place, and the model's
    ``expired_rows`` must then leave anonymised rows out.

``RetainedRecord`` below implements the defaults; models in other apps may subclass it or
simply declare the attributes.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.apps import apps
from django.db import models

if TYPE_CHECKING:
    from accounts.models import Customer
    from micropim_privacy.policy import Category


class RetainedRecord(models.Model):
    """Abstract base of every record this app keeps for a registry category."""

    retention_timestamp_field: ClassVar[str] = ""
    retention_timestamp_fields: ClassVar[dict[str, str]] = {}
    retention_customer_field: ClassVar[str | None] = "customer"

    class Meta:
        abstract = True

    @classmethod
    def timestamp_field_for(cls, category_key: str) -> str:
        return cls.retention_timestamp_fields.get(category_key, cls.retention_timestamp_field)

    @classmethod
    def subject_rows(cls, customer: Customer) -> models.QuerySet[Any]:
        if cls.retention_customer_field is None:
            return cls._default_manager.none()
        return cls._default_manager.filter(**{cls.retention_customer_field: customer})

    @classmethod
    def expired_rows(cls, *, category: Category, as_of: datetime) -> models.QuerySet[Any]:
        """Rows whose period (counted from the timestamp field) ended before ``as_of``."""
        cutoff = category.cutoff(as_of)
        field = cls.timestamp_field_for(category.key)
        if cutoff is None or not field:
            return cls._default_manager.none()
        return cls._default_manager.filter(**{f"{field}__lt": cutoff})


# -- reading the protocol of any model (ours or another app's) ---------------------------------

MODEL_LABEL = re.compile(r"^[A-Za-z_]\w*\.[A-Za-z_]\w*$")


def resolve_model(label: str) -> type[models.Model] | None:
    if not MODEL_LABEL.match(label):
        return None
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def timestamp_field(model: type[models.Model], category: Category) -> str:
    per_category: dict[str, str] = getattr(model, "retention_timestamp_fields", {}) or {}
    return per_category.get(category.key) or getattr(model, "retention_timestamp_field", "") or ""


def has_custom_expiry(model: type[models.Model]) -> bool:
    """True when the model decides expiry itself (not one timestamp against the cut-off)."""
    method = getattr(model, "expired_rows", None)
    if method is None:
        return False
    return getattr(method, "__func__", None) is not RetainedRecord.expired_rows.__func__  # type: ignore[attr-defined]


def declares_retention(model: type[models.Model], category: Category) -> bool:
    return has_custom_expiry(model) or bool(timestamp_field(model, category))


def expired_rows(model: type[models.Model], category: Category, as_of: datetime) -> models.QuerySet[Any]:
    if has_custom_expiry(model):
        return model.expired_rows(category=category, as_of=as_of)  # type: ignore[attr-defined]
    cutoff = category.cutoff(as_of)
    return model._default_manager.filter(**{f"{timestamp_field(model, category)}__lt": cutoff})


def customer_field(model: type[models.Model]) -> str | None:
    if hasattr(model, "retention_customer_field"):
        return model.retention_customer_field  # type: ignore[attr-defined, no-any-return]
    names = {f.name for f in model._meta.get_fields()}
    return "customer" if "customer" in names else None
