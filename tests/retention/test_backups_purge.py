"""§5.2 "Backup Data — Up to 31 days": the backup bucket (S3, here a moto server) is emptied of
what is older than that; versions too, in a versioned bucket."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from micropim_privacy.aws import s3_client
from retention.models import LegalHold, PurgeRun

from .conftest import purge

BUCKET = "micropim-backups-test"


@pytest.fixture
def bucket(moto_server: str, settings: Any, db: None) -> Any:
    settings.S3_BACKUP_BUCKET = BUCKET
    s3 = s3_client()
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": settings.AWS_REGION})
    return s3


def _keys(s3: Any) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_backups_are_kept_31_days_and_removed_after(bucket: Any) -> None:
    for i in range(3):
        bucket.put_object(Bucket=BUCKET, Key=f"db/2026-03-0{i + 1}.dump", Body=b"backup")
    now = timezone.now()  # S3 stamps LastModified with the real clock: travel forward from it
    assert purge("backups", now + timedelta(days=30))["counted"] == 0
    assert len(_keys(bucket)) == 3
    assert purge("backups", now + timedelta(days=32)) == {
        "counted": 3, "deleted": 3, "anonymised": 0, "held": 0}
    assert _keys(bucket) == []
    assert purge("backups", now + timedelta(days=32))["counted"] == 0


def test_a_versioned_bucket_loses_old_versions_too(bucket: Any) -> None:
    bucket.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    bucket.put_object(Bucket=BUCKET, Key="db/latest.dump", Body=b"v1")
    bucket.put_object(Bucket=BUCKET, Key="db/latest.dump", Body=b"v2")
    bucket.delete_object(Bucket=BUCKET, Key="db/latest.dump")  # a delete marker
    assert purge("backups", timezone.now() + timedelta(days=32))["deleted"] == 3
    versions = bucket.list_object_versions(Bucket=BUCKET)
    assert not versions.get("Versions") and not versions.get("DeleteMarkers")


def test_a_hold_on_the_backups_category_keeps_them(bucket: Any) -> None:
    bucket.put_object(Bucket=BUCKET, Key="db/a.dump", Body=b"x")
    LegalHold.objects.create(category_key="backups", reason="regulator asked for snapshots")
    assert purge("backups", timezone.now() + timedelta(days=40)) == {
        "counted": 1, "deleted": 0, "anonymised": 0, "held": 1}
    assert _keys(bucket) == ["db/a.dump"]


def test_without_s3_configured_the_job_notes_it_and_succeeds(db: None, settings: Any) -> None:
    settings.S3_ENDPOINT_URL = None
    settings.AWS_ACCESS_KEY_ID = ""
    assert purge("backups", timezone.now())["counted"] == 0
    assert "no S3 endpoint" in PurgeRun.objects.get(category_key="backups").notes
