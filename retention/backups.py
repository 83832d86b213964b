"""§5.2 "Backup Data — Up to 31 days": objects in the S3 backup bucket older than that go.

The age of a backup is S3's ``LastModified`` (when the object was written). In a versioned
bucket every old version and delete marker is removed too, so nothing lingers as a
non-current version. Backups copy the whole system, not one person: a customer's legal hold
keeps that customer's rows in the live database (where the purges skip them), and only a hold
on the ``backups`` category itself keeps backups.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from micropim_privacy.aws import s3_client
from micropim_privacy.policy import Category

from . import conf

if TYPE_CHECKING:
    from .purge import Holds, Tally

log = logging.getLogger(__name__)


def _expired_pages(s3: Any, bucket: str, cutoff: datetime) -> Iterator[list[dict[str, str]]]:
    """Batches (≤ 1000, one S3 page) of objects or versions last written before the cut-off."""
    versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status")
    if versioning in ("Enabled", "Suspended"):
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            items = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            yield [{"Key": i["Key"], "VersionId": i["VersionId"]} for i in items
                   if i["LastModified"] < cutoff]
    else:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            yield [{"Key": o["Key"]} for o in page.get("Contents", []) if o["LastModified"] < cutoff]


def purge_backups(*, category: Category, as_of: datetime, dry_run: bool, holds: Holds,
                  tally: Tally) -> None:
    if not conf.backups_enabled():
        tally.notes.append("AWS S3: no S3 endpoint or AWS credentials configured here — "
                           "backup bucket not checked")
        return
    cutoff = category.cutoff(as_of)
    assert cutoff is not None
    bucket = conf.backup_bucket()
    s3 = s3_client()
    for expired in _expired_pages(s3, bucket, cutoff):
        if not expired:
            continue
        tally.counted += len(expired)
        if holds.everyone:
            tally.held += len(expired)
            continue
        if dry_run:
            tally.deleted += len(expired)
            continue
        answer = s3.delete_objects(Bucket=bucket, Delete={"Objects": expired, "Quiet": True})
        errors = answer.get("Errors", [])
        tally.deleted += len(expired) - len(errors)
        if errors:
            raise RuntimeError(f"S3 refused to delete {len(errors)} backup object(s) in {bucket}: "
                               f"{errors[0].get('Code')}")
    if holds.everyone and tally.held:
        tally.notes.append("AWS S3: the backups category is under a legal hold (§5.5)")
