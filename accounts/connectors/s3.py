"""AWS S3: every object and every version under the account's prefix, and the profile photo.

Work comes in pages of at most ``ERASURE_S3_BATCH_SIZE`` (≤1000, the ``delete_objects``
limit), so memory stays flat however large the account. Each page is listed from the start
of the prefix (what was deleted is gone), written to the step as "in flight", deleted, and
counted in one transaction with clearing the in-flight mark. A crash between the delete and
the count is found on the next run: the in-flight page is deleted again (a no-op for what
is gone) and counted once. So the certificate's counts are exact and nothing is counted twice.

A bucket that has ever had versioning is listed with ``list_object_versions`` (versions and
delete markers are all removed, by version id); a never-versioned bucket with
``list_objects_v2`` (each key is its only version).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import transaction

from accounts import conf
from accounts.models import Customer

from .base import ErasureContext, Kept, Record, StepResult, held_reason

name = "s3"
title = "AWS S3 (customer product data and profile photo)"
categories = ("customer_product_data", "profile_photo")

VERSIONS = "object versions"
MARKERS = "delete markers"
OBJECTS = "objects"
PHOTO = "profile photo (all versions)"


class S3EraseFailed(Exception):
    pass


def unavailable() -> str | None:
    if not conf.aws_enabled():
        return "AWS is not configured in this environment (no keys, no S3 endpoint)"
    if not settings.S3_CUSTOMER_DATA_BUCKET:
        return "S3_CUSTOMER_DATA_BUCKET is not set"
    return None


def prefix_of(customer: Customer) -> str:
    """The account's prefix; refuses anything that could reach beyond one account."""
    external_id = customer.external_id
    if not external_id or "/" in external_id or external_id.startswith("erased-"):
        raise S3EraseFailed("the account has no usable external id for its S3 prefix")
    prefix = conf.s3_prefix_template().format(external_id=external_id)
    if external_id not in prefix or not prefix.endswith("/"):
        raise S3EraseFailed("ERASURE_S3_PREFIX_TEMPLATE must contain {external_id} and end with '/'")
    return prefix


def export(customer: Customer) -> Iterator[Record]:
    """Object metadata (key, size, date); the contents are downloaded from the main app."""
    client, bucket = _client(), settings.S3_CUSTOMER_DATA_BUCKET
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix_of(customer),
                                   PaginationConfig={"PageSize": 1000}):
        for item in page.get("Contents", []):
            yield "customer_product_data", {"key": item["Key"], "size": item["Size"],
                                            "last_modified": item["LastModified"].isoformat()}
    if customer.profile_photo_key:
        yield "profile_photo", {"key": customer.profile_photo_key}


def erase(customer: Customer, *, erasure: ErasureContext) -> StepResult:
    client, bucket = _client(), settings.S3_CUSTOMER_DATA_BUCKET
    kept: list[Kept] = []
    versioned = _versioned(client, bucket)
    _finish_in_flight(client, bucket, erasure)
    reason = held_reason(erasure, "customer_product_data")
    if reason:
        kept.append(Kept("Product data in S3", reason, category="customer_product_data"))
    else:
        _erase_prefix(client, bucket, prefix_of(customer), versioned, erasure)
    photo = customer.profile_photo_key
    if photo and not photo.startswith(prefix_of(customer)):
        reason = held_reason(erasure, "profile_photo")
        if reason:
            kept.append(Kept("Profile photo", reason, category="profile_photo"))
        else:
            _erase_key(client, bucket, photo, versioned, erasure)
    return StepResult(kept=kept)


def _versioned(client: Any, bucket: str) -> bool:
    return client.get_bucket_versioning(Bucket=bucket).get("Status") in ("Enabled", "Suspended")


def _page(client: Any, bucket: str, prefix: str, versioned: bool, *, exact: str | None = None) -> list[dict[str, str]]:
    """The next page of what is left: ``[{"Key", "VersionId"?, "kind"}]``, at most one batch."""
    size = conf.s3_batch_size()
    items: list[dict[str, str]] = []
    if versioned:
        page = client.list_object_versions(Bucket=bucket, Prefix=prefix, MaxKeys=size)
        for kind, entries in ((VERSIONS, page.get("Versions", [])), (MARKERS, page.get("DeleteMarkers", []))):
            items += [{"Key": e["Key"], "VersionId": e["VersionId"], "kind": kind} for e in entries]
    else:
        page = client.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=size)
        items = [{"Key": e["Key"], "kind": OBJECTS} for e in page.get("Contents", [])]
    if exact is not None:
        items = [i for i in items if i["Key"] == exact]
    return items[:size]


def _erase_prefix(client: Any, bucket: str, prefix: str, versioned: bool, erasure: ErasureContext) -> None:
    while items := _page(client, bucket, prefix, versioned):
        _delete_batch(client, bucket, items, erasure, label=None)


def _erase_key(client: Any, bucket: str, key: str, versioned: bool, erasure: ErasureContext) -> None:
    while items := _page(client, bucket, key, versioned, exact=key):
        _delete_batch(client, bucket, items, erasure, label=PHOTO)


def _delete_batch(client: Any, bucket: str, items: list[dict[str, str]], erasure: ErasureContext,
                  *, label: str | None) -> None:
    if label:
        items = [{**i, "kind": label} for i in items]
    with transaction.atomic():
        erasure.save_progress(in_flight=items)
    _delete(client, bucket, items)
    _count(items, erasure)


def _finish_in_flight(client: Any, bucket: str, erasure: ErasureContext) -> None:
    """A batch a crashed run deleted (or was about to) but never counted."""
    items = erasure.progress.get("in_flight") or []
    if items:
        _delete(client, bucket, items)
        _count(items, erasure)


def _delete(client: Any, bucket: str, items: list[dict[str, str]]) -> None:
    objects = [{k: v for k, v in i.items() if k in ("Key", "VersionId")} for i in items]
    answer = client.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
    errors = answer.get("Errors") or []
    if errors:  # codes only: keys are the customer's file names
        codes = sorted({e.get("Code", "?") for e in errors})
        raise S3EraseFailed(f"S3 refused {len(errors)} of {len(objects)} deletions: {', '.join(codes)}")


def _count(items: list[dict[str, str]], erasure: ErasureContext) -> None:
    with transaction.atomic():
        for kind in sorted({i["kind"] for i in items}):
            erasure.count_removed(kind, sum(1 for i in items if i["kind"] == kind))
        erasure.save_progress(in_flight=[])


def _client() -> Any:
    from micropim_privacy.aws import s3_client  # boto3 loads when used, not at every start

    return s3_client()
