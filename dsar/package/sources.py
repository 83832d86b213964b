"""Where the package's data comes from: every system's ``export(customer)`` (the connectors
of ``accounts/connectors/``, in their order), and the customer's uploaded files in S3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings

from accounts.connectors import SYSTEMS, ExportItem, export_customer
from accounts.connectors.s3 import prefix_of
from accounts.connectors.s3 import unavailable as s3_unavailable
from accounts.models import Customer


def export_records(customer: Customer | None, email: str = "") -> Iterator[ExportItem]:
    """Every record every configured system holds about the subject, streamed. Someone
    without an account (a newsletter subscriber) is found by address in the consent tables."""
    if customer is None:
        return _by_address(email)
    return export_customer(customer)


def _by_address(email: str) -> Iterator[ExportItem]:
    from accounts.connectors.privacy_db import as_dict
    from consent.models import ConsentRecord, Subscription, Suppression, email_hash

    if not email:
        return
    key = email_hash(email)
    for sub in Subscription.objects.filter(email_hash=key):
        yield ExportItem("privacy-db", "newsletter_subscription", as_dict(sub))
    for proof in ConsentRecord.objects.filter(subject_key=key).order_by("recorded_at").iterator(2000):
        yield ExportItem("privacy-db", "marketing_consent_records", as_dict(proof))
    for suppressed in Suppression.objects.filter(email_hash=key):
        yield ExportItem("privacy-db", "marketing_preferences", as_dict(suppressed))


def systems_not_exported() -> list[dict[str, str]]:
    """Systems not configured here, with the reason (the package's README says so)."""
    return [{"system": s.title, "reason": reason} for s in SYSTEMS if (reason := s.unavailable())]


def customer_files(customer: Customer, *, s3: Any) -> Iterator[dict[str, Any]]:
    """The account's product data objects (current versions), page by page."""
    if s3_unavailable():
        return
    bucket = settings.S3_CUSTOMER_DATA_BUCKET
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix_of(customer),
                                   PaginationConfig={"PageSize": 1000}):
        for obj in page.get("Contents", []):
            yield {"bucket": bucket, "key": obj["Key"], "size_bytes": obj["Size"]}
